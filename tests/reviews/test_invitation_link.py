"""The invitee's personal accept/decline link: no login, works once, fails cleanly when expired or
tampered with."""

import datetime
import json

import pytest
import time_machine
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone

from reviews.invitations import invitation_token
from tests.factories import InvitationFactory, MeetingFactory
from tests.helpers import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitation(cast):
    meeting = MeetingFactory(
        case=cast.case, created_by=cast.bm, starts_at=timezone.now() + datetime.timedelta(days=40)
    )
    return InvitationFactory(
        meeting=meeting, agency=cast.agency, name="Robin Practitioner", sent_at=timezone.now()
    )


def link(invitation):
    return reverse("reviews:invitation_respond", kwargs={"token": invitation_token(invitation)})


def test_link_in_the_email_opens_without_login(client, cast, django_capture_on_commit_callbacks):
    meeting = MeetingFactory(
        case=cast.case, created_by=cast.bm, starts_at=timezone.now() + datetime.timedelta(days=40)
    )
    InvitationFactory(meeting=meeting, agency=cast.agency, email="robin@riverton.example")
    login(client, cast.bm)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reviews:invitations_send", kwargs={"meeting_pk": meeting.pk}))
    client.logout()
    url = next(word for word in mail.outbox[0].body.split() if "/invitations/respond/" in word)
    path = url.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path)
    assert response.status_code == 200
    assert "Will you attend?" in response.content.decode()


def test_answer_can_be_changed_until_the_meeting_starts(client, invitation):
    response = client.post(link(invitation), {"response": "accepted"})
    assert response.status_code == 200
    assert "you will attend" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.response == "accepted" and invitation.responded_at is not None
    # Plans change: the same link takes a new answer before the meeting.
    html = client.get(link(invitation)).content.decode()
    assert "you will attend" in html and "Change your answer" in html
    response = client.post(link(invitation), {"response": "declined", "reason": "Called to court"})
    assert "you cannot attend" in response.content.decode()
    invitation.refresh_from_db()
    assert (invitation.response, invitation.response_reason) == ("declined", "Called to court")
    # Once the meeting has started the answer is kept and the link changes nothing.
    meeting = invitation.meeting
    meeting.starts_at = timezone.now() - datetime.timedelta(minutes=5)
    meeting.save()
    response = client.post(link(invitation), {"response": "accepted"})
    html = response.content.decode()
    assert "answers are no longer taken" in html and "Change your answer" not in html
    invitation.refresh_from_db()
    assert invitation.response == "declined"


def test_decline_needs_a_reason(client, invitation):
    response = client.post(link(invitation), {"response": "declined", "reason": "  "})
    assert response.status_code == 400
    assert "Please tell us why you cannot attend." in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.response == "pending"
    response = client.post(link(invitation), {"response": "declined", "reason": "On leave that week"})
    assert "you cannot attend" in response.content.decode()
    invitation.refresh_from_db()
    assert (invitation.response, invitation.response_reason) == ("declined", "On leave that week")


def test_tampered_link_fails_cleanly(client, invitation):
    token = invitation_token(invitation)
    other = InvitationFactory(meeting=invitation.meeting, agency=invitation.agency)
    # put another invitation's id in the signed value (keeping the old signature), or damage the signature
    payload, rest = token.split(":", 1)
    forged = signing.b64_encode(json.dumps({"invitation": other.pk}, separators=(",", ":")).encode()).decode()
    forged = f"{forged}:{rest}"
    assert forged != token
    for bad in (forged, token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "garbage", "a:b:c"):
        response = client.get(reverse("reviews:invitation_respond", kwargs={"token": bad}))
        assert response.status_code == 400, bad
        assert "This link is not valid" in response.content.decode()
        response = client.post(
            reverse("reviews:invitation_respond", kwargs={"token": bad}), {"response": "accepted"}
        )
        assert response.status_code == 400
    other.refresh_from_db()
    invitation.refresh_from_db()
    assert other.response == invitation.response == "pending"


def test_expired_link_fails_cleanly(client, invitation, settings):
    settings.INVITATION_LINK_MAX_AGE_DAYS = 30
    url = link(invitation)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=31)):
        response = client.post(url, {"response": "accepted"})
    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.response == "pending"


def test_withdrawn_invitation_link_says_so(client, invitation):
    url = link(invitation)
    invitation.delete()
    response = client.get(url)
    assert response.status_code == 404
    assert "Invitation not found" in response.content.decode()


def test_link_of_a_cancelled_meeting_takes_no_answer(client, invitation):
    invitation.meeting.status = "cancelled"
    invitation.meeting.save()
    response = client.post(link(invitation), {"response": "accepted"})
    assert "cancelled" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.response == "pending"


def test_answer_shows_on_the_meeting_page(client, cast, invitation):
    client.post(link(invitation), {"response": "declined", "reason": "Clinic that morning"})
    login(client, cast.bm)
    html = client.get(
        reverse("reviews:meeting_detail", kwargs={"meeting_pk": invitation.meeting.pk})
    ).content.decode()
    assert "Declined" in html and "Clinic that morning" in html


@time_machine.travel(datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC))
def test_link_still_works_within_its_lifetime(client, invitation):
    url = link(invitation)
    with time_machine.travel(datetime.datetime(2026, 4, 25, 12, 0, tzinfo=datetime.UTC)):
        assert client.get(url).status_code == 200
