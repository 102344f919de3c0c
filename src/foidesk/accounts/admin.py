from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from foidesk.accounts.models import User


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    fieldsets = [
        *UserAdmin.fieldsets,
        ("Service areas", {"fields": ["service_areas"]}),
    ]
    filter_horizontal = [*UserAdmin.filter_horizontal, "service_areas"]
    list_filter = ["groups", "service_areas", "is_active"]
