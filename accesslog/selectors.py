"""Reads of the access log (for the Business Manager and the administrator only)."""

import datetime

from django.utils import timezone

from .models import AccessLogEntry


def _day_start(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def access_log_search(*, user=None, case=None, date_from=None, date_to=None):
    """Entries newest first, filtered by who read, which case, and the days (Europe/London) read on."""
    entries = AccessLogEntry.objects.select_related("user")
    if user is not None:
        entries = entries.filter(user=user)
    if case is not None:
        entries = entries.filter(case_id=case.pk)
    if date_from:
        entries = entries.filter(at__gte=_day_start(date_from))
    if date_to:
        entries = entries.filter(at__lt=_day_start(date_to + datetime.timedelta(days=1)))
    return entries.order_by("-at", "-pk")
