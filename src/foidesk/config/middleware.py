"""Middleware for every page and API call."""

from django.core.exceptions import BadRequest


def refuse_nul_characters(get_response):
    """No honest address or query holds a NUL character (0x00), and PostgreSQL refuses to
    compare text with one: such a request is a 400 before a view takes it to the database.
    (Forms sent in a body refuse NUL themselves, field by field.)"""

    def middleware(request):
        query = request.GET.lists()
        if "\x00" in request.path or any(
            "\x00" in name or any("\x00" in value for value in values) for name, values in query
        ):
            raise BadRequest("A NUL character in the address")
        return get_response(request)

    return middleware
