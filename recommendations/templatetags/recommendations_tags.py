from django import template

from ..selectors import audit_recommendations

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


@register.inclusion_tag("recommendations/_deadline.html")
def deadline(recommendation):
    return {"recommendation": recommendation}
