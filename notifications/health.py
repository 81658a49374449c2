"""notifications' rows of the health page (registered with operations.health in ready()): the oldest
e-mail still queued, and the e-mails not delivered."""

import datetime

from django.conf import settings

from operations.enqueue import WAITING_FOR_WORKER
from operations.health import Check
from operations.selectors import age, oldest

from .models import Notification


def email_checks(*, now):
    stale = datetime.timedelta(minutes=settings.NOTIFICATION_STALE_MINUTES)
    queued = Notification.objects.filter(status=Notification.Status.PENDING, next_attempt_at__isnull=True)
    first = oldest(queued)
    waiting = queued.filter(last_error=WAITING_FOR_WORKER).count()
    failed = Notification.objects.filter(status=Notification.Status.FAILED).count()
    retrying = Notification.objects.filter(
        status=Notification.Status.PENDING, next_attempt_at__isnull=False
    ).count()
    return [
        Check(
            "Oldest queued e-mail",
            first is None or now - first < stale,
            "None queued." if first is None else f"Queued {age(now, first)} ago ({queued.count()} queued).",
            f"{waiting} waiting for the worker (the task queue was unreachable)." if waiting else "",
        ),
        Check(
            "Reminders not delivered",
            failed == 0 and retrying == 0,
            f"{failed} failed, {retrying} waiting to retry.",
        ),
    ]
