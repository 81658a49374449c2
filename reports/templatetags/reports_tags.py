from django import template

from recommendations.outbound import published_versions_checked
from reports import selectors

register = template.Library()


@register.inclusion_tag("reports/_published_list_body.html")
def published_reports(user):
    """The published versions a user may download, newest first (no file bytes loaded)."""
    versions = (
        selectors.version_list_for_user(user=user).order_by("-published_at", "-pk").select_related("audit")
    )
    return {"versions": published_versions_checked(list(versions))}


@register.inclusion_tag("reports/_audit_section_body.html")
def report_audit_section(audit, user):
    """The audit page's report summary: the latest draft and the latest published version."""
    latest_version = (
        selectors.version_list_for_user(user=user).filter(audit=audit).order_by("-number").first()
    )
    return {
        "audit": audit,
        "latest_build": selectors.latest_build(audit=audit),
        "latest_version": latest_version,
    }
