from django import template
from django.utils import timezone

from recommendations.outbound import published_versions_checked
from reports import selectors

register = template.Library()


@register.inclusion_tag("reports/_published_list_body.html")
def published_reports(user, since=None):
    """The published versions a user may download, by audit, newest first (no file bytes loaded):
    each audit's latest version marked current and the earlier ones superseded; with `since` (the
    last Board meeting's date), the versions published since then are marked new."""
    since = since or None  # "" when the template had no last meeting
    versions = published_versions_checked(
        list(
            selectors.version_list_for_user(user=user)
            .order_by("-published_at", "-pk")
            .select_related("audit")
        )
    )
    latest = {}
    for version in versions:
        latest[version.audit_id] = max(latest.get(version.audit_id, 0), version.number)
    audits, by_audit = [], {}
    for version in versions:
        version.is_current = version.number == latest[version.audit_id]
        version.is_new = since is not None and timezone.localdate(version.published_at) >= since
        if version.audit_id not in by_audit:
            by_audit[version.audit_id] = []
            audits.append((version, by_audit[version.audit_id]))
        by_audit[version.audit_id].append(version)
    for _, group in audits:
        group.sort(key=lambda v: -v.number)
    return {
        "versions": versions,
        "groups": [(group[0], group) for _, group in audits],
        "new_since": [v for v in versions if v.is_new],
        "since": since,
    }


@register.inclusion_tag("reports/_published_since.html")
def reports_published_since(user, since):
    """The report versions published since `since` (the last Board meeting's date), newest first."""
    if not since:
        return {"versions": []}
    versions = (
        selectors.version_list_for_user(user=user)
        .filter(published_at__date__gte=since)
        .order_by("-published_at", "-pk")
        .select_related("audit")
    )
    return {"versions": published_versions_checked(list(versions))}
