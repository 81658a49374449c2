from django import template
from django.urls import reverse

from worklist.selectors import audit_stages

register = template.Library()


def _stages_with_urls(audit):
    stages = audit_stages(audit=audit)
    for stage in stages:
        stage.url = reverse(stage.page, kwargs={"audit_pk": audit.pk})
    return stages


@register.inclusion_tag("worklist/_audit_task_list.html")
def audit_task_list(audit):
    """The audit's stages as a GOV.UK task list, each with its status, linking to the stage's page."""
    return {"audit": audit, "stages": _stages_with_urls(audit)}


@register.inclusion_tag("worklist/_audit_stage_status.html")
def audit_stage_status(audit, page):
    """On a stage's page: the status of the stages that page serves (one query, as the task list)."""
    return {"stages": [s for s in audit_stages(audit=audit) if s.page == page]}
