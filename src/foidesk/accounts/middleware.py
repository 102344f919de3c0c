from django.utils.cache import add_never_cache_headers


def private_pages_not_cached(get_response):
    """Pages seen by a signed-in member of staff are never kept by browsers or proxies."""

    def middleware(request):
        response = get_response(request)
        if request.user.is_authenticated:
            add_never_cache_headers(response)
        return response

    return middleware
