"""How a page or an API call reaches one request: the request must be one the user may see
(or it is "not found", never "forbidden": a contributor is not told which requests exist
beyond their service area's), then each permission it needs is enforced on it.
"""

import functools

from django.http import Http404

from foidesk.accounts import permissions
from foidesk.casework.models import Request


def case_for(user, reference, *needs, requests=None):
    """The request at ``reference`` if ``user`` may see it, else Http404; then
    ``permissions.enforce`` for each of ``needs`` on it. ``requests``: the queryset to look
    in, for what to load with it (default: the request with its requester)."""
    if requests is None:
        requests = Request.objects.select_related("requester")
    case = requests.visible_to(user).filter(reference=reference).first()
    if case is None:
        raise Http404(permissions.VIEW_REQUEST.refusal)
    for permission in needs:
        permissions.enforce(user, permission, case)
    return case


def request_page(*needs, requests=None):
    """A staff page about one request: the view is called with the request in place of its
    reference, once ``case_for`` has found it (in ``requests``, a queryset) and enforced
    ``needs``. The page keeps its ``needs``, which the permission matrix test reads."""

    def decorate(view):
        @permissions.require(permissions.VIEW_STAFF_PAGES)
        @functools.wraps(view)
        def page(request, reference, **kwargs):
            case = case_for(request.user, reference, *needs, requests=requests)
            return view(request, case, **kwargs)

        page.needs = needs
        return page

    return decorate
