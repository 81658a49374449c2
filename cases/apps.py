from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Audits, cases and agency returns"

    def ready(self):
        # This app's reminder rules, run by notifications' daily job (notifications.registry).
        from notifications.registry import register

        from .reminders import ReturnReminders

        register(ReturnReminders())
