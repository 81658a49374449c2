"""Sections the reviews app adds to other apps' pages, and small display helpers."""

from django import template

from cases.selectors import case_list_for_user

from .. import selectors

register = template.Library()

_ROMAN = [(10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]


@register.filter
def roman(number):
    """1 -> 'i', 4 -> 'iv': learning points are numbered as in the seed report."""
    try:
        n = int(number)
    except (TypeError, ValueError):
        return ""
    if not 0 < n < 40:
        return str(n)
    out = ""
    for value, letters in _ROMAN:
        while n >= value:
            out += letters
            n -= value
    return out


@register.inclusion_tag("reviews/_case_section_body.html")
def case_review_section(case, user):
    """Links from the case page to its review page, pack, meetings and findings (readers only)."""
    if not case_list_for_user(user=user).filter(pk=case.pk).exists():
        return {"visible": False}
    return {
        "visible": True,
        "case": case,
        "user": user,
        "meetings": case.meetings.order_by("starts_at"),
        "point_count": case.learning_points.count(),
        "action_count": case.agency_actions.count(),
    }


@register.inclusion_tag("reviews/_audit_section_body.html")
def audit_review_section(audit, user):
    """Findings progress per case, the meetings, and response/attendance rates per agency."""
    return {"audit": audit, "user": user, **selectors.audit_section_data(audit=audit, user=user)}
