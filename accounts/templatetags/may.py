"""`{% if user|may:"manage_audits" %}`: the one way a template asks a role rule of
accounts.permissions. It is a template builtin (settings.TEMPLATES), so no `{% load %}` is needed.
Object rules are not asked here: the view works them out and passes the answer."""

from django import template

from accounts.permissions import allows

register = template.Library()


@register.filter
def may(user, rule):
    return allows(user, rule)
