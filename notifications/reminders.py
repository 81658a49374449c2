"""The daily reminder job: find what is due and queue each reminder once.

``run_daily(today=...)`` is called by beat's daily task, by ``manage.py send_reminders`` (cron, embedded
mode) and by tests with a frozen clock. It only *queues* (``notification_queue``); delivery is the
deliver task's job. Every reminder's key names the object, the kind, the due date it refers to and the
recipient (``return:42:due_soon:2026-12-01:cora@agency.example``), so running the job twice, or on two
machines at once, sends nothing twice; moving a due date makes a new set of reminders.

Windows rather than single days, so a day the job did not run is caught up, never lost:
- before the deadline: from N days before until the day before (returns) or the day itself (actions,
  recommendations);
- on the day (returns only); overdue: any day after; escalation: from M days after.

E-mails carry pseudonyms, audit titles, agency names and dates only, never the case's identifying
terms; as a last guard each case's terms are passed to ``notification_queue``: a message that would
carry one is withheld whole and the Business Manager told where (the one withholding mechanism, used by
invitations too).
"""

import datetime
from collections import Counter, defaultdict

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import dateformat, timezone

from accounts.models import Role, User
from cases.models import AgencyReturn, Audit, IdentifyingTerm
from recommendations.models import Recommendation
from reports.leakguard import Term
from reviews.invitations import invitation_ics, panel_member_ics
from reviews.models import AgencyAction, Invitation, ReflectivePracticeMeeting

from . import links
from .models import Notification
from .services import notification_queue


class Kind(models.TextChoices):
    RETURN_DUE_SOON = "return_due_soon", "Return due soon"
    RETURN_DUE_TODAY = "return_due_today", "Return due today"
    RETURN_OVERDUE = "return_overdue", "Return overdue"
    RETURN_ESCALATION = "return_escalation", "Return overdue: escalation"
    INVITATION_UNANSWERED = "invitation_unanswered", "Invitation not answered"
    MEETING_SOON = "meeting_soon", "Meeting coming up"
    ACTION_DUE_SOON = "action_due_soon", "Action due soon"
    ACTION_OVERDUE = "action_overdue", "Action overdue"
    ACTION_ESCALATION = "action_escalation", "Action overdue: escalation"
    RECOMMENDATION_DUE_SOON = "recommendation_due_soon", "Recommendation due soon"
    RECOMMENDATION_OVERDUE = "recommendation_overdue", "Recommendation overdue"
    RECOMMENDATION_ESCALATION = "recommendation_escalation", "Recommendation overdue: escalation"
    WEEKLY_DIGEST = "weekly_digest", "Weekly digest"


# (setting, what it decides) — shown on the settings page and in the README.
LEAD_TIMES = [
    ("REMINDER_RETURN_DAYS_BEFORE", "Agency returns: days before the due date of the first reminder"),
    ("REMINDER_RETURN_ESCALATE_AFTER_DAYS", "Agency returns: days overdue before the escalation"),
    (
        "REMINDER_INVITATION_UNANSWERED_DAYS",
        "Meetings: days an invitation may go unanswered before a reminder",
    ),
    ("REMINDER_MEETING_DAYS_BEFORE", "Meetings: days before the meeting of the attendees' reminder"),
    ("REMINDER_ACTION_DAYS_BEFORE", "Agency actions: days before the due date of the first reminder"),
    ("REMINDER_ACTION_ESCALATE_AFTER_DAYS", "Agency actions: days overdue before the escalation"),
    (
        "REMINDER_RECOMMENDATION_DAYS_BEFORE",
        "Recommendations: days before the deadline of the first reminder",
    ),
    ("REMINDER_RECOMMENDATION_ESCALATE_AFTER_DAYS", "Recommendations: days overdue before the escalation"),
]

OPEN_ACTION = (AgencyAction.Status.OPEN, AgencyAction.Status.IN_PROGRESS)
OPEN_RECOMMENDATION = (Recommendation.Status.OPEN, Recommendation.Status.IN_PROGRESS)


def _d(value):
    return dateformat.format(value, "j F Y")


def _days(n):
    return datetime.timedelta(days=n)


def _stages(*, due, today, days_before, escalate_after, on_the_day):
    """Which reminders an item due on `due` is owed today (each is then sent only once)."""
    if today < due or (today == due and not on_the_day):
        return ["due_soon"] if today >= due - _days(days_before) else []
    if today == due:
        return ["due_today"]
    stages = ["overdue"]
    if today >= due + _days(escalate_after):
        stages.append("escalation")
    return stages


