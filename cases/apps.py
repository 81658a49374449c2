from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Audits, cases and agency returns"

    def ready(self):
        from accesslog import subjects
        from core.leakguard import register_hits
        from notifications import guard
        from notifications.registry import register

        from .directory import Cases
        from .registers import kind_label
        from .reminders import ReturnReminders

        # Every e-mail is checked against this app's registers before it is queued: notifications
        # sends, the register decides what may not leave (core.leakguard does the matching).
        guard.install(guard.OutboundCheck(register_hits=register_hits, kind_label=kind_label))

        # The access-log page names and finds cases through this app (accesslog sits below it).
        subjects.install(Cases())
        # This app's reminder rules, run by notifications' daily job (notifications.registry).
        register(ReturnReminders())
