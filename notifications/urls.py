from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.notification_log, name="log"),
    path("notifications/settings/", views.reminder_settings, name="settings"),
    path("notifications/<int:notification_pk>/resend/", views.notification_resend, name="resend"),
]
