"""Queue e-mails so that each goes once. Every message the system sends goes through here.

Exactly once, step by step:
1. ``notification_queue`` inserts a row whose ``key`` is unique in the database (what it is about, its
   kind, the due date it refers to, the recipient). A second run, a second worker or a beat that fires
   twice hits the unique constraint and sends nothing.
2. The delivery task is enqueued with ``transaction.on_commit``, so a worker never looks for a row that
   is not committed yet (or that was rolled back).
3. ``deliver_notification`` claims the row (pending -> sending) under a row lock and commits the claim
   before it talks to SMTP, so a redelivered task or a second worker finds it taken.
4. ``notification_recover_stale`` (beat, every ten minutes; ``send_reminders`` also runs it) hands back
   rows left behind: "pending" whose task was lost (broker down at commit, process killed), and
   "sending" whose worker died mid-send. See its docstring for the one trade-off.
"""

import html
import logging
import re
import smtplib

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Notification

log = logging.getLogger(__name__)

WITHHELD = "[withheld]"
# One first try and five retries.
MAX_ATTEMPTS = 6
# Temporary failures worth another try: SMTP errors, network errors, timeouts.
RETRYABLE = (smtplib.SMTPException, OSError)


def _enqueue_delivery(notification_id):
    """Hand one row to a worker. Never raises: if the broker is unreachable (or, inline, the send
    failed for good) the row's status says so and the sweep or the log page picks it up."""
    from .tasks import deliver_notification

    try:
        if deliver_notification.app.conf.task_always_eager:
            _deliver_inline(notification_id)
        else:
            deliver_notification.delay(notification_id)
    except Exception:
        log.exception("notification_enqueue_failed id=%s", notification_id)


def _deliver_inline(notification_id):
    """Embedded mode (no broker): every attempt at once, so the caller (a page, send_reminders) goes on
    and the row ends sent or failed. With a broker, the task retries with backoff instead."""
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            notification_deliver(notification_id=notification_id, last_try=attempt == MAX_ATTEMPTS)
        except RETRYABLE:
            continue
        return


def _withhold(text, terms, *, is_html=False):
    """Replace each identifying term (whole words, any case) by [withheld]: the last guard if a
    template or a record's name ever carries a term of the case's register into an e-mail."""
    for term in terms:
        forms = {term, html.escape(term)} if is_html else {term}
        for form in forms:
            pattern = re.compile(rf"(?<!\w){re.escape(form)}(?!\w)", re.IGNORECASE)
            text = pattern.sub(WITHHELD, text)
    return text


def notification_queue(
    *,
    key,
    kind,
    to,
    subject,
    template,
    context,
    about=None,
    recipient=None,
    reply_to="",
    attachments=(),
    withhold=(),
):
    """Create the notification with this key (or find the one already there) and enqueue its delivery
    after the transaction commits. Returns (notification, created). A key already used sends nothing.

    `withhold`: identifying terms that must never leave in this e-mail (replaced by [withheld])."""
    existing = Notification.objects.filter(key=key).first()
    if existing is not None:
        return existing, False
    terms = sorted({t for t in withhold if t and t.strip()}, key=len, reverse=True)
    context = {
        **context,
        "recipient": recipient,
        "site_url": settings.SITE_URL.rstrip("/"),
        "board_name": settings.BOARD_NAME,
    }
    subject = _withhold(" ".join(subject.split()), terms)
    body_text = re.sub(r"\n{3,}", "\n\n", render_to_string(f"{template}.txt", context)).strip() + "\n"
    body_text = _withhold(body_text, terms)
    body_html = _withhold(render_to_string(f"{template}.html", context), terms, is_html=True)
    attachments = [
        {**a, "content": _withhold(a["content"], terms)} if isinstance(a.get("content"), str) else a
        for a in attachments
    ]
    about_type = ContentType.objects.get_for_model(about) if about is not None else None
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                key=key,
                kind=kind,
                to=to,
                recipient=recipient,
                reply_to=reply_to,
                subject=subject[:250],
                body_text=body_text,
                body_html=body_html,
                attachments=attachments,
                about_type=about_type,
                about_id=getattr(about, "pk", None),
            )
    except IntegrityError:
        # Someone else claimed this key between our check and our insert (two runs at once).
        return Notification.objects.get(key=key), False
    transaction.on_commit(lambda: _enqueue_delivery(notification.pk))
    return notification, True


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


