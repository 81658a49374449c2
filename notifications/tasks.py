"""Celery tasks: deliver one notification, run the daily reminders, recover stuck notifications.

Each takes ids or dates, never objects, and is safe to run twice. Beat only starts the daily job and
the sweep; nothing here is scheduled with a long ETA/countdown (retries back off for at most
RETRY_BACKOFF_MAX seconds, well inside Redis' visibility timeout).
"""

import datetime
import logging
import smtplib

from celery import shared_task
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from .models import Notification

log = logging.getLogger(__name__)

MAX_RETRIES = 5
MAX_ATTEMPTS = MAX_RETRIES + 1
RETRY_BACKOFF_MAX = 600
# Temporary failures worth another try: SMTP errors, network errors, timeouts.
RETRYABLE = (smtplib.SMTPException, OSError)


def _message_for(notification):
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body_text,
        to=[notification.to],
        reply_to=[notification.reply_to] if notification.reply_to else None,
        headers={"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"},
    )
    if notification.body_html:
        message.attach_alternative(notification.body_html, "text/html")
    for attachment in notification.attachments:
        message.attach(attachment["filename"], attachment["content"], attachment.get("mimetype"))
    return message


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
    """Send one queued notification. Claims the row (pending -> sending) under a lock and commits the
    claim before sending, so two workers or a redelivered task never both send it. A temporary failure
    puts it back to pending for the retry (attempts and the error recorded); after the last try, or on
    an error a retry cannot fix, it is marked failed."""
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if notification is None or notification.status != Notification.Status.PENDING:
            return "skipped"
        notification.status = Notification.Status.SENDING
        notification.attempts += 1
        notification.save(update_fields=["status", "attempts", "updated_at"])

    try:
        _message_for(notification).send()
    except Exception as exc:
        retryable = isinstance(exc, RETRYABLE)
        last_try = not retryable or self.request.retries >= MAX_RETRIES
        Notification.objects.filter(pk=notification_id).update(
            status=Notification.Status.FAILED if last_try else Notification.Status.PENDING,
            last_error=f"Attempt {notification.attempts}: {type(exc).__name__}: {exc}"[:2000],
            updated_at=timezone.now(),
        )
        log.warning(
            "notification_failed id=%s attempt=%s last=%s error=%s",
            notification_id,
            notification.attempts,
            last_try,
            type(exc).__name__,
        )
        if not retryable:
            return "failed"
        raise
    # last_error is kept: after a retried success it records what went wrong before.
    Notification.objects.filter(pk=notification_id).update(
        status=Notification.Status.SENT,
        sent_at=timezone.now(),
        updated_at=timezone.now(),
    )
    return "sent"


@shared_task(name="notifications.run_daily_reminders")
def run_daily_reminders(today=None):
    """Beat's daily job (and the weekly digest on its weekday). `today`: ISO date, default today in
    Europe/London. Safe to run twice: every reminder is claimed by its key."""
    from .reminders import run_daily

    day = datetime.date.fromisoformat(today) if today else None
    return run_daily(today=day)


@shared_task(name="notifications.recover_stale_notifications")
def recover_stale_notifications():
    from .services import notification_recover_stale

    return notification_recover_stale()
