"""The API's errors in its one shape (README), for the answers given before any of the API's
own code runs: an address that cannot be read (foidesk's own middleware), a path that is not
there (Django's URLconf) and a method a path does not take (django-ninja), each of which
would otherwise be HTML or plain text."""

from django.http import JsonResponse
from django.urls import reverse

from foidesk.api.api import problem


def api_errors_as_problems(get_response):
    def middleware(request):
        response = get_response(request)
        if (
            response.status_code not in {400, 404, 405}
            or response.get("Content-Type", "").startswith("application/json")
            or not request.path.startswith(reverse("api:api-root"))
        ):
            return response
        if response.status_code == 405:
            message = f"{request.method} is not taken here: use {response['Allow']}"
            refused = JsonResponse(problem(["method"], message), status=405)
            refused["Allow"] = response["Allow"]
            return refused
        if response.status_code == 400:
            message = "The address could not be read: check it, and that it holds no NUL character"
            return JsonResponse(problem(["path"], message), status=400)
        docs = reverse("api:openapi-view")
        return JsonResponse(
            problem(["path"], f"There is nothing at this address: the calls are listed at {docs}"),
            status=404,
        )

    return middleware
