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
5. A mail outage longer than one round of quick attempts does not lose the message: the row waits for
   a later round (hours, backing off, NOTIFICATION_RETRY_ROUNDS at most) that the sweep starts. A row
   that failed for good can be sent again from the log page or with ``manage.py resend_notifications``.
   Every send of one key carries the same Message-ID (``message_id_for``).
"""

import datetime
import hashlib
import html
import logging
import re
import smtplib
import time
from email.utils import parseaddr

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from operations.enqueue import WAITING_FOR_WORKER, enqueue_now, enqueue_on_commit

from .models import Notification

log = logging.getLogger(__name__)

WITHHELD = "[withheld]"
# One first try and five retries.
MAX_ATTEMPTS = 6
# Temporary failures worth another try: SMTP errors, network errors, timeouts.
RETRYABLE = (smtplib.SMTPException, OSError)
# After SMTP accepted a message, recording "sent" is tried this many times, waiting this long (s)
# before each retry: a database blip must not leave the row "sending" for the sweep to send again.
SENT_RECORD_DELAYS = (0.5, 1, 2, 4, 8)


def message_id_for(key):
    """The Message-ID of every send of the notification with this key: the same for a resend, so a
    mail system can recognise a second copy after an uncertain delivery as the same message."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "pscb-audit.invalid"
    # Short enough that the header is never folded (RFC 5322 line length).
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@{domain}>"


def retry_round_delay(rounds_done):
    """How long a notification waits before its next round of attempts: doubling from
    NOTIFICATION_RETRY_AFTER_SECONDS, at most NOTIFICATION_RETRY_MAX_SECONDS."""
    first = settings.NOTIFICATION_RETRY_AFTER_SECONDS
    return datetime.timedelta(seconds=min(first * 2**rounds_done, settings.NOTIFICATION_RETRY_MAX_SECONDS))


def _mark_waiting_for_worker(notification_id):
    Notification.objects.filter(pk=notification_id, status=Notification.Status.PENDING).update(
        last_error=WAITING_FOR_WORKER, updated_at=timezone.now()
    )


def _enqueue_delivery(notification_id, *, on_commit=False):
    """Hand one row to a worker (operations.enqueue: guarded). Never raises: if the broker is
    unreachable the row stays pending, says it waits for the worker, and the sweep hands it over."""
    from .tasks import deliver_notification

    (enqueue_on_commit if on_commit else enqueue_now)(
        deliver_notification,
        notification_id,
        on_unreachable=lambda: _mark_waiting_for_worker(notification_id),
        inline=lambda: _deliver_inline(notification_id),
    )


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
    _enqueue_delivery(notification.pk, on_commit=True)
    return notification, True


