from django import template

from worklist.selectors import audit_stages

register = template.Library()


@register.inclusion_tag("worklist/_audit_task_list.html")
def audit_task_list(audit):
    """The audit's stages as a GOV.UK task list, each with its status, linking to its part of the page."""
    return {"audit": audit, "stages": audit_stages(audit=audit)}
