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


def as_terms(withhold):
    """Register entries for the guard: leakguard.Term as given, a bare string as an "other" term."""
    from reports.leakguard import Term

    terms = []
    for t in withhold:
        if isinstance(t, Term):
            terms.append(t)
        elif t and str(t).strip():
            terms.append(Term(case_id=None, case_label="", kind="other", value=str(t)))
    return terms


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


def html_text(markup):
    """What a reader of an HTML e-mail sees: the text without tags, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", " ", markup))


def message_findings(*, subject, body_text, body_html="", attachments=(), terms=()):
    """[(where, hit)] for every register term that a message would carry, checked after the leak
    guard's normalisation (see core.text), in every part a recipient can read."""
    from reports.leakguard import register_hits

    terms = as_terms(terms)
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
    return [(where, hit) for where, text in parts for hit in register_hits(text or "", terms)]


def _describe(findings):
    """Where a withheld message would have carried which kind of term; never the term itself."""
    from cases.models import IdentifyingTerm

    kinds = dict(IdentifyingTerm.Kind.choices)
    lines = []
    for where, hit in findings:
        line = f"a registered {kinds.get(hit.rule, hit.rule).lower()}"
        if hit.term_case_label:
            line += f" of {hit.term_case_label}"
        line += f" in the {where}"
        if line not in lines:
            lines.append(line)
    return lines


def withheld_tell_business_managers(*, key, what, findings, about=None):
    """Tell every Business Manager (once per `key`) that `what` was withheld by the leak guard, and
    where it would have carried which kind of register term (never the term)."""
    from accounts.models import Role, User

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
        "site_url": settings.SITE_URL.rstrip("/"),
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
            transaction.on_commit(lambda: _enqueue_delivery(existing.pk))
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
