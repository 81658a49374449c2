"""State changes for panel review, meetings, invitations and findings."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from cases.models import Case
from core.actors import records_actor
from core.links import absolute_url
from notifications.services import notification_queue

from . import invitations as invitation_mail
from .models import (
    AgencyAction,
    CaseAssurance,
    CaseNote,
    CaseNoteRevision,
    CaseReviewMark,
    Invitation,
    LearningPoint,
    ReflectivePracticeMeeting,
)

# --- Notes ----------------------------------------------------------------------------------


@transaction.atomic
def case_note_add(*, case, author, body):
    """A panel member (or the Business Manager) adds a note to the case's thread."""
    note = CaseNote(case=case, author=author, body=body.strip())
    note.full_clean()
    note.save()
    return note


@transaction.atomic
def case_note_edit(*, note, actor, body):
    """Only the author edits a note; the text it had before is kept as a revision."""
    note = CaseNote.objects.select_for_update().get(pk=note.pk)
    if note.author_id != actor.pk:
        raise ValidationError("Only the author may edit a note.")
    body = body.strip()
    if body == note.body:
        return note
    CaseNoteRevision.objects.create(note=note, body=note.body, edited_by=actor)
    note.body = body
    note.full_clean()
    note.save(update_fields=["body", "updated_at"])
    return note


# --- Case pack ------------------------------------------------------------------------------


@records_actor
@transaction.atomic
def case_pack_circulate(*, case, actor, circulated_at=None):
    """Mark the case pack circulated and tell each panel member of the audit by e-mail, once per case
    and circulation date. The e-mail names the case by pseudonym only and links to the review page."""
    case = Case.objects.select_for_update().select_related("audit").get(pk=case.pk)
    circulated_at = circulated_at or timezone.now()
    case.pack_circulated_at = circulated_at
    case.save(update_fields=["pack_circulated_at", "updated_at"])
    link = absolute_url("reviews:case_review", case_pk=case.pk)
    day = timezone.localdate(circulated_at).isoformat()
    sent = 0
    for membership in case.audit.panel_memberships.select_related("user").filter(user__is_active=True):
        member = membership.user
        _, created = notification_queue(
            key=f"case_pack:{case.pk}:circulated:{day}:{member.pk}",
            kind="case_pack_circulated",
            to=member.email,
            recipient=member,
            subject=f"Case pack circulated: {case.pseudonym}",
            template="reviews/email/case_pack_circulated",
            context={"case": case, "audit": case.audit, "link": link, "circulated_at": circulated_at},
            about=case,
        )
        sent += created
    return case, sent


@transaction.atomic
def case_review_mark(*, case, actor):
    """A panel member of the case's audit marks the circulated case read: it leaves their list of
    cases waiting for review until the pack is circulated again. Only once circulated."""
    case = Case.objects.select_related("audit").get(pk=case.pk)
    if not case.audit.panel_memberships.filter(user=actor).exists():
        raise ValidationError("Only a member of the audit's panel marks a case reviewed.")
    if case.pack_circulated_at is None:
        raise ValidationError("The case pack has not been circulated yet.")
    mark, _ = CaseReviewMark.objects.update_or_create(
        case=case, reviewer=actor, defaults={"reviewed_at": timezone.now()}
    )
    return mark


# --- Meetings -------------------------------------------------------------------------------


def _check_meeting_case(case):
    if case.method != Case.Method.MEETING:
        raise ValidationError("Reflective practice meetings are for cases whose audit method is a meeting.")


def _check_panel(case, panel_attending):
    allowed = set(case.audit.panel_memberships.values_list("user_id", flat=True))
    if any(u.pk not in allowed for u in panel_attending):
        raise ValidationError(
            {"panel_attending": "Only members of this audit's panel can attend for the panel."}
        )


