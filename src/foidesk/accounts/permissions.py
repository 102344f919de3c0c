"""Who may do what: every permission in foidesk is decided here, as a rules predicate.

Each permission below carries the sentence a person refused it is told. Pages, services
and the API enforce one the same way, ``enforce(user, PERMISSION, obj)`` (a page through
``require``, a page or API call about one request through ``casework.access``); templates
ask ``user.has_perm(PERMISSION, obj)`` only to decide what to offer.

- Officers and administrators see every request and handle it.
- Approvers see every request and approve responses.
- Contributors see only requests with a contribution for one of their service areas, and
  never the requester's personal data.
"""

import functools

import rules
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

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


class Permission(str):
    """A permission's name, as ``has_perm`` takes it, with the sentence a person refused it
    is told: defined once, here, for pages, services and the API alike."""

    def __new__(cls, name, refusal):
        permission = super().__new__(cls, name)
        permission.refusal = refusal
        return permission


VIEW_STAFF_PAGES = Permission(
    "foidesk.view_staff_pages",
    "Your account has no role in foidesk yet: ask an administrator to give you one.",
)
USE_ADMIN_SITE = Permission(
    "foidesk.use_admin_site", "Administration is open to administrators only."
)
VIEW_CASELOAD = Permission(
    "foidesk.view_caseload", "Only the FOI team and approvers see the whole caseload."
)
LOG_REQUEST = Permission("foidesk.log_request", "Only FOI officers log requests.")
# Refused as "not found", never with a sentence: a contributor is not told which requests
# exist beyond their service area's.
VIEW_REQUEST = Permission("foidesk.view_request", "There is no request with that reference.")
VIEW_REQUESTER = Permission(
    "foidesk.view_requester", "Only the FOI team and approvers see who made a request."
)
HANDLE_REQUEST = Permission(
    "foidesk.handle_request",
    "Only FOI officers handle a request: edit it, ask service areas, and prepare, send and "
    "publish its response.",
)
APPROVE_REQUEST = Permission(
    "foidesk.approve_request", "Only approvers approve a response or return it for changes."
)
VIEW_CONTRIBUTIONS = Permission(
    "foidesk.view_contributions", "Only contributors have contributions to answer."
)
ANSWER_CONTRIBUTION = Permission(
    "foidesk.answer_contribution", "This contribution is not yours to answer, or is answered."
)
USE_API = Permission("foidesk.use_api", "Only staff with a role in foidesk use the API.")

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


def enforce(user, permission, obj=None):
    """The one way a permission is enforced: PermissionDenied, with the permission's own
    sentence, unless ``user`` has ``permission`` (on ``obj``, where it is about one)."""
    if not user.has_perm(permission, obj):
        raise PermissionDenied(permission.refusal)


def require(permission):
    """A page's permission: visitors sign in first; staff without it are refused (403).
    The page keeps the permission it requires, which the permission matrix test reads."""

    def decorate(view):
        @functools.wraps(view)
        def page(request, *args, **kwargs):
            enforce(request.user, permission)
            return view(request, *args, **kwargs)

        page.permission = permission
        return login_required(page)

    return decorate
