"""Who may do what: every permission in foidesk is decided here, as a rules predicate.

Views and templates ask ``user.has_perm(...)`` with one of the names below.
"""

import rules
from django.contrib.auth.decorators import login_required, permission_required

from foidesk.accounts.roles import Role

is_officer = rules.is_group_member(Role.OFFICER)
is_contributor = rules.is_group_member(Role.CONTRIBUTOR)
is_approver = rules.is_group_member(Role.APPROVER)
is_admin = rules.is_group_member(Role.ADMIN)
is_staff_member = is_officer | is_contributor | is_approver | is_admin

VIEW_STAFF_PAGES = "foidesk.view_staff_pages"
USE_ADMIN_SITE = "foidesk.use_admin_site"

rules.add_perm(VIEW_STAFF_PAGES, is_staff_member)
rules.add_perm(USE_ADMIN_SITE, is_admin)


def require(permission):
    """A view decorator: visitors sign in first; staff without the permission get a 403."""

    def decorate(view):
        return login_required(permission_required(permission, raise_exception=True)(view))

    return decorate
