from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag
def history_url(obj):
    """The change-history page of a tracked record: {% history_url entry %}."""
    return reverse(
        "history:record_history",
        kwargs={"app_label": obj._meta.app_label, "model_name": obj._meta.model_name, "object_pk": obj.pk},
    )