def _message_for(notification):
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body_text,
        to=[notification.to],
        reply_to=[notification.reply_to] if notification.reply_to else None,
        headers={
            "Auto-Submitted": "auto-generated",
            "X-Auto-Response-Suppress": "All",
            "Message-ID": message_id_for(notification.key),
        },
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
    and the error, and re-raises for the caller to retry. When a round's last try fails too, the row
    waits for a later round (next_attempt_at, handed over by the sweep) until NOTIFICATION_RETRY_ROUNDS
    are used; then, or on an error a retry cannot fix, it is marked failed (and may be sent again by
    hand). Returns "sent", "deferred", "failed" or "skipped"."""
    now = timezone.now()
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if notification is None or notification.status != Notification.Status.PENDING:
            return "skipped"
        if notification.next_attempt_at is not None and notification.next_attempt_at > now:
            return "skipped"  # an early (redelivered) message: the sweep hands it over when it is due
        notification.status = Notification.Status.SENDING
        notification.attempts += 1
        notification.next_attempt_at = None
        notification.save(update_fields=["status", "attempts", "next_attempt_at", "updated_at"])

    try:
        _message_for(notification).send()
    except Exception as exc:
        return _record_failure(notification, exc, last_try=last_try)
    _record_sent(notification)
    return "sent"


def _record_failure(notification, exc, *, last_try):
    retryable = isinstance(exc, RETRYABLE)
    now = timezone.now()
    error = f"Attempt {notification.attempts}: {type(exc).__name__}: {exc}"[:1500]
    fields = {"status": Notification.Status.PENDING, "last_error": error, "updated_at": now}
    outcome = "retry"
    if retryable and last_try:
        if notification.retry_rounds < settings.NOTIFICATION_RETRY_ROUNDS:
            next_at = now + retry_round_delay(notification.retry_rounds)
            fields["retry_rounds"] = notification.retry_rounds + 1
            fields["next_attempt_at"] = next_at
            fields["last_error"] = f"{error}. Tried again from {timezone.localtime(next_at):%d %b %Y %H:%M}."
            outcome = "deferred"
        else:
            outcome = "failed"
    elif not retryable:
        outcome = "failed"
    if outcome == "failed":
        fields["status"] = Notification.Status.FAILED
    Notification.objects.filter(pk=notification.pk).update(**fields)
    log.warning(
        "notification_failed id=%s attempt=%s outcome=%s error=%s",
        notification.pk,
        notification.attempts,
        outcome,
        type(exc).__name__,
    )
    if outcome == "retry":
        raise exc
    return outcome


def _record_sent(notification):
    """SMTP has accepted the message: record it, retrying a database error (after closing a broken
    connection) so the row does not stay "sending" and get sent a second time by the sweep."""
    for attempt, delay in enumerate((0, *SENT_RECORD_DELAYS), start=1):
        if delay:
            time.sleep(delay)
        try:
            with transaction.atomic():
                now = timezone.now()
                Notification.objects.filter(pk=notification.pk, status=Notification.Status.SENDING).update(
                    status=Notification.Status.SENT, sent_at=now, updated_at=now
                )
        except DatabaseError as exc:
            log.warning(
                "notification_sent_not_yet_recorded id=%s try=%s error=%s: the mail server accepted it",
                notification.pk,
                attempt,
                type(exc).__name__,
            )
            if not connection.in_atomic_block:
                connection.close()  # the next query opens a fresh connection
            continue
        if attempt > 1:
            log.warning("notification_sent_recorded id=%s after %s tries", notification.pk, attempt)
        return True
    log.error(
        "notification_sent_not_recorded id=%s: the mail server accepted the message but the database "
        "could not record it after %s tries; the sweep will send it again with the same Message-ID",
        notification.pk,
        len(SENT_RECORD_DELAYS) + 1,
    )
    return False


@transaction.atomic
def notification_resend(*, notification, actor=None):
    """Send a failed notification (or one waiting for a later round) again now, with a fresh round of
    attempts; who asked and when is recorded. Returns the row, or raises ValueError if it cannot be
    resent (already sent, or being sent)."""
    row = Notification.objects.select_for_update().get(pk=notification.pk)
    if not row.can_resend:
        raise ValueError(
            f"This e-mail is {row.get_status_display().lower()}: only a failed one can be sent again."
        )
    now = timezone.now()
    row.status = Notification.Status.PENDING
    row.next_attempt_at = None
    row.retry_rounds = 0
    row.resent_at = now
    row.resent_by = actor
    row.save(
        update_fields=["status", "next_attempt_at", "retry_rounds", "resent_at", "resent_by", "updated_at"]
    )
    log.info("notification_resend id=%s by=%s", row.pk, getattr(actor, "pk", "command"))
    _enqueue_delivery(row.pk, on_commit=True)
    return row


def notification_recover_stale(*, now=None):
    """Hand notifications back to a worker (the periodic sweep). Returns how many were enqueued.

    - "pending" and due for a later round (next_attempt_at has passed): a round of attempts starts.
    - "pending" for longer than NOTIFICATION_STALE_MINUTES with no round scheduled: its delivery task
      was lost (broker down at commit, process killed). Re-enqueued; harmless even if the task still
      exists, because delivery claims the row under a lock.
    - "sending" for longer than that: no result was recorded for its attempt (the worker died, or the
      database refused the "sent" record every time). It goes back to "pending" and is sent again.
      Trade-off: if the mail server had accepted the message, the recipient gets it twice; SMTP and
      the database cannot commit together, so the choice is between "maybe twice" in that rare window
      and "maybe never"; for a reminder we choose twice, with the same Message-ID so mail systems can
      tell it is the same message. A live attempt is never doubled: the threshold is longer than the
      task's hard time limit, after which the attempt has certainly ended.
    - A "sending" row that has used every attempt of every round is marked failed instead (it shows
      on the log page, with "send again").
    """
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(minutes=settings.NOTIFICATION_STALE_MINUTES)
    max_attempts = MAX_ATTEMPTS * (settings.NOTIFICATION_RETRY_ROUNDS + 1)
    with transaction.atomic():
        stale = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(
                Q(status=Notification.Status.PENDING, next_attempt_at__lte=now)
                | Q(status=Notification.Status.PENDING, next_attempt_at__isnull=True, updated_at__lt=cutoff)
                | Q(status=Notification.Status.SENDING, updated_at__lt=cutoff)
            )
            .only("pk", "status", "attempts")
        )
        requeue, exhausted = [], []
        for n in stale:
            (exhausted if n.attempts >= max_attempts else requeue).append(n)
        if exhausted:
            Notification.objects.filter(pk__in=[n.pk for n in exhausted]).update(
                status=Notification.Status.FAILED,
                last_error="Gave up: every attempt was used and the last one never reported a result.",
                updated_at=now,
            )
        for n in requeue:
            fields = {"status": Notification.Status.PENDING, "next_attempt_at": None, "updated_at": now}
            if n.status == Notification.Status.SENDING:
                fields["last_error"] = (
                    "No result was recorded for the last attempt (the worker stopped, or the database "
                    "could not record it): sent again with the same Message-ID."
                )
                log.warning("notification_recovered_from_sending id=%s", n.pk)
            Notification.objects.filter(pk=n.pk).update(**fields)
        ids = [n.pk for n in requeue]
        for pk in ids:
            _enqueue_delivery(pk, on_commit=True)
    return len(ids)
