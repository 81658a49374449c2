from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared plumbing (no domain knowledge): template tags, templates, form plumbing, and the footer
    pages' text (core.models.ServicePage)."""

    name = "core"
    verbose_name = "Shared core"
