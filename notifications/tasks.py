"""Celery tasks: deliver one notification, run the daily reminders, recover stuck notifications.

Each takes ids or dates, never objects, and is safe to run twice. Beat only starts the daily job and
the sweep; nothing here is scheduled with a long ETA/countdown (retries back off for at most
RETRY_BACKOFF_MAX seconds, well inside Redis' visibility timeout).
"""

import datetime

from celery import shared_task

from operations.services import heartbeat_record

from .reminders import run_daily
from .services import MAX_ATTEMPTS, RETRYABLE, notification_deliver, notification_recover_stale

MAX_RETRIES = MAX_ATTEMPTS - 1
RETRY_BACKOFF_MAX = 600


@shared_task(
    bind=True,
    name="notifications.deliver_notification",
    autoretry_for=RETRYABLE,
    retry_backoff=30,
    retry_backoff_max=RETRY_BACKOFF_MAX,
    retry_jitter=True,
    max_retries=MAX_RETRIES,
    acks_late=True,
)
def deliver_notification(self, notification_id):
    """Deliver one queued notification (see services.notification_deliver). A temporary SMTP failure
    raises, and autoretry sends the task back with an exponential, jittered countdown (30 s, 60 s...,
    at most RETRY_BACKOFF_MAX); after the last try the row waits for a later round, which the periodic
    sweep starts (never a long countdown), or is marked failed when every round is used."""
    return notification_deliver(notification_id=notification_id, last_try=self.request.retries >= MAX_RETRIES)


@shared_task(name="notifications.run_daily_reminders")
def run_daily_reminders(today=None):
    """Beat's daily job (and the weekly digest on its weekday). `today`: ISO date, default today in
    Europe/London. Safe to run twice: every reminder is claimed by its key."""

    day = datetime.date.fromisoformat(today) if today else None
    return run_daily(today=day)


@shared_task(name="notifications.recover_stale_notifications")
def recover_stale_notifications():
    """Beat's sweep: start due retry rounds, hand lost or stuck notifications back to a worker."""

    count = notification_recover_stale()
    heartbeat_record(name="sweep:notifications", detail=f"handed over {count}")
    return count
