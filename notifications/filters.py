import django_filters

from core.forms import GovukDateField

from .models import Notification
from .reminders import kind_labels


def kind_choices():
    """Known reminder kinds, plus any other kind the log holds (other features queue e-mails too)."""
    known = kind_labels()
    others = Notification.objects.exclude(kind__in=known).order_by().values_list("kind", flat=True).distinct()
    return [*known.items(), *((k, k.replace("_", " ").capitalize()) for k in sorted(set(others)))]


class GovukDateFilter(django_filters.DateFilter):
    """A date filter typed as day, month and year (the GOV.UK date input), with its messages."""

    field_class = GovukDateField


class NotificationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Notification.Status.choices, empty_label="Any status")
    kind = django_filters.ChoiceFilter(choices=kind_choices, empty_label="Any kind", label="Kind")
    date_from = GovukDateFilter(field_name="created_at", lookup_expr="date__gte", label="Queued from")
    date_to = GovukDateFilter(field_name="created_at", lookup_expr="date__lte", label="Queued to")
    recipient = django_filters.CharFilter(
        field_name="to", lookup_expr="icontains", label="Recipient e-mail contains"
    )

    class Meta:
        model = Notification
        fields = ["status", "kind", "date_from", "date_to", "recipient"]
