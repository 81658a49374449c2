from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared plumbing (no domain knowledge): installed for its template tags and templates only."""

    name = "core"
    verbose_name = "Shared core"
