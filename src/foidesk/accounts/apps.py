from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "foidesk.accounts"
    verbose_name = "Staff accounts"

    def ready(self):
        from foidesk.accounts import permissions, roles  # noqa: F401 (registers the rules)

        post_migrate.connect(roles.ensure_role_groups, dispatch_uid="foidesk-role-groups")


class FoideskAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "foidesk.accounts.admin_site.FoideskAdminSite"
