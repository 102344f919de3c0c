from django.contrib import admin

from foidesk.casework.models import Authority, ServiceArea, WorkingDayOverride


@admin.register(Authority)
class AuthorityAdmin(admin.ModelAdmin):
    list_display = ["name", "team_name", "email", "nation", "non_working_day_receipt"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not Authority.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ServiceArea)
class ServiceAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]


@admin.register(WorkingDayOverride)
class WorkingDayOverrideAdmin(admin.ModelAdmin):
    list_display = ["day", "reason", "is_holiday", "nation"]
    list_filter = ["is_holiday", "nation"]
    date_hierarchy = "day"
