"""Sections the reviews app adds to other apps' pages, and small display helpers."""

from django import template
from django.db.models import Count

from accounts.permissions import allows
from cases.models import Case

from .. import selectors

register = template.Library()


@register.inclusion_tag("reviews/_case_section_body.html")
def case_review_section(case, user):
    """Links from the case page to its review page, pack, meetings and findings (readers only)."""
    # The case page is already scoped to these readers; the role check costs no query.
    if not allows(user, "read_cases"):
        return {"visible": False}
    counts = (
        Case.objects.filter(pk=case.pk)
        .annotate(
            point_count=Count("learning_points", distinct=True),
            action_count=Count("agency_actions", distinct=True),
        )
        .values("point_count", "action_count")
        .first()
    ) or {"point_count": 0, "action_count": 0}
    meetings = case.meetings.order_by("starts_at") if case.method == Case.Method.MEETING else []
    return {"visible": True, "case": case, "user": user, "meetings": meetings, **counts}


@register.inclusion_tag("reviews/_audit_findings_body.html")
def audit_findings_section(audit, user):
    """The audit's findings page: each case's notes, learning points, assurance and open actions."""
    return {"audit": audit, "user": user, "cases": selectors.audit_findings_cases(audit=audit, user=user)}


@register.inclusion_tag("reviews/_audit_packs_body.html")
def audit_packs_section(audit, user):
    """The audit's panel page: when each case's pack went to the panel (one query)."""
    return {"audit": audit, "user": user, "cases": selectors.audit_pack_cases(audit=audit, user=user)}


@register.inclusion_tag("reviews/_audit_meetings_body.html")
def audit_meetings_section(audit, user):
    """The audit's meetings page: the meetings, and response and attendance rates per agency."""
    meetings, rates = selectors.audit_meetings_and_rates(audit=audit)
    return {"audit": audit, "user": user, "meetings": meetings, "rates": rates}
