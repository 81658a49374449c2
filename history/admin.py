from django.contrib import admin

from .models import LegalHold, PurgeRecord


@admin.register(LegalHold)
class LegalHoldAdmin(admin.ModelAdmin):
    list_display = ["audit", "placed_at", "placed_by", "lifted_at"]
    list_select_related = ["audit", "placed_by"]
    raw_id_fields = ["audit"]
    readonly_fields = ["placed_by", "placed_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.placed_by = request.user
        if obj.lifted_at and not obj.lifted_by_id:
            obj.lifted_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(PurgeRecord)
class PurgeRecordAdmin(admin.ModelAdmin):
    """Read-only: what retention purges removed."""

    list_display = ["ran_at", "audit", "category", "outcome", "files_removed"]
    list_filter = ["category", "outcome"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
