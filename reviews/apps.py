from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Panel review and meetings"

    def ready(self):
        from cases import services as cases_services

        from . import concerns

        cases_services.AUDIT_STATUS_CHECKS.append(concerns.audit_status_check)
