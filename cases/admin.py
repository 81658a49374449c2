"""Administrators manage agencies (reference data) here. Case data is not administered through the
admin site: it is reachable only through the scoped, logged pages of the app."""

from django.contrib import admin

from .models import Agency


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "senior_manager_name", "senior_manager_email", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "senior_manager_name"]
