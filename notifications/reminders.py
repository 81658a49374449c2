"""The daily reminder job: ask every registered rule what is due and queue each reminder once.

``run_daily(today=...)`` is called by beat's daily task, by ``manage.py send_reminders`` (cron, embedded
mode) and by tests with a frozen clock. It only *queues* (``notification_queue``); delivery is the
deliver task's job. What is due, to whom and in what words is decided by the rules the apps register
(notifications.registry: cases/reminders.py, reviews/reminders.py, recommendations/reminders.py); this
module is the one loop they share:

- once: every reminder's key names the object, the kind, the due date it refers to and the recipient
  (``return:42:due_soon:2026-12-01:cora@agency.example``), so running the job twice, or on two machines
  at once, sends nothing twice; moving a due date makes a new set of reminders. A recipient named twice
  for one reminder gets one copy;
- withheld: each reminder carries the register entries of its case(s) to ``notification_queue``: a
  message that would carry one is withheld whole and the Business Manager told where (the one
  withholding mechanism, used by invitations too);
- the weekly digest: on the first run on or after REMINDER_DIGEST_WEEKDAY, everything the rules call
  late goes to the Business Manager(s) in one e-mail, once per week.
"""

import datetime
from collections import Counter

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.services import business_managers

from . import links, registry
from .models import Notification
from .registry import Recipient, format_date
from .services import notification_queue


class Kind(models.TextChoices):
    """The kinds notifications itself sends; each rule declares its own (registry.kind_labels)."""

    WEEKLY_DIGEST = "weekly_digest", "Weekly digest"


def kind_labels():
    """{kind: label} of every reminder kind: the registered rules' and the digest."""
    return {**registry.kind_labels(), **dict(Kind.choices)}


def lead_times():
    """[(setting, what it decides)] of every registered rule."""
    return registry.lead_times()


class Run:
    """One run of the job on `today`: queues reminders and counts those newly queued, by kind."""

    def __init__(self, today):
        self.today = today
        self.queued = Counter()
        self._managers = None

    @property
    def managers(self):
        """The active Business Manager(s), as recipients (escalations and the digest go to them)."""
        if self._managers is None:
            self._managers = [Recipient(u.email, u) for u in business_managers().order_by("email")]
        return self._managers

    def queue(self, reminder):
        seen = set()
        for recipient in reminder.recipients:
            email = recipient.email.lower()
            if not email or email in seen:
                continue
            seen.add(email)
            _, created = notification_queue(
                key=f"{reminder.key}:{email}",
                kind=reminder.kind,
                to=recipient.email,
                recipient=recipient.user,
                subject=reminder.subject,
                template=reminder.template,
                context={
                    **reminder.context,
                    **recipient.context,
                    "kind": reminder.kind,
                    "settings_link": links.settings_link(),
                },
                about=reminder.about,
                withhold=reminder.withhold,
                reply_to=reminder.reply_to,
                attachments=reminder.attachments,
            )
            if created:
                self.queued[reminder.kind] += 1


def late_sections(*, today):
    """The digest's sections with something late on `today`, in the rules' registration order."""
    return [section for rule in registry.rules() for section in rule.late(today=today) if section.items]


def digest_week_start(today):
    """The start of the digest week `today` falls in: the latest REMINDER_DIGEST_WEEKDAY on or before
    it (None when the digest is switched off with a weekday outside 0-6)."""
    weekday = settings.REMINDER_DIGEST_WEEKDAY
    if not 0 <= weekday <= 6:
        return None
    return today - datetime.timedelta(days=(today.weekday() - weekday) % 7)


def _digest(run, *, period=None):
    """`period`: the date the digest's key is claimed for (default: the run's day)."""
    today = run.today
    sections = late_sections(today=today)
    if not sections:
        return
    total = sum(len(s.items) for s in sections)
    run.queue(
        registry.Reminder(
            key=f"digest:weekly:{(period or today).isoformat()}",
            kind=Kind.WEEKLY_DIGEST,
            subject=f"Weekly digest: {total} late item{'s' if total != 1 else ''} ({format_date(today)})",
            template="notifications/email/digest",
            context={"today": format_date(today), "sections": sections, "log_link": links.log_link()},
            recipients=run.managers,
            withhold=[term for s in sections for term in s.withhold],
        )
    )


def run_daily(*, today=None):
    """Queue every reminder owed on `today` (default: today in Europe/London), and the weekly digest
    on the first run on or after REMINDER_DIGEST_WEEKDAY each week (a job that misses the weekday
    sends it the next day it runs). Returns {kind: number newly queued}; a second run returns {}."""
    run = Run(today or timezone.localdate())
    for rule in registry.rules():
        for reminder in rule.due(run):
            run.queue(reminder)
    week_start = digest_week_start(run.today)
    if (
        week_start is not None
        and not Notification.objects.filter(
            key__startswith=f"digest:weekly:{week_start.isoformat()}:"
        ).exists()
    ):
        _digest(run, period=week_start)
    return dict(run.queued)
