from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from foidesk.accounts import permissions


class FoideskAdminSite(admin.AdminSite):
    """Django's admin, open to the admin role only, signed into through foidesk's page."""

    site_header = "foidesk administration"
    site_title = "foidesk administration"
    index_title = "Settings, users and service areas"

    def has_permission(self, request):
        return request.user.is_active and request.user.has_perm(permissions.USE_ADMIN_SITE)

    def login(self, request, extra_context=None):
        if request.user.is_authenticated:
            raise PermissionDenied(permissions.REFUSALS[permissions.USE_ADMIN_SITE])
        return redirect_to_login(request.GET.get("next", reverse("admin:index")))
