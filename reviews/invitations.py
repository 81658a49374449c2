"""Invitation e-mails: the personal accept/decline link (a signed, expiring token) and the .ics invite.

The link carries only the invitation's id, signed with the project's secret and a salt of its own, and
stamped with the time it was made: a changed token fails the signature, an old one fails max_age.
"""

import datetime

from django.conf import settings
from django.core import signing

from cases.registers import case_terms
from core.calendar import CalendarEvent, Person, calendar_file, event_uid
from core.links import absolute_url
from notifications.services import notification_queue

TOKEN_SALT = "reviews.invitation.respond"
# A meeting saved without an end time is shown in calendars as two hours long.
DEFAULT_MEETING_LENGTH = datetime.timedelta(hours=2)


class TokenExpired(Exception):
    pass


class TokenInvalid(Exception):
    pass


def invitation_token(invitation):
    return signing.dumps(
        {"invitation": invitation.pk, "v": invitation.link_version}, salt=TOKEN_SALT, compress=False
    )


def invitation_ref_from_token(token):
    """(invitation id, link version) in a token; TokenExpired when older than the policy, TokenInvalid
    when altered. Links made before versions were numbered are version 1."""
    max_age = datetime.timedelta(days=settings.INVITATION_LINK_MAX_AGE_DAYS)
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise TokenExpired from exc
    except (signing.BadSignature, ValueError, UnicodeDecodeError) as exc:
        raise TokenInvalid from exc
    if not isinstance(data, dict) or not isinstance(data.get("invitation"), int):
        raise TokenInvalid
    version = data.get("v", 1)
    if not isinstance(version, int):
        raise TokenInvalid
    return data["invitation"], version


def respond_url(invitation):
    return absolute_url("reviews:invitation_respond", token=invitation_token(invitation))


def meeting_ics(meeting, *, attendees, organiser):
    """The meeting as a calendar file for its attendees (core.calendar.Person). The same event
    (UID meeting-<pk>, the meeting's sequence) whichever e-mail carries it: the invitation, a
    reminder to a practitioner or the reminder to the panel members attending."""
    ends_at = meeting.ends_at or meeting.starts_at + DEFAULT_MEETING_LENGTH
    event = CalendarEvent(
        uid=event_uid("meeting", meeting.pk),
        sequence=meeting.sequence,
        starts_at=meeting.starts_at,
        ends_at=ends_at,
        summary=f"Reflective practice meeting: {meeting.case.pseudonym}",
        location=meeting.venue,
        description=f"Terms of reference:\n\n{meeting.terms_of_reference}",
        organiser=organiser,
        attendees=tuple(attendees),
    )
    return calendar_file(event)


def invitation_ics(invitation, *, meeting):
    """For a practitioner: organised by their agency's senior manager, in whose name they were asked."""
    agency = invitation.agency
    return meeting_ics(
        meeting,
        attendees=[Person(invitation.email, invitation.name)],
        organiser=Person(agency.senior_manager_email, agency.senior_manager_name),
    )


def panel_ics(meeting, users):
    """For the panel members attending (one file for all of them): organised by the Business Manager
    who arranged the meeting."""
    return meeting_ics(
        meeting,
        attendees=[Person(user.email, user.full_name) for user in users],
        organiser=Person(meeting.created_by.email, meeting.created_by.full_name),
    )


def invitation_key(invitation, meeting):
    """Once per invitation, meeting time, meeting version (SEQUENCE) and personal link: a re-sent
    invitation or a rescheduled meeting is a new e-mail; a retried task is not."""
    key = f"invitation:{invitation.pk}:invite:{meeting.starts_at.astimezone(datetime.UTC):%Y%m%dT%H%M}"
    if meeting.sequence:
        key += f":s{meeting.sequence}"
    if invitation.link_version > 1:
        key += f":v{invitation.link_version}"
    return key


def queue_invitation(*, invitation, meeting, rescheduled=False):
    """Queue one invitation e-mail (or, after a reschedule, its update with the new time). Withheld
    whole, and the Business Manager told, if its text, HTML or .ics would carry a term of the case's
    register."""
    agency = invitation.agency
    context = {
        "invitation": invitation,
        "meeting": meeting,
        "case": meeting.case,
        "agency": agency,
        "link": respond_url(invitation),
        "lead_days": settings.MEETING_INVITATION_LEAD_DAYS,
        "rescheduled": rescheduled,
    }
    what = "meeting moved" if rescheduled else "reflective practice meeting"
    return notification_queue(
        key=invitation_key(invitation, meeting),
        kind="meeting_invitation",
        to=invitation.email,
        reply_to=agency.senior_manager_email,
        subject=f"Invitation from {agency.senior_manager_name}: {what} ({meeting.case.pseudonym})",
        template="reviews/email/meeting_invitation",
        context=context,
        about=invitation,
        attachments=[
            {
                "filename": "reflective-practice-meeting.ics",
                "content": invitation_ics(invitation, meeting=meeting),
                "mimetype": "text/calendar",
            }
        ],
        withhold=case_terms(meeting.case),
    )