@transaction.atomic
def meeting_schedule(*, case, actor, starts_at, ends_at, venue, terms_of_reference, panel_attending=()):
    """Schedule a reflective practice meeting for a meeting-method case."""
    _check_meeting_case(case)
    _check_panel(case, panel_attending)
    meeting = ReflectivePracticeMeeting(
        case=case,
        starts_at=starts_at,
        ends_at=ends_at,
        venue=venue,
        terms_of_reference=terms_of_reference,
        created_by=actor,
    )
    _validate_times(meeting)
    meeting.full_clean()
    meeting.save()
    meeting.panel_attending.set(panel_attending)
    return meeting


def _changed(old, new):
    """Times are entered to the minute, so a form saved again without a change is not a reschedule."""
    if isinstance(old, datetime.datetime) and isinstance(new, datetime.datetime):
        return old.replace(second=0, microsecond=0) != new.replace(second=0, microsecond=0)
    return old != new


# Changing any of these moves the event in invitees' calendars: the invitations go out again.
RESCHEDULE_FIELDS = ("starts_at", "ends_at", "venue")


@transaction.atomic
def meeting_update(*, meeting, actor, panel_attending=None, **fields):
    """Save the meeting. A new time or place is a reschedule: the calendar event's SEQUENCE is
    raised and every invitation already sent goes again with the new details and a calendar update
    (same UID), so calendars move the event; after a change of time each invitee is asked again
    whether they can come. `meeting.resent` lists the invitations re-sent."""
    before = ReflectivePracticeMeeting.objects.select_for_update().get(pk=meeting.pk)
    for name, value in fields.items():
        setattr(meeting, name, value)
    meeting.updated_by = actor
    _validate_times(meeting)
    moved = [name for name in RESCHEDULE_FIELDS if _changed(getattr(before, name), getattr(meeting, name))]
    if moved:
        meeting.sequence = before.sequence + 1
    meeting.full_clean()
    meeting.save()
    if panel_attending is not None:
        _check_panel(meeting.case, panel_attending)
        meeting.panel_attending.set(panel_attending)
    meeting.resent = []
    now = timezone.now()
    if moved and meeting.status == ReflectivePracticeMeeting.Status.SCHEDULED and meeting.starts_at > now:
        time_moved = "starts_at" in moved or "ends_at" in moved
        for invitation in meeting.invitations.filter(sent_at__isnull=False).select_related("agency"):
            if time_moved and invitation.response != Invitation.Response.PENDING:
                invitation.response = Invitation.Response.PENDING
                invitation.response_reason = ""
                invitation.responded_at = None
                invitation.save(update_fields=["response", "response_reason", "responded_at", "updated_at"])
            if _send_one(invitation, meeting=meeting, now=now, actor=actor, rescheduled=True):
                meeting.resent.append(invitation)
    return meeting


def _validate_times(meeting):
    if meeting.ends_at and meeting.starts_at and meeting.ends_at <= meeting.starts_at:
        raise ValidationError({"ends_at": "The meeting must end after it starts."})


# --- Invitations ----------------------------------------------------------------------------


@transaction.atomic
def invitation_add(*, meeting, actor, agency, name, role, email):
    """Invite a practitioner from one of the case's agencies."""
    if meeting.status != ReflectivePracticeMeeting.Status.SCHEDULED:
        raise ValidationError("Invitations can only be added to a scheduled meeting.")
    if not meeting.case.agencies.filter(pk=agency.pk).exists():
        raise ValidationError({"agency": "Choose one of the agencies known to have worked with the child."})
    email = email.strip().lower()
    if meeting.invitations.filter(email=email).exists():
        raise ValidationError({"email": "This person is already invited to the meeting."})
    invitation = Invitation(
        meeting=meeting, agency=agency, name=name.strip(), role=role.strip(), email=email, added_by=actor
    )
    invitation.full_clean()
    invitation.save()
    return invitation


