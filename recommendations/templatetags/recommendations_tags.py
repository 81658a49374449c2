from django import template
from django.utils.dateformat import format as date_format
from django.utils.html import format_html

from ..selectors import audit_recommendations
from ..tracker import RagState

register = template.Library()


@register.inclusion_tag("recommendations/_audit_recommendations.html", takes_context=True)
def recommendations_for_audit(context, audit):
    """The audit page's recommendations section: letters, owners, deadlines, states (one query +
    one for the owners), with the Business Manager's reorder buttons."""
    user = context["request"].user
    recommendations = list(audit_recommendations(audit=audit))
    return {
        "audit": audit,
        "recommendations": recommendations,
        "user": user,
        "csrf_token": context.get("csrf_token"),
        "last_index": len(recommendations),
    }


# The two tags below appear on every row of the tracker and the audit page: they build their few
# words of HTML in Python rather than render a template each (a template per row was a measurable
# part of those pages).


@register.simple_tag
def rag_badge(value):
    """A state badge with text, not colour alone."""
    state = RagState(value)
    return format_html('<span class="badge rag rag-{}">{}</span>', state.value, state.label)


@register.simple_tag
def deadline(recommendation):
    """The deadline as written: a Board meeting's date and title, or a date."""
    if recommendation.deadline_meeting_id:
        meeting = recommendation.deadline_meeting
        return format_html("{} ({})", date_format(meeting.date, "j F Y"), meeting.title)
    if recommendation.deadline_date is None:
        return ""
    return date_format(recommendation.deadline_date, "j F Y")
