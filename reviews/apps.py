from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Panel review and meetings"

    def ready(self):
        from cases import services as cases_services
        from notifications.registry import register

        from . import concerns
        from .reminders import ActionReminders, MeetingReminders

        cases_services.AUDIT_STATUS_CHECKS.append(concerns.audit_status_check)
        # This app's reminder rules, run by notifications' daily job (notifications.registry).
        register(MeetingReminders())
        register(ActionReminders())