def _business_managers():
    return list(User.objects.filter(role=Role.BUSINESS_MANAGER, is_active=True).order_by("email"))


def _contributors_by_agency(agency_ids):
    found = defaultdict(list)
    users = User.objects.filter(role=Role.AGENCY_CONTRIBUTOR, is_active=True, agency_id__in=agency_ids)
    for user in users.order_by("email"):
        found[user.agency_id].append(user)
    return found


def _agency_recipients(agency, contributors):
    """The agency's contributors; if it has none who can log in, its senior manager, so that the
    reminder is not lost."""
    users = contributors.get(agency.pk)
    if users:
        return [(u.email, u) for u in users]
    return [(agency.senior_manager_email, None)]


def _terms_by_case(case_ids):
    terms = defaultdict(list)
    rows = IdentifyingTerm.objects.filter(case_id__in=case_ids).values_list(
        "case_id", "case__pseudonym", "kind", "value"
    )
    for case_id, pseudonym, kind, value in rows:
        terms[case_id].append(Term(case_id=case_id, case_label=pseudonym, kind=kind, value=value))
    return terms


def _terms_by_audit(audit_ids):
    terms = defaultdict(list)
    rows = IdentifyingTerm.objects.filter(case__audit_id__in=audit_ids).values_list(
        "case__audit_id", "case_id", "case__pseudonym", "kind", "value"
    )
    for audit_id, case_id, pseudonym, kind, value in rows:
        terms[audit_id].append(Term(case_id=case_id, case_label=pseudonym, kind=kind, value=value))
    return terms


class _Run:
    """Queues reminders and counts those newly queued, by kind."""

    def __init__(self, today):
        self.today = today
        self.queued = Counter()
        self._bms = None

    @property
    def business_managers(self):
        if self._bms is None:
            self._bms = _business_managers()
        return self._bms

    def queue(self, *, key, email, user, kind, subject, template, context, about, withhold, **extra):
        _, created = notification_queue(
            key=f"{key}:{email.lower()}",
            kind=kind,
            to=email,
            recipient=user,
            subject=subject,
            template=template,
            context={**context, "kind": kind, "settings_link": links.settings_link()},
            about=about,
            withhold=withhold,
            **extra,
        )
        if created:
            self.queued[kind] += 1


# --- Agency returns ------------------------------------------------------------------------------


def _returns(run):
    today = run.today
    before = settings.REMINDER_RETURN_DAYS_BEFORE
    returns = list(
        AgencyReturn.objects.filter(
            status__in=AgencyReturn.OPEN_STATUSES, due_date__lte=today + _days(before)
        )
        .exclude(case__audit__status=Audit.Status.CLOSED)
        .select_related("case__audit", "agency")
        .order_by("due_date", "pk")
    )
    if not returns:
        return
    contributors = _contributors_by_agency({r.agency_id for r in returns})
    terms = _terms_by_case({r.case_id for r in returns})
    for r in returns:
        stages = _stages(
            due=r.due_date,
            today=today,
            days_before=before,
            escalate_after=settings.REMINDER_RETURN_ESCALATE_AFTER_DAYS,
            on_the_day=True,
        )
        context = {
            "pseudonym": r.case.pseudonym,
            "audit_title": r.case.audit.title,
            "agency_name": r.agency.name,
            "template_name": r.get_template_display(),
            "due_date": _d(r.due_date),
            "days_overdue": (today - r.due_date).days,
            "status": r.get_status_display(),
        }
        for stage in stages:
            kind = f"return_{stage}"
            key = f"return:{r.pk}:{stage}:{r.due_date.isoformat()}"
            if stage == "escalation":
                recipients = [(u.email, u) for u in run.business_managers]
                recipients.append((r.agency.senior_manager_email, None))
                subject = f"Escalation: {r.agency.name} return for {r.case.pseudonym} is {context['days_overdue']} days overdue"
            else:
                recipients = _agency_recipients(r.agency, contributors)
                subject = {
                    "due_soon": f"Reminder: your return for {r.case.pseudonym} is due on {context['due_date']}",
                    "due_today": f"Due today: your return for {r.case.pseudonym}",
                    "overdue": f"Overdue: your return for {r.case.pseudonym} was due on {context['due_date']}",
                }[stage]
            for email, user in recipients:
                run.queue(
                    key=key,
                    email=email,
                    user=user,
                    kind=kind,
                    subject=subject,
                    template="notifications/email/return",
                    context={**context, "link": links.return_link(r)},
                    about=r,
                    withhold=terms[r.case_id],
                )


