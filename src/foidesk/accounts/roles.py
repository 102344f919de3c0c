"""The four staff roles. Each is a Django group of the same name."""

from enum import StrEnum

from django.contrib.auth.models import Group, Permission


class Role(StrEnum):
    OFFICER = "officer"
    CONTRIBUTOR = "contributor"
    APPROVER = "approver"
    ADMIN = "admin"


def ensure_role_groups(**kwargs):
    """Create the role groups; administrators hold every model permission.

    Runs after every migrate, so permissions for models added later reach the admin group.
    """
    for role in Role:
        Group.objects.get_or_create(name=role)
    Group.objects.get(name=Role.ADMIN).permissions.set(Permission.objects.all())
