"""Named places on a page ("slots") where an app higher in the layers adds a panel of its own.

A page of a lower app (the findings, a recommendation's form) marks a place with
``{% load slots %}{% slot "name" case=case %}``; an app above it registers a function for that name in
its ``AppConfig.ready`` with ``slots.fill("name", render)``. ``render(request=..., **context)`` returns
HTML (or "" to add nothing). The lower app never imports the upper one, and a slot nobody fills renders
nothing.
"""

from collections import defaultdict

from django.utils.safestring import mark_safe

_FILLERS = defaultdict(list)


def fill(name, render):
    """Register `render` for the slot `name` (once per function, however often ready() runs)."""
    if render not in _FILLERS[name]:
        _FILLERS[name].append(render)


def render_slot(name, request, **context):
    return mark_safe("".join(str(render(request=request, **context) or "") for render in _FILLERS[name]))  # noqa: S308