# --- Reflective practice meetings ----------------------------------------------------------------


def _meeting_context(meeting):
    starts = timezone.localtime(meeting.starts_at)
    return {
        "pseudonym": meeting.case.pseudonym,
        "audit_title": meeting.case.audit.title,
        "meeting_date": _d(starts.date()),
        "meeting_time": starts.strftime("%H:%M"),
        "venue": meeting.venue,
    }


def _meetings(run):
    today = run.today
    unanswered_days = settings.REMINDER_INVITATION_UNANSWERED_DAYS
    days_before = settings.REMINDER_MEETING_DAYS_BEFORE
    upcoming = Q(
        meeting__status=ReflectivePracticeMeeting.Status.SCHEDULED,
        meeting__starts_at__date__gt=today,
    ) & ~Q(meeting__case__audit__status=Audit.Status.CLOSED)
    invitations = list(
        Invitation.objects.filter(upcoming)
        .filter(
            Q(
                response=Invitation.Response.PENDING,
                sent_at__isnull=False,
                sent_at__date__lte=today - _days(unanswered_days),
            )
            | Q(
                response=Invitation.Response.ACCEPTED,
                meeting__starts_at__date__lte=today + _days(days_before),
            )
        )
        .select_related("meeting__case__audit", "agency")
        .order_by("meeting__starts_at", "pk")
    )
    meetings = list(
        ReflectivePracticeMeeting.objects.filter(
            status=ReflectivePracticeMeeting.Status.SCHEDULED,
            starts_at__date__gt=today,
            starts_at__date__lte=today + _days(days_before),
        )
        .exclude(case__audit__status=Audit.Status.CLOSED)
        .select_related("case__audit", "created_by")
        .prefetch_related("panel_attending")
    )
    terms = _terms_by_case({i.meeting.case_id for i in invitations} | {m.case_id for m in meetings})
    for invitation in invitations:
        meeting = invitation.meeting
        context = {
            **_meeting_context(meeting),
            "agency_name": invitation.agency.name,
            "senior_manager_name": invitation.agency.senior_manager_name,
            # No link: practitioners have no login; their invitation carries its own answer link.
        }
        day = timezone.localdate(meeting.starts_at).isoformat()
        if invitation.response == Invitation.Response.PENDING:
            kind, stage = Kind.INVITATION_UNANSWERED, "unanswered"
            subject = f"Please reply: reflective practice meeting ({meeting.case.pseudonym}) on {context['meeting_date']}"
            attachments = ()
        else:
            kind, stage = Kind.MEETING_SOON, "meeting_soon"
            subject = f"Reminder: reflective practice meeting ({meeting.case.pseudonym}) on {context['meeting_date']}"
            attachments = (
                {
                    "filename": "meeting.ics",
                    "content": invitation_ics(invitation, meeting=meeting),
                    "mimetype": "text/calendar",
                },
            )
        run.queue(
            key=f"invitation:{invitation.pk}:{stage}:{day}",
            email=invitation.email,
            user=None,
            kind=kind,
            subject=subject,
            template="notifications/email/meeting",
            context=context,
            about=meeting,
            withhold=terms[meeting.case_id],
            reply_to=invitation.agency.senior_manager_email,
            attachments=attachments,
        )
    for meeting in meetings:
        day = timezone.localdate(meeting.starts_at).isoformat()
        context = {**_meeting_context(meeting), "link": links.meeting_link(meeting), "for_panel": True}
        for user in meeting.panel_attending.all():
            if not user.is_active:
                continue
            run.queue(
                key=f"meeting:{meeting.pk}:meeting_soon:{day}",
                email=user.email,
                user=user,
                kind=Kind.MEETING_SOON,
                subject=f"Reminder: reflective practice meeting ({meeting.case.pseudonym}) on {context['meeting_date']}",
                template="notifications/email/meeting",
                context=context,
                about=meeting,
                withhold=terms[meeting.case_id],
                attachments=(
                    {
                        "filename": "meeting.ics",
                        "content": panel_member_ics(meeting, user),
                        "mimetype": "text/calendar",
                    },
                ),
            )


# --- Confidential agency actions -----------------------------------------------------------------


