"""Invitation e-mails: the personal accept/decline link (a signed, expiring token) and the .ics invite.

The link carries only the invitation's id, signed with the project's secret and a salt of its own, and
stamped with the time it was made: a changed token fails the signature, an old one fails max_age.
"""

import datetime

from django.conf import settings
from django.core import signing
from django.urls import reverse
from icalendar import Calendar, Event, vCalAddress, vText

from cases.registers import case_terms
from notifications.services import notification_queue

TOKEN_SALT = "reviews.invitation.respond"


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


def invitation_pk_from_token(token):
    return invitation_ref_from_token(token)[0]


def respond_url(invitation):
    path = reverse("reviews:invitation_respond", kwargs={"token": invitation_token(invitation)})
    return settings.SITE_URL.rstrip("/") + path


def meeting_ics(*, meeting, invitation):
    """An iCalendar REQUEST for the meeting, organised by the invitee's agency's senior manager."""
    agency = invitation.agency
    calendar = Calendar()
    calendar.add("prodid", "-//PSCB Audit//Reflective practice meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "REQUEST")
    event = Event()
    event.add("uid", f"meeting-{meeting.pk}-invitation-{invitation.pk}@pscb-audit")
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", datetime.datetime.now(datetime.UTC))
    event.add("dtstart", meeting.starts_at.astimezone(datetime.UTC))
    ends_at = meeting.ends_at or meeting.starts_at + datetime.timedelta(hours=2)
    event.add("dtend", ends_at.astimezone(datetime.UTC))
    event.add("summary", f"Reflective practice meeting: {meeting.case.pseudonym}")
    event.add("location", vText(meeting.venue))
    event.add("description", f"Terms of reference:\n\n{meeting.terms_of_reference}")
    organizer = vCalAddress(f"mailto:{agency.senior_manager_email}")
    organizer.params["cn"] = vText(agency.senior_manager_name)
    event["organizer"] = organizer
    attendee = vCalAddress(f"mailto:{invitation.email}")
    attendee.params["cn"] = vText(invitation.name)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["rsvp"] = vText("TRUE")
    event.add("attendee", attendee, encode=0)
    calendar.add_component(event)
    return calendar.to_ical().decode()


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
                "content": meeting_ics(meeting=meeting, invitation=invitation),
                "mimetype": "text/calendar",
            }
        ],
        withhold=case_terms(meeting.case),
    )
