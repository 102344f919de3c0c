from django.contrib import admin

from foidesk.api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are made with `foidesk token create`; here they can be seen and revoked."""

    list_display = ["prefix", "user", "name", "created_at", "last_used_at"]
    readonly_fields = ["user", "prefix", "created_at", "last_used_at"]
    fields = ["user", "name", "prefix", "created_at", "last_used_at"]

    def has_add_permission(self, request):
        return False
