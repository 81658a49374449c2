from django.apps import AppConfig


class WorklistConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "worklist"
    verbose_name = "Needs your attention"
