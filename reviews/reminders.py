"""Reflective practice meetings' and confidential agency actions' reminders (registered with
notifications in ReviewsConfig.ready).

- An invitation unanswered REMINDER_INVITATION_UNANSWERED_DAYS after it was sent, to a meeting still
  ahead: the invitee is asked again (the reply goes to their agency's senior manager).
- REMINDER_MEETING_DAYS_BEFORE days before a meeting: the invitees who accepted and the panel members
  attending, with a calendar file.
- An action: its owner agency's contributors from REMINDER_ACTION_DAYS_BEFORE days before it is due and
  once overdue; the Business Manager(s) REMINDER_ACTION_ESCALATE_AFTER_DAYS days after.
Cancelled meetings, answered actions and closed audits are not chased.
"""

import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from accounts.models import Role
from cases.models import Audit
from cases.registers import terms_by_case
from cases.reminders import agency_recipients, contributors_by_agency
from core.links import absolute_url
from notifications.registry import (
    LateItem,
    LateSection,
    Recipient,
    Reminder,
    ReminderRule,
    format_date,
    stages,
)

from .invitations import invitation_ics, panel_ics
from .models import AgencyAction, Invitation, ReflectivePracticeMeeting

OPEN_ACTION = (AgencyAction.Status.OPEN, AgencyAction.Status.IN_PROGRESS)


def _days(n):
    return datetime.timedelta(days=n)


def meeting_link(meeting):
    # Practitioners have no login: their invitation carries its own answer link. The meeting page is
    # for panel members and the Business Manager.
    return absolute_url("reviews:meeting_detail", meeting_pk=meeting.pk)


def action_link(action, *, for_manager=False):
    if for_manager:
        return absolute_url("reviews:findings", case_pk=action.case_id)
    return absolute_url("reviews:action_respond", action_pk=action.pk)


# --- Reflective practice meetings ----------------------------------------------------------------


def _ics_attachment(content):
    return ({"filename": "meeting.ics", "content": content, "mimetype": "text/calendar"},)


def _meeting_context(meeting):
    starts = timezone.localtime(meeting.starts_at)
    return {
        "pseudonym": meeting.case.pseudonym,
        "audit_title": meeting.case.audit.title,
        "meeting_date": format_date(starts.date()),
        "meeting_time": starts.strftime("%H:%M"),
        "venue": meeting.venue,
    }


def _unanswered(today):
    """Invitations to upcoming meetings still unanswered after the reminder period."""
    return Q(
        response=Invitation.Response.PENDING,
        sent_at__isnull=False,
        sent_at__date__lte=today - _days(settings.REMINDER_INVITATION_UNANSWERED_DAYS),
    )