def _actions(run):
    today = run.today
    before = settings.REMINDER_ACTION_DAYS_BEFORE
    actions = list(
        AgencyAction.objects.filter(status__in=OPEN_ACTION, due_date__lte=today + _days(before))
        .exclude(case__audit__status=Audit.Status.CLOSED)
        .select_related("case__audit", "owner_agency")
        .order_by("due_date", "pk")
    )
    if not actions:
        return
    contributors = _contributors_by_agency({a.owner_agency_id for a in actions})
    terms = _terms_by_case({a.case_id for a in actions})
    for action in actions:
        stages = _stages(
            due=action.due_date,
            today=today,
            days_before=before,
            escalate_after=settings.REMINDER_ACTION_ESCALATE_AFTER_DAYS,
            on_the_day=False,
        )
        context = {
            "pseudonym": action.case.pseudonym,
            "audit_title": action.case.audit.title,
            "agency_name": action.owner_agency.name,
            "due_date": _d(action.due_date),
            "days_overdue": (today - action.due_date).days,
            "status": action.get_status_display(),
        }
        for stage in stages:
            if stage == "escalation":
                recipients = [(u.email, u) for u in run.business_managers]
                subject = f"Escalation: {action.owner_agency.name} action for {action.case.pseudonym} is {context['days_overdue']} days overdue"
            else:
                recipients = _agency_recipients(action.owner_agency, contributors)
                subject = {
                    "due_soon": f"Reminder: an action for your agency ({action.case.pseudonym}) is due on {context['due_date']}",
                    "overdue": f"Overdue: an action for your agency ({action.case.pseudonym}) was due on {context['due_date']}",
                }[stage]
            for email, user in recipients:
                for_manager = user is not None and user.role == Role.BUSINESS_MANAGER
                run.queue(
                    key=f"action:{action.pk}:{stage}:{action.due_date.isoformat()}",
                    email=email,
                    user=user,
                    kind=f"action_{stage}",
                    subject=subject,
                    template="notifications/email/action",
                    context={**context, "link": links.action_link(action, for_manager=for_manager)},
                    about=action,
                    withhold=terms[action.case_id],
                )


# --- Recommendations -----------------------------------------------------------------------------


def _recommendations(run):
    today = run.today
    before = settings.REMINDER_RECOMMENDATION_DAYS_BEFORE
    limit = today + _days(before)
    recommendations = list(
        Recommendation.objects.filter(status__in=OPEN_RECOMMENDATION)
        .filter(Q(deadline_date__lte=limit) | Q(deadline_meeting__date__lte=limit))
        .exclude(audit__status=Audit.Status.CLOSED)
        .select_related("audit", "deadline_meeting")
        .prefetch_related("owners")
        .order_by("pk")
    )
    if not recommendations:
        return
    owner_ids = {a.pk for r in recommendations for a in r.owners.all()}
    contributors = _contributors_by_agency(owner_ids)
    terms = _terms_by_audit({r.audit_id for r in recommendations})
    for rec in recommendations:
        deadline = rec.deadline
        stages = _stages(
            due=deadline,
            today=today,
            days_before=before,
            escalate_after=settings.REMINDER_RECOMMENDATION_ESCALATE_AFTER_DAYS,
            on_the_day=False,
        )
        owners = list(rec.owners.all())
        context = {
            "letter": rec.letter,
            "audit_title": rec.audit.title,
            "owner_names": ", ".join(a.name for a in owners),
            "due_date": _d(deadline),
            "board_meeting": rec.deadline_meeting.title if rec.deadline_meeting_id else "",
            "days_overdue": (today - deadline).days,
            "status": rec.get_status_display(),
            "link": links.recommendation_link(rec),
        }
        label = f"Recommendation ({rec.letter}) of {rec.audit.title}"
        for stage in stages:
            if stage == "escalation":
                recipients = [(u.email, u) for u in run.business_managers]
                subject = f"Escalation: {label} is {context['days_overdue']} days overdue"
            else:
                recipients = []
                for agency in owners:
                    recipients += _agency_recipients(agency, contributors)
                subject = {
                    "due_soon": f"Reminder: {label} is due on {context['due_date']}",
                    "overdue": f"Overdue: {label} was due on {context['due_date']}",
                }[stage]
            for email, user in dict(recipients).items():
                run.queue(
                    key=f"recommendation:{rec.pk}:{stage}:{deadline.isoformat()}",
                    email=email,
                    user=user,
                    kind=f"recommendation_{stage}",
                    subject=subject,
                    template="notifications/email/recommendation",
                    context=context,
                    about=rec,
                    withhold=terms[rec.audit_id],
                )


# --- Weekly digest -------------------------------------------------------------------------------


