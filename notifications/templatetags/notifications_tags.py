"""`{% load notifications_tags %}{% notifications_about obj %}`: the reminders an object has caused.

Self-contained: it reads the user from the template context (or `user=...`) and shows nothing to
anyone but the Business Manager. One query. Use it on the return, meeting, action and recommendation
pages.
"""

from django import template

from accounts.permissions import allows

from ..reminders import kind_labels
from ..selectors import notification_list_about

register = template.Library()


@register.inclusion_tag("notifications/_about.html", takes_context=True)
def notifications_about(context, obj, user=None):
    if user is None:
        request = context.get("request")
        user = getattr(request, "user", None) or context.get("user")
    if not allows(user, "manage_audits"):
        return {"show": False}
    return {
        "show": True,
        "notifications": list(notification_list_about(user=user, obj=obj)),
        "kind_labels": kind_labels(),
    }


@register.filter
def kind_label(kind, labels):
    return labels.get(kind, kind.replace("_", " ").capitalize())
