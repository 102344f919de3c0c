"""What every page's layout needs: the authority, the navigation and the CSP nonce."""

from django.middleware.csp import get_nonce
from django.urls import reverse

from foidesk import law
from foidesk.accounts import permissions
from foidesk.casework.services import current_authority

SERVICE_NAME = "Freedom of information requests"


def navigation(request):
    user = getattr(request, "user", None)
    # The disclosure log is for everyone: the answer someone wants may already be there.
    items = [{"href": reverse("publication:log"), "text": "Disclosure log"}]
    if user is None or not user.is_authenticated:
        return _marked(request, items)
    if user.has_perm(permissions.VIEW_STAFF_PAGES):
        items.append({"href": reverse("casework:home"), "text": "Casework"})
    if user.has_perm(permissions.HANDLE_REQUEST):
        items.append({"href": reverse("intake:problems"), "text": "Messages to check"})
        items.append({"href": reverse("intake:not-sent"), "text": "Email not sent"})
    if user.has_perm(permissions.USE_ADMIN_SITE):
        items.append({"href": reverse("admin:index"), "text": "Administration"})
    return _marked(request, items)


def _marked(request, items):
    for item in items:
        item["active"] = request.path.startswith(item["href"])
    return items


def csp_nonce(request):
    # Django's nonce is lazy and reads as false until it is turned into a string.
    nonce = get_nonce(request)
    return "" if nonce is None else str(nonce)


def layout(request):
    return {
        "outcome_labels": dict(law.choices(law.Outcome)),
        "authority": current_authority(),
        "service_name": SERVICE_NAME,
        "navigation": navigation(request),
        "cspNonce": csp_nonce(request),
    }
