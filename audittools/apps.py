from django.apps import AppConfig


class AudittoolsConfig(AppConfig):
    name = "audittools"
    verbose_name = "Audit tools, graded answers and moderation"

    def ready(self):
        from cases import services as cases_services

        from . import services

        cases_services.RETURN_REQUEST_HOOKS.append(services.audit_tool_freeze)
        cases_services.RETURN_SUBMIT_CHECKS.append(services.return_answers_check)
