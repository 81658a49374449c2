from django.apps import AppConfig
from django.db.models.signals import pre_save

# The project's own apps: their text is what reports, e-mails and exports print.
CLEANED_APPS = {"accounts", "cases", "reviews", "recommendations", "reports", "notifications", "history"}


def _clean_text_before_save(sender, instance, raw=False, **kwargs):
    if not raw and sender._meta.app_label in CLEANED_APPS:
        from core.text import clean_instance_text

        clean_instance_text(instance)


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Reports"

    def ready(self):
        # Stored == checked == printed: every save of the project's models stores clean text
        # (core.text.clean), whichever path the write takes (form, service, import, admin).
        pre_save.connect(_clean_text_before_save, dispatch_uid="core_text_clean_before_save")
        # Every e-mail is checked by this app's leak guard before it is queued (notifications.guard):
        # notifications sends, this app decides what may not leave.
        from cases.registers import kind_label
        from notifications import guard

        from .leakguard import register_hits

        guard.install(guard.OutboundCheck(register_hits=register_hits, kind_label=kind_label))
