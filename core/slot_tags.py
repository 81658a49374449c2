"""The ``{% slot %}`` template tag (registered as the library "slots" in settings.TEMPLATES)."""

from django import template

from .slots import render_slot

register = template.Library()


@register.simple_tag(takes_context=True)
def slot(context, name, **kwargs):
    """Whatever the apps that fill the slot `name` add here (nothing if none does)."""
    return render_slot(name, context.get("request"), **kwargs)