def notification_deliver(*, notification_id, last_try):
    """Send one queued notification, once. Claims the row (pending -> sending) under a row lock and
    commits the claim before talking to SMTP, so a second worker or a redelivered task finds it taken
    and sends nothing. A temporary failure (RETRYABLE) puts the row back to pending, records the attempt
    and the error, and re-raises for the caller to retry; on the last try, or on an error a retry cannot
    fix, the row is marked failed. Returns "sent", "failed" or "skipped"."""
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
        failed = last_try or not retryable
        Notification.objects.filter(pk=notification_id).update(
            status=Notification.Status.FAILED if failed else Notification.Status.PENDING,
            last_error=f"Attempt {notification.attempts}: {type(exc).__name__}: {exc}"[:2000],
            updated_at=timezone.now(),
        )
        log.warning(
            "notification_failed id=%s attempt=%s final=%s error=%s",
            notification_id,
            notification.attempts,
            failed,
            type(exc).__name__,
        )
        if retryable and not failed:
            raise
        return "failed"
    # last_error is kept: after a retried success it records what went wrong before.
    Notification.objects.filter(pk=notification_id).update(
        status=Notification.Status.SENT, sent_at=timezone.now(), updated_at=timezone.now()
    )
    return "sent"


def notification_recover_stale(*, now=None):
    """Hand stuck notifications back to a worker. Returns how many were re-enqueued.

    - "pending" for longer than NOTIFICATION_STALE_MINUTES: its delivery task was lost. Re-enqueued;
      harmless even if the task still exists, because delivery claims the row under a lock.
    - "sending" for longer than that: its worker died between the claim and the result. It goes back to
      "pending" and is sent again. Trade-off: if the worker died *after* the SMTP server accepted the
      message but *before* it recorded "sent", the recipient gets it twice. SMTP and the database cannot
      commit together, so the choice is between "maybe twice" in that rare crash window and "maybe
      never"; for a reminder we choose twice. A live attempt is never doubled: the threshold is longer
      than the task's hard time limit, after which the attempt has certainly ended.
    - A row that has already used every attempt is marked failed instead (it shows on the log page).
    """
    now = now or timezone.now()
    cutoff = now - timezone.timedelta(minutes=settings.NOTIFICATION_STALE_MINUTES)
    with transaction.atomic():
        stale = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(
                status__in=(Notification.Status.PENDING, Notification.Status.SENDING),
                updated_at__lt=cutoff,
            )
            .only("pk", "status", "attempts")
        )
        requeue, exhausted = [], []
        for n in stale:
            (exhausted if n.attempts >= MAX_ATTEMPTS else requeue).append(n)
        if exhausted:
            Notification.objects.filter(pk__in=[n.pk for n in exhausted]).update(
                status=Notification.Status.FAILED,
                last_error="Gave up: every attempt was used and the last one never finished.",
                updated_at=now,
            )
        for n in requeue:
            fields = {"status": Notification.Status.PENDING, "updated_at": now}
            if n.status == Notification.Status.SENDING:
                fields["last_error"] = (
                    "The worker stopped during a send; sent again (it may have arrived once already)."
                )
                log.warning("notification_recovered_from_sending id=%s", n.pk)
            Notification.objects.filter(pk=n.pk).update(**fields)
        ids = [n.pk for n in requeue]
        transaction.on_commit(lambda: [_enqueue_delivery(pk) for pk in ids])
    return len(ids)