def _send_one(invitation, *, meeting, now, actor, rescheduled=False):
    """Queue one invitation (or its update after a reschedule); mark it sent unless the leak guard
    withheld it (then it stays unsent, to go once the text is fixed). True when it went."""
    notification, _ = invitation_mail.queue_invitation(
        invitation=invitation, meeting=meeting, rescheduled=rescheduled
    )
    if notification.status == notification.Status.WITHHELD:
        if invitation.sent_at is not None:
            invitation.sent_at = None
            invitation.save(update_fields=["sent_at", "updated_at"])
        return False
    invitation.sent_at, invitation.sent_by = now, actor
    invitation.save(update_fields=["sent_at", "sent_by", "updated_at"])
    return True


def _refuse_unless_open(meeting, what):
    if meeting.status != ReflectivePracticeMeeting.Status.SCHEDULED:
        raise ValidationError(f"{what} only while the meeting is scheduled.")
    if meeting.starts_at <= timezone.now():
        raise ValidationError(f"The meeting has already started: {what[0].lower() + what[1:]} no longer.")


@transaction.atomic
def invitations_send(*, meeting, actor):
    """Send every invitation not yet sent: each in the name of the invitee's agency's senior manager
    (named in the e-mail and the Reply-To), with the terms of reference, an .ics calendar invite and a
    personal accept/decline link. A key per invitation, link and meeting version means each goes once.
    One that would carry a term of the case's register is withheld (see notification_queue) and stays
    unsent."""
    meeting = ReflectivePracticeMeeting.objects.select_for_update().select_related("case").get(pk=meeting.pk)
    if meeting.status != ReflectivePracticeMeeting.Status.SCHEDULED:
        raise ValidationError("Invitations can only be sent for a scheduled meeting.")
    now = timezone.now()
    if meeting.starts_at <= now:
        raise ValidationError("The meeting has already started; invitations can no longer be sent.")
    pending = list(meeting.invitations.filter(sent_at__isnull=True).select_related("agency"))
    return [inv for inv in pending if _send_one(inv, meeting=meeting, now=now, actor=actor)]


def _locked_invitation(invitation):
    invitation = (
        Invitation.objects.select_for_update().select_related("meeting__case", "agency").get(pk=invitation.pk)
    )
    return invitation, invitation.meeting


@transaction.atomic
def invitation_update(*, invitation, actor, agency, name, role, email):
    """Correct an invitee (a mistyped address, a wrong name). A new address after the invitation
    went out makes it a new invitation: the old link stops working, the answer is cleared and it
    waits to be sent again, to the right address."""
    invitation, meeting = _locked_invitation(invitation)
    _refuse_unless_open(meeting, "Invitees can be changed")
    if not meeting.case.agencies.filter(pk=agency.pk).exists():
        raise ValidationError({"agency": "Choose one of the agencies known to have worked with the child."})
    email = email.strip().lower()
    if meeting.invitations.filter(email=email).exclude(pk=invitation.pk).exists():
        raise ValidationError({"email": "This person is already invited to the meeting."})
    readdressed = email != invitation.email
    invitation.agency = agency
    invitation.name = name.strip()
    invitation.role = role.strip()
    invitation.email = email
    invitation.updated_by = actor
    if readdressed:
        invitation.link_version += 1
        invitation.sent_at = None
        invitation.response = Invitation.Response.PENDING
        invitation.response_reason = ""
        invitation.responded_at = None
    invitation.full_clean()
    invitation.save()
    return invitation


@transaction.atomic
def invitation_remove(*, invitation, actor):
    """Take an invitee off a scheduled meeting that has not started; their link then says the
    invitation was withdrawn."""
    invitation, meeting = _locked_invitation(invitation)
    _refuse_unless_open(meeting, "Invitees can be removed")
    invitation.delete()
    # The invitation's row is gone: the meeting keeps who last changed its list of invitees.
    meeting.updated_by = actor
    meeting.save(update_fields=["updated_by", "updated_at"])


