import logging
import smtplib

from celery import shared_task
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from .models import Notification

log = logging.getLogger(__name__)

MAX_RETRIES = 5


@shared_task(
    bind=True,
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=1800,
    retry_jitter=True,
    max_retries=MAX_RETRIES,
    acks_late=True,
)
def deliver_notification(self, notification_id):
    """Send one queued notification. Claims the row (pending -> sending) under a lock so that two
    workers never both send it; a failure puts it back to pending for the retry, or failed after
    the last try."""
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if notification is None or notification.status not in (Notification.Status.PENDING,):
            return
        notification.status = Notification.Status.SENDING
        notification.attempts += 1
        notification.save(update_fields=["status", "attempts", "updated_at"])

    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body_text,
        to=[notification.to],
        reply_to=[notification.reply_to] if notification.reply_to else None,
    )
    if notification.body_html:
        message.attach_alternative(notification.body_html, "text/html")
    for attachment in notification.attachments:
        message.attach(attachment["filename"], attachment["content"], attachment.get("mimetype"))
    try:
        message.send()
    except Exception as exc:
        last_try = self.request.retries >= MAX_RETRIES or not isinstance(exc, smtplib.SMTPException | OSError)
        Notification.objects.filter(pk=notification_id).update(
            status=Notification.Status.FAILED if last_try else Notification.Status.PENDING,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
            updated_at=timezone.now(),
        )
        log.warning(
            "notification_failed id=%s attempt=%s last=%s", notification_id, notification.attempts, last_try
        )
        raise
    Notification.objects.filter(pk=notification_id).update(
        status=Notification.Status.SENT,
        sent_at=timezone.now(),
        last_error="",
        updated_at=timezone.now(),
    )
