"""Meetings that can be corrected: rescheduling sends a calendar update (same UID, higher SEQUENCE);
an invitee can be corrected, removed or sent a new invitation, and the old link then fails cleanly;
attendance waits for the meeting's start; an invitee may change their answer until then."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from reviews.models import Invitation
from tests.factories import InvitationFactory, MeetingFactory
from tests.helpers import login

pytestmark = pytest.mark.django_db


def local_input(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def meeting(cast):
    starts = (timezone.now() + datetime.timedelta(days=40)).replace(second=0, microsecond=0)
    return MeetingFactory(case=cast.case, created_by=cast.bm, starts_at=starts, ends_at=None)


def _send_all(client, meeting, capture):
    with capture(execute=True):
        return client.post(
            reverse("reviews:invitations_send", kwargs={"meeting_pk": meeting.pk}), follow=True
        )


def _event(message):
    ics = next(content for name, content, mimetype in message.attachments if name.endswith(".ics"))
    calendar = Calendar.from_ical(ics)
    return next(c for c in calendar.walk("VEVENT"))


def _link_path(message):
    url = next(word for word in message.body.split() if "/invitations/respond/" in word)
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_rescheduled_meeting_sends_a_calendar_update_with_the_same_uid_and_a_higher_sequence(
    client, cast, meeting, django_capture_on_commit_callbacks
):
    first = InvitationFactory(meeting=meeting, agency=cast.agency, email="robin@riverton.example")
    second = InvitationFactory(meeting=meeting, agency=cast.other_agency, email="sam@police.example")
    login(client, cast.bm)
    _send_all(client, meeting, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2
    before = {m.to[0]: _event(m) for m in mail.outbox}
    Invitation.objects.filter(pk=first.pk).update(response="accepted", responded_at=timezone.now())
    mail.outbox.clear()

    new_start = meeting.starts_at + datetime.timedelta(days=7, hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reviews:meeting_edit", kwargs={"meeting_pk": meeting.pk}),
            {
                "starts_at": local_input(new_start),
                "venue": meeting.venue,
                "terms_of_reference": meeting.terms_of_reference,
                "status": "scheduled",
            },
            follow=True,
        )
    assert [str(m) for m in response.context["messages"]] == [
        "Meeting moved. 2 invitations sent again with the new details and a calendar update that moves the event."
    ]
    # Everyone invited is sent the new time, as an update of the event their calendar already holds.
    assert sorted(m.to[0] for m in mail.outbox) == ["robin@riverton.example", "sam@police.example"]
    for message in mail.outbox:
        old, new = before[message.to[0]], _event(message)
        assert str(new["UID"]) == str(old["UID"])
        assert int(new["SEQUENCE"]) > int(old.get("SEQUENCE", 0))
        assert new.decoded("DTSTART") == new_start
        assert "has moved" in message.body
    # After a change of time, each invitee is asked again.
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.response == second.response == "pending"


def test_saving_a_meeting_unchanged_sends_nothing(client, cast, meeting, django_capture_on_commit_callbacks):
    InvitationFactory(meeting=meeting, agency=cast.agency)
    login(client, cast.bm)
    _send_all(client, meeting, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("reviews:meeting_edit", kwargs={"meeting_pk": meeting.pk}),
            {
                "starts_at": local_input(meeting.starts_at),
                "venue": meeting.venue,
                "terms_of_reference": "Reworded terms.",
                "status": "scheduled",
            },
        )
    assert mail.outbox == []
    meeting.refresh_from_db()
    assert meeting.sequence == 0


def test_resent_invitation_gets_a_new_link_and_the_old_one_fails_cleanly(
    client, cast, meeting, django_capture_on_commit_callbacks
):
    invitation = InvitationFactory(meeting=meeting, agency=cast.agency, email="robin@riverton.example")
    login(client, cast.bm)
    _send_all(client, meeting, django_capture_on_commit_callbacks)
    old_link = _link_path(mail.outbox[0])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse(
                "reviews:invitation_resend", kwargs={"meeting_pk": meeting.pk, "invitation_pk": invitation.pk}
            ),
            follow=True,
        )
    assert "the earlier link no longer works" in response.content.decode()
    assert len(mail.outbox) == 2
    new_link = _link_path(mail.outbox[1])
    assert new_link != old_link
    client.logout()
    response = client.get(old_link)
    assert response.status_code == 410
    assert "This link has been replaced" in response.content.decode()
    assert client.post(old_link, {"response": "accepted"}).status_code == 410
    invitation.refresh_from_db()
    assert invitation.response == "pending"
    response = client.get(new_link)
    assert response.status_code == 200 and "Will you attend?" in response.content.decode()


def test_corrected_address_is_sent_a_new_invitation_and_the_old_link_stops(
    client, cast, meeting, django_capture_on_commit_callbacks
):
    invitation = InvitationFactory(
        meeting=meeting, agency=cast.agency, name="Robin Practitioner", email="robin@rivertn.example"
    )
    login(client, cast.bm)
    _send_all(client, meeting, django_capture_on_commit_callbacks)
    old_link = _link_path(mail.outbox[0])
    url = reverse(
        "reviews:invitation_edit", kwargs={"meeting_pk": meeting.pk, "invitation_pk": invitation.pk}
    )
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "name": "Robin Practitioner",
            "role": "Social worker",
            "agency": cast.agency.pk,
            "email": "robin@riverton.example",
        },
        follow=True,
    )
    assert "Send the invitation to the new address" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.email == "robin@riverton.example" and invitation.sent_at is None
    _send_all(client, meeting, django_capture_on_commit_callbacks)
    assert mail.outbox[-1].to == ["robin@riverton.example"]
    client.logout()
    assert client.get(old_link).status_code == 410
    assert client.get(_link_path(mail.outbox[-1])).status_code == 200


def test_corrected_address_must_stay_unique_and_agency_of_the_case(client, cast, meeting):
    from tests.factories import AgencyFactory

    a = InvitationFactory(meeting=meeting, agency=cast.agency, email="a@riverton.example")
    InvitationFactory(meeting=meeting, agency=cast.agency, email="b@riverton.example")
    login(client, cast.bm)
    url = reverse("reviews:invitation_edit", kwargs={"meeting_pk": meeting.pk, "invitation_pk": a.pk})
    data = {"name": "A", "role": "Nurse", "agency": cast.agency.pk, "email": "B@riverton.example"}
    response = client.post(url, data)
    assert response.status_code == 400 and "already invited" in response.content.decode()
    stranger = AgencyFactory(name="Unrelated Agency")
    response = client.post(url, {**data, "email": "c@riverton.example", "agency": stranger.pk})
    assert response.status_code == 400
    a.refresh_from_db()
    assert a.email == "a@riverton.example"


def test_removed_invitee_link_says_withdrawn(client, cast, meeting, django_capture_on_commit_callbacks):
    invitation = InvitationFactory(meeting=meeting, agency=cast.agency, name="Robin Practitioner")
    login(client, cast.bm)
    _send_all(client, meeting, django_capture_on_commit_callbacks)
    link = _link_path(mail.outbox[0])
    url = reverse(
        "reviews:invitation_remove", kwargs={"meeting_pk": meeting.pk, "invitation_pk": invitation.pk}
    )
    page = client.get(url).content.decode()
    assert "Remove Robin Practitioner from the meeting?" in page
    assert Invitation.objects.filter(pk=invitation.pk).exists()  # a GET only asks
    response = client.post(url, follow=True)
    assert "Robin Practitioner removed from the meeting." in response.content.decode()
    assert not Invitation.objects.filter(pk=invitation.pk).exists()
    client.logout()
    response = client.get(link)
    assert response.status_code == 404 and "withdrawn" in response.content.decode()


def test_invitees_cannot_be_changed_once_the_meeting_has_started(client, cast):
    meeting = MeetingFactory(
        case=cast.case, created_by=cast.bm, starts_at=timezone.now() - datetime.timedelta(minutes=10)
    )
    invitation = InvitationFactory(meeting=meeting, agency=cast.agency, sent_at=timezone.now())
    login(client, cast.bm)
    page = client.get(reverse("reviews:meeting_detail", kwargs={"meeting_pk": meeting.pk})).content.decode()
    assert "Send again" not in page and ">Change<" not in page
    kwargs = {"meeting_pk": meeting.pk, "invitation_pk": invitation.pk}
    client.post(reverse("reviews:invitation_remove", kwargs=kwargs))
    client.post(reverse("reviews:invitation_resend", kwargs=kwargs))
    invitation.refresh_from_db()
    assert invitation.link_version == 1


def test_attendance_is_recorded_from_the_meeting_start(client, cast):
    meeting = MeetingFactory(
        case=cast.case, created_by=cast.bm, starts_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    invitation = InvitationFactory(meeting=meeting, agency=cast.agency, sent_at=timezone.now())
    login(client, cast.bm)
    page = client.get(reverse("reviews:meeting_detail", kwargs={"meeting_pk": meeting.pk})).content.decode()
    assert "Save attendance" in page
    response = client.post(
        reverse("reviews:attendance_record", kwargs={"meeting_pk": meeting.pk}),
        {f"attendance_{invitation.pk}": "attended"},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == "held"


def test_another_audits_panel_member_cannot_touch_invitations(client, cast, meeting):
    invitation = InvitationFactory(meeting=meeting, agency=cast.agency)
    kwargs = {"meeting_pk": meeting.pk, "invitation_pk": invitation.pk}
    for user in (cast.panel, cast.panel_other, cast.contributor):
        login(client, user)
        assert client.get(reverse("reviews:invitation_edit", kwargs=kwargs)).status_code in (403, 404)
        assert client.post(reverse("reviews:invitation_remove", kwargs=kwargs)).status_code in (403, 404)
        assert client.post(reverse("reviews:invitation_resend", kwargs=kwargs)).status_code in (403, 404)
    assert Invitation.objects.filter(pk=invitation.pk, link_version=1).exists()