@transaction.atomic
def invitation_resend(*, invitation, actor):
    """Send one invitation again (lost, or caught by a spam filter) with a new personal link: every
    earlier link stops working. Refused once the meeting has started. True when it went (False when
    the leak guard withheld it)."""
    invitation, meeting = _locked_invitation(invitation)
    _refuse_unless_open(meeting, "Invitations can be re-sent")
    invitation.link_version += 1
    invitation.save(update_fields=["link_version", "updated_at"])
    return _send_one(invitation, meeting=meeting, now=timezone.now(), actor=actor)


class InvitationClosed(Exception):
    """The meeting has started, or is no longer scheduled: answers are no longer taken."""


@transaction.atomic
def invitation_respond(*, invitation, response, reason=""):
    """The invitee accepts or declines (a decline needs a reason). They may change their answer
    until the meeting starts; after that (or once it is held or cancelled) the link only shows it."""
    invitation = Invitation.objects.select_for_update().select_related("meeting").get(pk=invitation.pk)
    meeting = invitation.meeting
    if meeting.status != ReflectivePracticeMeeting.Status.SCHEDULED or meeting.starts_at <= timezone.now():
        raise InvitationClosed(invitation)
    if response not in (Invitation.Response.ACCEPTED, Invitation.Response.DECLINED):
        raise ValidationError({"response": "Choose whether you will attend."})
    reason = reason.strip()
    if response == Invitation.Response.DECLINED and not reason:
        raise ValidationError({"reason": "Please tell us why you cannot attend."})
    invitation.response = response
    invitation.response_reason = reason if response == Invitation.Response.DECLINED else ""
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["response", "response_reason", "responded_at", "updated_at"])
    return invitation


@transaction.atomic
def attendance_record(*, meeting, actor, records):
    """After the meeting the Business Manager records, per invitee, attended / apologies / did not attend
    (with a reason for the last two). The meeting is then marked held.

    records: {invitation_pk: (attendance, reason)}."""
    meeting = ReflectivePracticeMeeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.starts_at > timezone.now():
        raise ValidationError("Attendance can be recorded once the meeting has started.")
    if meeting.status == ReflectivePracticeMeeting.Status.CANCELLED:
        raise ValidationError("The meeting was cancelled.")
    invitations = {i.pk: i for i in meeting.invitations.all()}
    errors = {}
    for pk, (attendance, reason) in records.items():
        if pk not in invitations:
            raise ValidationError("An invitation does not belong to this meeting.")
        if (
            attendance in (Invitation.Attendance.APOLOGIES, Invitation.Attendance.DID_NOT_ATTEND)
            and not (reason or "").strip()
        ):
            errors[pk] = "Give the reason."
    if errors:
        raise ValidationError(errors)
    for pk, (attendance, reason) in records.items():
        invitation = invitations[pk]
        invitation.attendance = attendance
        invitation.attendance_reason = (
            (reason or "").strip() if attendance != Invitation.Attendance.ATTENDED else ""
        )
        invitation.attendance_recorded_by = actor
        invitation.save(
            update_fields=["attendance", "attendance_reason", "attendance_recorded_by", "updated_at"]
        )
    meeting.status = ReflectivePracticeMeeting.Status.HELD
    meeting.updated_by = actor
    meeting.save(update_fields=["status", "updated_by", "updated_at"])
    return meeting


# --- Findings -------------------------------------------------------------------------------


@transaction.atomic
def learning_point_add(*, case, actor, kind, text):
    """Add a learning point at the end of the case's numbered list."""
    Case.objects.select_for_update().filter(pk=case.pk).first()
    position = (case.learning_points.aggregate(n=Max("position"))["n"] or 0) + 1
    point = LearningPoint(case=case, position=position, kind=kind, text=text.strip(), created_by=actor)
    point.full_clean()
    point.save()
    return point


@records_actor
@transaction.atomic
def learning_point_update(*, point, actor, kind, text):
    point.kind = kind
    point.text = text.strip()
    point.full_clean()
    point.save(update_fields=["kind", "text", "updated_at"])
    return point


