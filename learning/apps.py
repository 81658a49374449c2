from django.apps import AppConfig


class LearningConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "learning"
    verbose_name = "Learning across audits"

    def ready(self):
        # The findings and recommendation pages show this app's panels through core.slots: the
        # domain apps below never import this one.
        from . import panels  # noqa: F401
