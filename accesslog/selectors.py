"""Reads of the access log (for the Business Manager and the administrator only).

The log only grows (half a million reads in ten years is ordinary), so it is never counted or paged
by offset: pages follow a keyset on (at, id), newest first, which the composite index
``accesslog_at_id`` serves directly (docs/benchmark.md has the measurements, and why not BRIN)."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from .models import AccessLogEntry
from .services import access_record

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


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


# --- Keyset pages ---------------------------------------------------------------------------


def cursor_of(entry):
    """A position in the log: microseconds since 1970 and the id, e.g. "1764612345123456-812"."""
    delta = entry.at - EPOCH
    micro = (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds
    return f"{micro}-{entry.pk}"


def parse_cursor(text):
    """(at, id) from a cursor, or None for anything else."""
    try:
        micro, pk = (int(part) for part in (text or "")[:40].split("-"))
        if micro < 0 or not 0 <= pk < 2**63:
            return None
        return EPOCH + datetime.timedelta(microseconds=micro), pk
    except (ValueError, OverflowError):
        return None


@dataclass
class LogPage:
    entries: list
    newer: str | None  # cursor for the page of newer entries, if any
    older: str | None  # cursor for the page of older entries, if any
    is_newest: bool


def access_log_page(entries, *, before=None, after=None, size=50):
    """One page of `entries` (ordered newest first): the newest, or those just older than the cursor
    `before`, or just newer than `after`. One query of size + 1 rows, no count."""
    if after:
        at, pk = after
        rows = list(entries.filter(at__gte=at).exclude(at=at, pk__lte=pk).order_by("at", "pk")[: size + 1])
        more_newer = len(rows) > size
        rows = rows[:size][::-1]
        older = cursor_of(rows[-1]) if rows else None
        newer = cursor_of(rows[0]) if rows and more_newer else None
        return LogPage(rows, newer=newer, older=older, is_newest=not more_newer)
    if before:
        at, pk = before
        entries = entries.filter(at__lte=at).exclude(at=at, pk__gte=pk)
    rows = list(entries[: size + 1])
    more_older = len(rows) > size
    rows = rows[:size]
    return LogPage(
        rows,
        newer=cursor_of(rows[0]) if rows and before else None,
        older=cursor_of(rows[-1]) if more_older else None,
        is_newest=not before,
    )


def access_log_search_get_for_user(*, request, filters, action=AccessLogEntry.Action.VIEW):
    """The entries matching `filters` (None: a filter could not be read, so nothing rather than
    everything); reading the log is itself written to the log."""
    access_record(request=request, what="access_log", action=action)
    if filters is None:
        return AccessLogEntry.objects.none()
    return access_log_search(**filters)