@records_actor
@transaction.atomic
def learning_point_move(*, point, actor, direction):
    """Swap a learning point with its neighbour above ("up") or below ("down"); the numbering follows."""
    Case.objects.select_for_update().filter(pk=point.case_id).first()
    _renumber(point.case_id)
    point.refresh_from_db()
    siblings = LearningPoint.objects.filter(case_id=point.case_id)
    if direction == "up":
        neighbour = siblings.filter(position__lt=point.position).order_by("-position").first()
    elif direction == "down":
        neighbour = siblings.filter(position__gt=point.position).order_by("position").first()
    else:
        raise ValidationError("Move a learning point up or down.")
    if neighbour is None:
        return point
    point.position, neighbour.position = neighbour.position, point.position
    point.save(update_fields=["position", "updated_at"])
    neighbour.save(update_fields=["position", "updated_at"])
    return point


@records_actor
@transaction.atomic
def learning_point_delete(*, point, actor):
    Case.objects.select_for_update().filter(pk=point.case_id).first()
    case_id = point.case_id
    point.delete()
    _renumber(case_id)


def _renumber(case_id):
    for number, point in enumerate(
        LearningPoint.objects.filter(case_id=case_id).order_by("position", "pk"), 1
    ):
        if point.position != number:
            LearningPoint.objects.filter(pk=point.pk).update(position=number, updated_at=timezone.now())


@transaction.atomic
def assurance_record(*, case, actor, finding, statement, concern=None):
    """The panel's assurance on whether any child was left unsafe or at risk of continued harm. "A child
    was left unsafe" names the immediate safeguarding concern raised about it, or is refused."""
    if concern is not None and concern.case_id != case.pk:
        raise ValidationError({"concern": "Choose a concern raised about this case."})
    if finding == CaseAssurance.Finding.CHILD_UNSAFE and concern is None:
        raise ValidationError(
            {
                "concern": "A child left unsafe must be referred back at once: raise an immediate "
                "safeguarding concern and link it here."
            }
        )
    assurance = CaseAssurance.objects.select_for_update().filter(case=case).first() or CaseAssurance(
        case=case
    )
    assurance.finding = finding
    assurance.concern = concern
    assurance.statement = statement.strip()
    assurance.recorded_by = actor
    assurance.full_clean()
    assurance.save()
    return assurance


@transaction.atomic
def agency_action_add(*, case, actor, owner_agency, description, due_date):
    """A confidential action for one agency. Never published; monitored by the audit group."""
    action = AgencyAction(
        case=case,
        owner_agency=owner_agency,
        description=description.strip(),
        due_date=due_date,
        created_by=actor,
    )
    action.full_clean()
    action.save()
    return action


@records_actor
@transaction.atomic
def agency_action_update(*, action, actor, **fields):
    """The Business Manager or panel changes an action's text, owner, due date or status."""
    for name, value in fields.items():
        setattr(action, name, value)
    action.full_clean()
    action.save()
    return action


@transaction.atomic
def agency_action_respond(*, action, actor, response, completed=False):
    """The owner agency's contributor responds; the status becomes "response received" (or completed)."""
    action = AgencyAction.objects.select_for_update().get(pk=action.pk)
    if actor.agency_id != action.owner_agency_id:
        raise ValidationError("Only the owner agency can respond to this action.")
    if action.status == AgencyAction.Status.CLOSED:
        raise ValidationError("This action is closed.")
    response = response.strip()
    if not response:
        raise ValidationError({"response": "Write your agency's response."})
    action.agency_response = response
    action.responded_at = timezone.now()
    action.responded_by = actor
    action.status = AgencyAction.Status.COMPLETED if completed else AgencyAction.Status.RESPONDED
    action.save(update_fields=["agency_response", "responded_at", "responded_by", "status", "updated_at"])
    return action