def late_items(*, today):
    """Everything late on `today`: open returns, actions and recommendations past their deadline, and
    invitations to upcoming meetings still unanswered after the reminder period."""
    returns = list(
        AgencyReturn.objects.filter(status__in=AgencyReturn.OPEN_STATUSES, due_date__lt=today)
        .exclude(case__audit__status=Audit.Status.CLOSED)
        .select_related("case__audit", "agency")
        .order_by("due_date", "pk")
    )
    actions = list(
        AgencyAction.objects.filter(status__in=OPEN_ACTION, due_date__lt=today)
        .exclude(case__audit__status=Audit.Status.CLOSED)
        .select_related("case__audit", "owner_agency")
        .order_by("due_date", "pk")
    )
    recommendations = list(
        Recommendation.objects.filter(status__in=OPEN_RECOMMENDATION)
        .filter(Q(deadline_date__lt=today) | Q(deadline_meeting__date__lt=today))
        .exclude(audit__status=Audit.Status.CLOSED)
        .select_related("audit", "deadline_meeting")
        .prefetch_related("owners")
        .order_by("pk")
    )
    invitations = list(
        Invitation.objects.filter(
            response=Invitation.Response.PENDING,
            sent_at__isnull=False,
            sent_at__date__lte=today - _days(settings.REMINDER_INVITATION_UNANSWERED_DAYS),
            meeting__status=ReflectivePracticeMeeting.Status.SCHEDULED,
            meeting__starts_at__date__gt=today,
        )
        .exclude(meeting__case__audit__status=Audit.Status.CLOSED)
        .select_related("meeting__case__audit", "agency")
        .order_by("meeting__starts_at", "pk")
    )
    return {
        "returns": returns,
        "actions": actions,
        "recommendations": recommendations,
        "invitations": invitations,
    }


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
    late = late_items(today=today)
    if not any(late.values()):
        return
    case_ids = (
        {r.case_id for r in late["returns"]}
        | {a.case_id for a in late["actions"]}
        | {i.meeting.case_id for i in late["invitations"]}
    )
    withhold = [v for values in _terms_by_case(case_ids).values() for v in values]
    withhold += [
        v
        for values in _terms_by_audit({r.audit_id for r in late["recommendations"]}).values()
        for v in values
    ]
    context = {
        "today": _d(today),
        "returns": [
            {
                "pseudonym": r.case.pseudonym,
                "audit_title": r.case.audit.title,
                "agency_name": r.agency.name,
                "due_date": _d(r.due_date),
                "days_overdue": (today - r.due_date).days,
                "link": links.return_link(r),
            }
            for r in late["returns"]
        ],
        "actions": [
            {
                "pseudonym": a.case.pseudonym,
                "audit_title": a.case.audit.title,
                "agency_name": a.owner_agency.name,
                "due_date": _d(a.due_date),
                "days_overdue": (today - a.due_date).days,
                "link": links.action_link(a, for_manager=True),
            }
            for a in late["actions"]
        ],
        "recommendations": [
            {
                "letter": r.letter,
                "audit_title": r.audit.title,
                "owner_names": ", ".join(a.name for a in r.owners.all()),
                "due_date": _d(r.deadline),
                "days_overdue": (today - r.deadline).days,
                "link": links.recommendation_link(r),
            }
            for r in late["recommendations"]
        ],
        "invitations": [
            {
                "pseudonym": i.meeting.case.pseudonym,
                "agency_name": i.agency.name,
                "role": i.role,
                "meeting_date": _d(timezone.localdate(i.meeting.starts_at)),
                "link": links.meeting_link(i.meeting),
            }
            for i in late["invitations"]
        ],
        "log_link": links.log_link(),
    }
    total = sum(len(v) for v in late.values())
    for user in run.business_managers:
        run.queue(
            key=f"digest:weekly:{(period or today).isoformat()}",
            email=user.email,
            user=user,
            kind=Kind.WEEKLY_DIGEST,
            subject=f"Weekly digest: {total} late item{'s' if total != 1 else ''} ({_d(today)})",
            template="notifications/email/digest",
            context=context,
            about=None,
            withhold=withhold,
        )


def run_daily(*, today=None):
    """Queue every reminder owed on `today` (default: today in Europe/London), and the weekly digest
    on the first run on or after REMINDER_DIGEST_WEEKDAY each week (a job that misses the weekday
    sends it the next day it runs). Returns {kind: number newly queued}; a second run returns {}."""
    run = _Run(today or timezone.localdate())
    _returns(run)
    _meetings(run)
    _actions(run)
    _recommendations(run)
    week_start = digest_week_start(run.today)
    if (
        week_start is not None
        and not Notification.objects.filter(
            key__startswith=f"digest:weekly:{week_start.isoformat()}:"
        ).exists()
    ):
        _digest(run, period=week_start)
    return dict(run.queued)
