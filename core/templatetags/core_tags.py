"""The shared core's template tags: status tags, roman numerals, absolute links."""

from django import template

from core import badges, links, numerals

register = template.Library()


@register.simple_tag
def status_tag(kind, value):
    """{% status_tag "return" r.status %}: the status's label in its colour (core.badges)."""
    return badges.tag_html(*badges.status_tag(kind, value))


@register.filter
def roman(value):
    """{{ forloop.counter|roman }} -> 'iv'. A value core.numerals cannot write is shown as given."""
    try:
        return numerals.roman(int(value))
    except (TypeError, ValueError):
        return value


@register.simple_tag
def absolute_url(name, **kwargs):
    """{% absolute_url 'role_grants' %}: a link for an e-mail (core.links.absolute_url)."""
    return links.absolute_url(name, **kwargs)