class MeetingReminders(ReminderRule):
    kinds = [
        ("invitation_unanswered", "Invitation not answered"),
        ("meeting_soon", "Meeting coming up"),
    ]
    lead_times = [
        (
            "REMINDER_INVITATION_UNANSWERED_DAYS",
            "Meetings: days an invitation may go unanswered before a reminder",
        ),
        ("REMINDER_MEETING_DAYS_BEFORE", "Meetings: days before the meeting of the attendees' reminder"),
    ]

    def due(self, run):
        today = run.today
        days_before = settings.REMINDER_MEETING_DAYS_BEFORE
        upcoming = Q(
            meeting__status=ReflectivePracticeMeeting.Status.SCHEDULED,
            meeting__starts_at__date__gt=today,
        ) & ~Q(meeting__case__audit__status=Audit.Status.CLOSED)
        invitations = list(
            Invitation.objects.filter(upcoming)
            .filter(
                _unanswered(today)
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
        if not invitations and not meetings:
            return
        terms = terms_by_case({i.meeting.case_id for i in invitations} | {m.case_id for m in meetings})
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
                kind, stage, attachments = "invitation_unanswered", "unanswered", ()
                subject = f"Please reply: reflective practice meeting ({meeting.case.pseudonym}) on {context['meeting_date']}"
            else:
                kind, stage = "meeting_soon", "meeting_soon"
                attachments = _ics_attachment(invitation_ics(invitation, meeting=meeting))
                subject = f"Reminder: reflective practice meeting ({meeting.case.pseudonym}) on {context['meeting_date']}"
            yield Reminder(
                key=f"invitation:{invitation.pk}:{stage}:{day}",
                kind=kind,
                subject=subject,
                template="reviews/email/meeting_reminder",
                context=context,
                recipients=[Recipient(invitation.email)],
                about=meeting,
                withhold=terms[meeting.case_id],
                reply_to=invitation.agency.senior_manager_email,
                attachments=attachments,
            )
        for meeting in meetings:
            context = {**_meeting_context(meeting), "link": meeting_link(meeting), "for_panel": True}
            attending = [u for u in meeting.panel_attending.all() if u.is_active]
            yield Reminder(
                key=f"meeting:{meeting.pk}:meeting_soon:{timezone.localdate(meeting.starts_at).isoformat()}",
                kind="meeting_soon",
                subject=f"Reminder: reflective practice meeting ({meeting.case.pseudonym}) on {context['meeting_date']}",
                template="reviews/email/meeting_reminder",
                context=context,
                recipients=[Recipient(u.email, u) for u in attending],
                about=meeting,
                withhold=terms[meeting.case_id],
                attachments=_ics_attachment(panel_ics(meeting, attending)),
            )

    def late(self, *, today):
        invitations = list(
            Invitation.objects.filter(
                _unanswered(today),
                meeting__status=ReflectivePracticeMeeting.Status.SCHEDULED,
                meeting__starts_at__date__gt=today,
            )
            .exclude(meeting__case__audit__status=Audit.Status.CLOSED)
            .select_related("meeting__case__audit", "agency")
            .order_by("meeting__starts_at", "pk")
        )
        terms = terms_by_case({i.meeting.case_id for i in invitations}) if invitations else {}
        yield LateSection(
            heading="Meeting invitations not answered",
            items=[
                LateItem(
                    label=i.meeting.case.pseudonym,
                    detail=(
                        f": {i.role}, {i.agency.name}, meeting on "
                        f"{format_date(timezone.localdate(i.meeting.starts_at))}"
                    ),
                    link=meeting_link(i.meeting),
                )
                for i in invitations
            ],
            withhold=[t for case_terms in terms.values() for t in case_terms],
        )


# --- Confidential agency actions -----------------------------------------------------------------


def _open_actions():
    return (
        AgencyAction.objects.filter(status__in=OPEN_ACTION)
        .exclude(case__audit__status=Audit.Status.CLOSED)
        .select_related("case__audit", "owner_agency")
        .order_by("due_date", "pk")
    )


class ActionReminders(ReminderRule):
    kinds = [
        ("action_due_soon", "Action due soon"),
        ("action_overdue", "Action overdue"),
        ("action_escalation", "Action overdue: escalation"),
    ]
    lead_times = [
        ("REMINDER_ACTION_DAYS_BEFORE", "Agency actions: days before the due date of the first reminder"),
        ("REMINDER_ACTION_ESCALATE_AFTER_DAYS", "Agency actions: days overdue before the escalation"),
    ]

    def due(self, run):
        today = run.today
        before = settings.REMINDER_ACTION_DAYS_BEFORE
        actions = list(_open_actions().filter(due_date__lte=today + _days(before)))
        if not actions:
            return
        contributors = contributors_by_agency({a.owner_agency_id for a in actions})
        terms = terms_by_case({a.case_id for a in actions})
        for action in actions:
            context = {
                "pseudonym": action.case.pseudonym,
                "audit_title": action.case.audit.title,
                "agency_name": action.owner_agency.name,
                "due_date": format_date(action.due_date),
                "days_overdue": (today - action.due_date).days,
                "status": action.get_status_display(),
            }
            for stage in stages(
                due=action.due_date,
                today=today,
                days_before=before,
                escalate_after=settings.REMINDER_ACTION_ESCALATE_AFTER_DAYS,
            ):
                if stage == "escalation":
                    manager_link = {"link": action_link(action, for_manager=True)}
                    recipients = [Recipient(m.email, m.user, manager_link) for m in run.managers]
                    subject = (
                        f"Escalation: {action.owner_agency.name} action for {action.case.pseudonym} is "
                        f"{context['days_overdue']} days overdue"
                    )
                else:
                    recipients = [
                        # A contributor who is also a Business Manager cannot happen (one role each);
                        # the link follows the recipient's role all the same.
                        Recipient(
                            r.email,
                            r.user,
                            {"link": action_link(action, for_manager=_is_manager(r.user))},
                        )
                        for r in agency_recipients(action.owner_agency, contributors)
                    ]
                    subject = {
                        "due_soon": f"Reminder: an action for your agency ({action.case.pseudonym}) is due on {context['due_date']}",
                        "overdue": f"Overdue: an action for your agency ({action.case.pseudonym}) was due on {context['due_date']}",
                    }[stage]
                yield Reminder(
                    key=f"action:{action.pk}:{stage}:{action.due_date.isoformat()}",
                    kind=f"action_{stage}",
                    subject=subject,
                    template="reviews/email/action_reminder",
                    context=context,
                    recipients=recipients,
                    about=action,
                    withhold=terms[action.case_id],
                )

    def late(self, *, today):
        actions = list(_open_actions().filter(due_date__lt=today))
        terms = terms_by_case({a.case_id for a in actions}) if actions else {}
        yield LateSection(
            heading="Confidential agency actions overdue",
            items=[
                LateItem(
                    label=a.case.pseudonym,
                    detail=(
                        f" ({a.case.audit.title}): {a.owner_agency.name}, due {format_date(a.due_date)}, "
                        f"{(today - a.due_date).days} days overdue"
                    ),
                    link=action_link(a, for_manager=True),
                )
                for a in actions
            ],
            withhold=[t for case_terms in terms.values() for t in case_terms],
        )


def _is_manager(user):
    return user is not None and user.role == Role.BUSINESS_MANAGER
