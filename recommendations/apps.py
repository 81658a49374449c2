from django.apps import AppConfig


class RecommendationsConfig(AppConfig):
    name = "recommendations"
    verbose_name = "Recommendations"

    def ready(self):
        # This app's reminder rules, run by notifications' daily job (notifications.registry).
        from notifications.registry import register

        from .reminders import RecommendationReminders

        register(RecommendationReminders())
