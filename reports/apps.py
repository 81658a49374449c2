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
        from operations import health

        from .health import build_checks

        pre_save.connect(_clean_text_before_save, dispatch_uid="core_text_clean_before_save")
        # The health page's row for queued report builds (operations imports no domain app).
        health.register(build_checks)
