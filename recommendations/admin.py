from django.contrib import admin

from core.dates import admin_formfield_overrides

from .models import BoardMeeting


@admin.register(BoardMeeting)
class BoardMeetingAdmin(admin.ModelAdmin):
    list_display = ["date", "title"]
    formfield_overrides = admin_formfield_overrides()
    date_hierarchy = "date"
