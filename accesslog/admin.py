from django.contrib import admin

from .models import AccessLogEntry


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(admin.ModelAdmin):
    """Read-only: the access log can be searched here but never changed."""

    list_display = ["at", "user", "action", "what", "object_id", "case_id", "ip_address"]
    list_filter = ["action", "what"]
    search_fields = ["user__email", "path"]
    list_select_related = ["user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
