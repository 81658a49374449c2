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

from accounts.models import Role, User
from operations.enqueue import WAITING_FOR_WORKER, enqueue_now, enqueue_on_commit

from . import guard
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

    return (enqueue_on_commit if on_commit else enqueue_now)(
        deliver_notification,
        notification_id,
        on_unreachable=lambda: _mark_waiting_for_worker(notification_id),
        inline=lambda: _deliver_inline(notification_id),
    )


def _enqueue_many(ids):
    """Hand rows over one by one; once the broker refuses one, the rest are marked waiting at once
    rather than each spending a second on a broker that is not there."""
    for index, pk in enumerate(ids):
        if not _enqueue_delivery(pk):
            for rest in ids[index + 1 :]:
                _mark_waiting_for_worker(rest)
            return


def _deliver_inline(notification_id):
    """Embedded mode (no broker): every attempt at once, so the caller (a page, send_reminders) goes on
    and the row ends sent or failed. With a broker, the task retries with backoff instead."""
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            notification_deliver(notification_id=notification_id, last_try=attempt == MAX_ATTEMPTS)
        except RETRYABLE:
            continue
        return


def ics_text(content):
    """The text of an iCalendar file as a reader sees it: folded lines joined, escapes undone (a
    name folded across two lines, or written "Mar\\,lowe", must not hide from the guard)."""
    text = re.sub(r"\r?\n[ \t]", "", content)
    return (
        text.replace("\\n", "\n")
        .replace("\\N", "\n")
        .replace("\\,", ",")
        .replace("\\;", ";")
        .replace("\\\\", "\\")
    )


_BLOCK_TAG = re.compile(
    r"</?(?:p|div|br|li|ul|ol|tr|td|th|table|h\d|hr|section|body|head|title)\b[^>]*>", re.I
)


def html_text(markup):
    """What a reader of an HTML e-mail sees: the text without tags (an inline tag such as <b> inside a
    word joins its parts, as on screen), entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", _BLOCK_TAG.sub(" ", markup)))


def message_findings(*, subject, body_text, body_html="", attachments=(), terms=()):
    """[(where, hit)] for every register term that a message would carry, checked after the leak
    guard's normalisation (see core.text), in every part a recipient can read."""
    terms = guard.as_terms(terms)
    if not terms:
        return []
    parts = [("subject", subject), ("text body", body_text), ("HTML body", html_text(body_html or ""))]
    for a in attachments:
        content = a.get("content")
        if isinstance(content, str):
            name = a.get("filename", "attachment")
            readable = (
                ics_text(content) if name.endswith(".ics") or "calendar" in a.get("mimetype", "") else content
            )
            parts.append((f"attachment {name}", readable))
            parts.append((f"attachment name {name}", name))
    return [(where, hit) for where, text in parts for hit in guard.register_hits(text or "", terms)]


def _describe(findings):
    """Where a withheld message would have carried which kind of term; never the term itself."""
    lines = []
    for where, hit in findings:
        line = f"a registered {guard.kind_label(hit.rule).lower()}"
        if hit.term_case_label:
            line += f" of {hit.term_case_label}"
        line += f" in the {where}"
        if line not in lines:
            lines.append(line)
    return lines


def withheld_tell_business_managers(*, key, what, findings, about=None):
    """Tell every Business Manager (once per `key`) that `what` was withheld by the leak guard, and
    where it would have carried which kind of register term (never the term)."""

    for user in User.objects.filter(role=Role.BUSINESS_MANAGER, is_active=True).order_by("email"):
        notification_queue(
            key=f"withheld:{key}:{user.email.lower()}",
            kind="message_withheld",
            to=user.email,
            recipient=user,
            subject=f"Withheld by the leak guard: {what}"[:250],
            template="notifications/email/withheld",
            context={"what": what, "findings": _describe(findings)},
            about=about,
        )


def _tell_business_managers(notification, findings):
    withheld_tell_business_managers(
        key=f"notification:{notification.pk}",
        what=f"{notification.get_kind_display_text()} to {notification.to}",
        findings=findings,
        about=notification.about,
    )


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

    `withhold`: the register entries (leakguard.Term, or bare strings) that must never leave in this
    e-mail. If the subject, either body or an attachment would carry one (after the leak guard's
    normalisation), the message is withheld whole, never delivered, and every Business Manager is
    told where it was and which kind of term, without the term. Returns (notification, created)."""
    existing = Notification.objects.filter(key=key).first()
    if existing is not None and existing.status != Notification.Status.WITHHELD:
        return existing, False
    context = {
        **context,
        "recipient": recipient,
        "board_name": settings.BOARD_NAME,
    }
    subject = " ".join(subject.split())
    body_text = re.sub(r"\n{3,}", "\n\n", render_to_string(f"{template}.txt", context)).strip() + "\n"
    body_html = render_to_string(f"{template}.html", context)
    attachments = list(attachments)
    findings = message_findings(
        subject=subject, body_text=body_text, body_html=body_html, attachments=attachments, terms=withhold
    )
    status = Notification.Status.PENDING
    if findings:
        # Withheld whole: nothing of it is kept that could carry the term, and it is never delivered.
        status = Notification.Status.WITHHELD
        subject = f"{WITHHELD} {kind.replace('_', ' ')}"
        body_text = "Withheld by the leak guard: " + "; ".join(_describe(findings)) + ".\n"
        body_html = ""
        attachments = []
    if existing is not None:
        # Withheld before: sent now only if the text it is made from has been fixed since.
        if findings:
            return existing, False
        claimed = Notification.objects.filter(pk=existing.pk, status=Notification.Status.WITHHELD).update(
            status=Notification.Status.PENDING,
            subject=subject[:250],
            body_text=body_text,
            body_html=body_html,
            attachments=attachments,
            updated_at=timezone.now(),
        )
        if claimed:
            _enqueue_delivery(existing.pk, on_commit=True)
        existing.refresh_from_db()
        return existing, bool(claimed)
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
                status=status,
            )
    except IntegrityError:
        # Someone else claimed this key between our check and our insert (two runs at once).
        return Notification.objects.get(key=key), False
    if findings:
        _tell_business_managers(notification, findings)
        return notification, True
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
    - "pending" and waiting for the worker (the broker was unreachable when it was enqueued): handed
      over at once.
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
                | Q(status=Notification.Status.PENDING, last_error=WAITING_FOR_WORKER)
                | Q(status=Notification.Status.SENDING, updated_at__lt=cutoff)
            )
            .only("pk", "status", "attempts", "last_error")
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
            if n.last_error == WAITING_FOR_WORKER:
                fields["last_error"] = ""  # handed over now (set again if the broker is still away)
            if n.status == Notification.Status.SENDING:
                fields["last_error"] = (
                    "No result was recorded for the last attempt (the worker stopped, or the database "
                    "could not record it): sent again with the same Message-ID."
                )
                log.warning("notification_recovered_from_sending id=%s", n.pk)
            Notification.objects.filter(pk=n.pk).update(**fields)
        ids = [n.pk for n in requeue]
        transaction.on_commit(lambda: _enqueue_many(ids))
    return len(ids)
