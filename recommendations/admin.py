from django.contrib import admin

from .models import BoardMeeting


@admin.register(BoardMeeting)
class BoardMeetingAdmin(admin.ModelAdmin):
    list_display = ["date", "title"]
    date_hierarchy = "date"
