"""Who may do what: every permission in foidesk is decided here, as a rules predicate.

Views, templates, the API and the admin site ask ``user.has_perm(NAME, obj)`` with one of
the names below and decide nothing themselves.

- Officers and administrators see every request and handle it.
- Approvers see every request and approve responses.
- Contributors see only requests with a contribution for one of their service areas, and
  never the requester's personal data.
"""

import rules
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404

from foidesk.accounts.roles import Role

is_officer = rules.is_group_member(Role.OFFICER)
is_contributor = rules.is_group_member(Role.CONTRIBUTOR)
is_approver = rules.is_group_member(Role.APPROVER)
is_admin = rules.is_group_member(Role.ADMIN)
is_staff_member = is_officer | is_contributor | is_approver | is_admin
sees_every_request = is_officer | is_admin | is_approver


@rules.predicate
def contributes_to(user, request):
    """The request has a contribution for one of the user's service areas."""
    if request is None:
        return False
    return request.contributions.filter(service_area__members=user).exists()


@rules.predicate
def member_of_area(user, contribution):
    if contribution is None:
        return False
    return contribution.service_area.members.filter(pk=user.pk).exists()


@rules.predicate
def contribution_open(user, contribution):
    return contribution is not None and contribution.status == "requested"


VIEW_STAFF_PAGES = "foidesk.view_staff_pages"
USE_ADMIN_SITE = "foidesk.use_admin_site"
VIEW_CASELOAD = "foidesk.view_caseload"
LOG_REQUEST = "foidesk.log_request"
VIEW_REQUEST = "foidesk.view_request"
VIEW_REQUESTER = "foidesk.view_requester"
HANDLE_REQUEST = "foidesk.handle_request"
APPROVE_REQUEST = "foidesk.approve_request"
VIEW_CONTRIBUTIONS = "foidesk.view_contributions"
ANSWER_CONTRIBUTION = "foidesk.answer_contribution"
USE_API = "foidesk.use_api"

rules.add_perm(VIEW_STAFF_PAGES, is_staff_member)
rules.add_perm(USE_ADMIN_SITE, is_admin)
rules.add_perm(VIEW_CASELOAD, sees_every_request)
rules.add_perm(LOG_REQUEST, is_officer | is_admin)
rules.add_perm(VIEW_REQUEST, sees_every_request | (is_contributor & contributes_to))
rules.add_perm(VIEW_REQUESTER, sees_every_request)
rules.add_perm(HANDLE_REQUEST, is_officer | is_admin)
rules.add_perm(APPROVE_REQUEST, is_approver)
rules.add_perm(VIEW_CONTRIBUTIONS, is_contributor)
rules.add_perm(
    ANSWER_CONTRIBUTION,
    contribution_open & (is_officer | is_admin | (is_contributor & member_of_area)),
)
rules.add_perm(USE_API, is_staff_member)

# What the person refused is told, the one sentence for each permission refused anywhere:
# a page, a service or the API.
REFUSALS = {
    USE_ADMIN_SITE: "Administration is open to administrators only.",
    LOG_REQUEST: "Only FOI officers log requests.",
    # A response is addressed to the requester, so seeing one is seeing them.
    VIEW_REQUESTER: "Only the FOI team and approvers see a response.",
    HANDLE_REQUEST: "Only FOI officers handle requests.",
    APPROVE_REQUEST: "Only approvers approve responses.",
    ANSWER_CONTRIBUTION: "This contribution is not yours to answer, or is answered.",
}


def visible_requests(user, requests):
    """Of ``requests`` (a queryset), those ``user`` may see: the list form of VIEW_REQUEST."""
    if sees_every_request(user):
        return requests
    if is_contributor(user):
        # Imported here: casework's models import this module, through the workflow.
        from foidesk.casework.models import Contribution

        asked = Contribution.objects.filter(request=OuterRef("pk"), service_area__members=user)
        return requests.filter(Exists(asked))
    return requests.none()


def request_or_404(user, requests, reference, *needs):
    """The request at ``reference`` among ``requests`` (a queryset) if ``user`` may see it,
    else Http404, not 403: a contributor should not learn which references exist. Then
    PermissionDenied, with its refusal, for the first permission of ``needs`` the user
    lacks on it."""
    case = get_object_or_404(requests, reference=reference)
    if not user.has_perm(VIEW_REQUEST, case):
        raise Http404("No such request.")
    for permission in needs:
        if not user.has_perm(permission, case):
            raise PermissionDenied(REFUSALS[permission])
    return case


def require(permission):
    """A view decorator: visitors sign in first; staff without the permission get a 403."""

    def decorate(view):
        return login_required(permission_required(permission, raise_exception=True)(view))

    return decorate
