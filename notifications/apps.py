from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        from core import outbox
        from operations import health

        from .health import email_checks
        from .services import notification_queue

        # accounts sits below notifications: it queues its e-mails through core.outbox.
        outbox.install(notification_queue)
        # The health page's rows for e-mail (operations imports no app above it).
        health.register(email_checks)
