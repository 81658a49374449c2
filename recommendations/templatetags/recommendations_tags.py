from django import template
from django.utils.dateformat import format as date_format
from django.utils.html import format_html

from ..selectors import audit_recommendations

register = template.Library()


@register.inclusion_tag("recommendations/_audit_recommendations.html", takes_context=True)
def recommendations_for_audit(context, audit):
    """The audit's recommendations page: letters, text, owners and deadlines (one query + one for the
    owners), with the Business Manager's reorder buttons."""
    user = context["request"].user
    recommendations = list(audit_recommendations(audit=audit))
    return {
        "audit": audit,
        "recommendations": recommendations,
        "user": user,
        "csrf_token": context.get("csrf_token"),
        "last_index": len(recommendations),
    }


@register.inclusion_tag("recommendations/_audit_assurance_body.html", takes_context=True)
def recommendations_assurance_for_audit(context, audit):
    """The audit's assurance page: each recommendation's state, responses and tracker state (one query
    + one for the owners)."""
    return {
        "audit": audit,
        "recommendations": audit_recommendations(audit=audit),
        "user": context["request"].user,
    }


@register.simple_tag  # HTML built in Python: it appears on every row of the tracker and the audit page
def deadline(recommendation):
    """The deadline as written: a Board meeting's date and title, or a date."""
    if recommendation.deadline_meeting_id:
        meeting = recommendation.deadline_meeting
        return format_html("{} ({})", date_format(meeting.date, "j F Y"), meeting.title)
    if recommendation.deadline_date is None:
        return ""
    return date_format(recommendation.deadline_date, "j F Y")
