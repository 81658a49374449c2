"""Reflective practice meetings: scheduling, the lead-time warning, invitations from the agency's senior
manager with a calendar invite, attendance and the rates per agency."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from reviews.forms import DEFAULT_TERMS_OF_REFERENCE
from reviews.models import Invitation, ReflectivePracticeMeeting
from tests.factories import InvitationFactory, MeetingFactory
from tests.helpers import login

pytestmark = pytest.mark.django_db


def meeting_url(meeting):
    return reverse("reviews:meeting_detail", kwargs={"meeting_pk": meeting.pk})


def local_input(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def schedule(client, cast, *, days_ahead, confirm=False):
    starts = (timezone.now() + datetime.timedelta(days=days_ahead)).replace(second=0, microsecond=0)
    data = {
        "starts_at": local_input(starts),
        "ends_at": local_input(starts + datetime.timedelta(hours=2)),
        "venue": "Riverton Civic Offices, Room 4",
        "panel_attending": [cast.panel.pk],
        "terms_of_reference": "To hear from the practitioners who worked with the child.",
    }
    if confirm:
        data["confirm_inside_lead_time"] = "on"
    return client.post(reverse("reviews:meeting_create", kwargs={"case_pk": cast.case.pk}), data, follow=True)


def test_schedule_form_offers_the_default_terms_of_reference(client, cast):
    login(client, cast.bm)
    html = client.get(reverse("reviews:meeting_create", kwargs={"case_pk": cast.case.pk})).content.decode()
    assert "Talk through what went well, what made the work hard" in DEFAULT_TERMS_OF_REFERENCE
    assert "Talk through what went well, what made the work hard" in html


def test_meeting_scheduled_well_ahead_has_no_warning(client, cast):
    login(client, cast.bm)
    response = schedule(client, cast, days_ahead=40)
    html = response.content.decode()
    assert "Meeting scheduled." in html
    assert "lead time" not in html.split("<main")[1].split("Invitations")[0].lower()
    meeting = ReflectivePracticeMeeting.objects.get()
    assert list(meeting.panel_attending.all()) == [cast.panel]
    assert (
        timezone.localtime(meeting.starts_at).hour
        == timezone.localtime(timezone.now() + datetime.timedelta(days=40)).hour
    )


def test_meeting_inside_the_lead_time_is_confirmed_before_it_is_saved(client, cast):
    login(client, cast.bm)
    response = schedule(client, cast, days_ahead=10)
    html = response.content.decode()
    # The confirmation step: warned before anything is saved, the typed input kept.
    assert response.status_code == 400
    assert "less than 28 days away" in html and "Schedule it anyway" in html
    assert "Riverton Civic Offices, Room 4" in html
    assert not ReflectivePracticeMeeting.objects.exists()
    html = schedule(client, cast, days_ahead=10, confirm=True).content.decode()
    assert ReflectivePracticeMeeting.objects.count() == 1
    assert "Inside the 28-day lead time" in html


def test_form_carries_the_live_lead_time_warning(client, cast):
    """The warning is on the form, hidden until a date inside the lead time is chosen (lead-time.js)."""
    login(client, cast.bm)
    html = client.get(reverse("reviews:meeting_create", kwargs={"case_pk": cast.case.pk})).content.decode()
    assert 'id="lead-time-live"' in html and 'data-lead-days="28"' in html
    assert "js/lead-time.js" in html
    assert "<script>" not in html  # no inline script (CSP)


def test_editing_other_fields_of_a_meeting_already_inside_the_lead_time_needs_no_confirmation(client, cast):
    meeting = MeetingFactory(
        case=cast.case, created_by=cast.bm, starts_at=timezone.now() + datetime.timedelta(days=5)
    )
    login(client, cast.bm)
    response = client.post(
        reverse("reviews:meeting_edit", kwargs={"meeting_pk": meeting.pk}),
        {
            "starts_at": local_input(meeting.starts_at),
            "venue": meeting.venue,
            "terms_of_reference": "New terms.",
            "status": "scheduled",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    meeting.refresh_from_db()
    assert meeting.terms_of_reference == "New terms."


def test_lead_time_follows_the_setting(client, cast, settings):
    settings.MEETING_INVITATION_LEAD_DAYS = 7
    login(client, cast.bm)
    html = schedule(client, cast, days_ahead=10).content.decode()
    assert "Inside the 7-day lead time." not in html


def test_a_paper_audit_case_gets_no_meeting(client, cast):
    cast.case.method = "paper"
    cast.case.save()
    login(client, cast.bm)
    response = schedule(client, cast, days_ahead=40)
    assert "for cases whose audit method is a meeting" in response.content.decode()
    assert not ReflectivePracticeMeeting.objects.exists()


def test_meeting_must_end_after_it_starts_and_form_keeps_input(client, cast):
    login(client, cast.bm)
    starts = timezone.now() + datetime.timedelta(days=40)
    response = client.post(
        reverse("reviews:meeting_create", kwargs={"case_pk": cast.case.pk}),
        {
            "starts_at": local_input(starts),
            "ends_at": local_input(starts - datetime.timedelta(hours=1)),
            "venue": "Room 9 at the hub",
            "terms_of_reference": "ToR",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "The meeting must end after it starts." in html
    assert "Room 9 at the hub" in html
    assert not ReflectivePracticeMeeting.objects.exists()


def test_panel_reads_the_meeting_but_cannot_change_it(client, cast):
    meeting = MeetingFactory(case=cast.case, created_by=cast.bm)
    login(client, cast.panel)
    assert client.get(meeting_url(meeting)).status_code == 200
    add = reverse("reviews:invitation_add", kwargs={"meeting_pk": meeting.pk})
    assert (
        client.post(
            add, {"name": "X", "role": "Y", "agency": cast.agency.pk, "email": "x@y.example"}
        ).status_code
        == 403
    )
    client.logout()
    login(client, cast.panel_other)
    assert client.get(meeting_url(meeting)).status_code == 404


# --- Invitations ---------------------------------------------------------------------------------


@pytest.fixture
def meeting(cast):
    meeting = MeetingFactory(
        case=cast.case,
        created_by=cast.bm,
        starts_at=timezone.now() + datetime.timedelta(days=40),
        ends_at=timezone.now() + datetime.timedelta(days=40, hours=2),
        venue="Riverton Family Centre",
        terms_of_reference="Purpose: to listen to the practitioners.\nNothing is attributed by name.",
    )
    return meeting


def add_invitee(client, meeting, agency, **overrides):
    data = {
        "name": "Robin Practitioner",
        "role": "Social worker",
        "agency": agency.pk,
        "email": "robin@riverton.example",
    }
    data.update(overrides)
    return client.post(reverse("reviews:invitation_add", kwargs={"meeting_pk": meeting.pk}), data)


def send(client, meeting, capture):
    with capture(execute=True):
        return client.post(
            reverse("reviews:invitations_send", kwargs={"meeting_pk": meeting.pk}), follow=True
        )


def test_invitation_comes_from_the_agency_senior_manager_with_ics_and_terms(
    client, cast, meeting, django_capture_on_commit_callbacks
):
    login(client, cast.bm)
    assert add_invitee(client, meeting, cast.agency).status_code == 302
    response = send(client, meeting, django_capture_on_commit_callbacks)
    assert "1 invitation sent." in response.content.decode()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["robin@riverton.example"]
    assert message.reply_to == ["pat.senior@riverton.example"]
    assert "Pat Senior" in message.subject
    assert "Pat Senior" in message.body and "Riverton Children's Social Care" in message.body
    assert "Nothing is attributed by name." in message.body  # terms of reference
    assert "Riverton Family Centre" in message.body
    assert "/invitations/respond/" in message.body
    assert "Zephyrine" not in message.body  # pseudonym only
    # the calendar invite parses and describes the meeting
    (filename, content, mimetype) = message.attachments[0]
    assert filename.endswith(".ics") and mimetype.startswith("text/calendar")
    calendar = Calendar.from_ical(content)
    event = next(iter(calendar.walk("VEVENT")))
    assert str(event["location"]) == "Riverton Family Centre"
    assert event.decoded("dtstart") == meeting.starts_at.replace(microsecond=0)
    assert "Case One" in str(event["summary"])
    assert "Nothing is attributed by name." in str(event["description"])
    assert str(event["organizer"]) == "mailto:pat.senior@riverton.example"
    assert event["organizer"].params["CN"] == "Pat Senior"
    assert str(calendar["method"]) == "REQUEST"
    invitation = Invitation.objects.get()
    assert invitation.sent_at is not None
    # no lead-time warning when sent 40 days ahead
    assert "lead time" not in response.content.decode().split("<main")[1].split("<dl")[0].lower()


def test_sending_again_sends_nothing_twice(client, cast, meeting, django_capture_on_commit_callbacks):
    login(client, cast.bm)
    add_invitee(client, meeting, cast.agency)
    send(client, meeting, django_capture_on_commit_callbacks)
    response = send(client, meeting, django_capture_on_commit_callbacks)
    assert "Every invitation has already been sent." in response.content.decode()
    assert len(mail.outbox) == 1


def test_invitations_sent_inside_the_lead_time_show_the_warning(
    client, cast, meeting, django_capture_on_commit_callbacks
):
    meeting.starts_at = timezone.now() + datetime.timedelta(days=12)
    meeting.ends_at = None
    meeting.save()
    login(client, cast.bm)
    add_invitee(client, meeting, cast.agency)
    response = send(client, meeting, django_capture_on_commit_callbacks)
    html = response.content.decode()
    # One message, not three near-identical alerts: the page's banner says the rest.
    shown = [str(m) for m in response.context["messages"]]
    assert shown[-1] == "1 invitation sent." and not any("lead time" in m for m in shown)
    assert html.count("lead-time-warning") == 1
    assert "Inside the 28-day lead time" in html and "1 invitation went out after that." in html
    assert "Inside lead time" in html  # flagged on the invitee's row
    # the warning stays on the meeting page for the panel too
    client.logout()
    login(client, cast.panel)
    assert "1 invitation went out after that." in client.get(meeting_url(meeting)).content.decode()


def test_invitee_must_come_from_an_agency_of_the_case_and_not_twice(client, cast, meeting):
    from tests.factories import AgencyFactory

    stranger = AgencyFactory(name="Unrelated Agency")
    login(client, cast.bm)
    response = add_invitee(client, meeting, stranger)
    assert response.status_code == 400
    assert "Robin Practitioner" in response.content.decode()  # the form keeps what was typed
    add_invitee(client, meeting, cast.agency)
    response = add_invitee(client, meeting, cast.other_agency, email="ROBIN@riverton.example")
    assert response.status_code == 400
    assert "already invited" in response.content.decode()
    assert Invitation.objects.count() == 1


# --- Attendance and rates ------------------------------------------------------------------------


@pytest.fixture
def held(cast):
    meeting = MeetingFactory(
        case=cast.case, created_by=cast.bm, starts_at=timezone.now() - datetime.timedelta(days=2)
    )
    sent = timezone.now() - datetime.timedelta(days=30)
    a = InvitationFactory(
        meeting=meeting, agency=cast.agency, name="Ann Attender", sent_at=sent, response="accepted"
    )
    b = InvitationFactory(
        meeting=meeting, agency=cast.agency, name="Ben Apologies", sent_at=sent, response="declined"
    )
    c = InvitationFactory(meeting=meeting, agency=cast.other_agency, name="Cal Absent", sent_at=sent)
    return meeting, a, b, c


def test_business_manager_records_attendance_and_rates_show_per_agency(client, cast, held):
    meeting, a, b, c = held
    login(client, cast.bm)
    url = reverse("reviews:attendance_record", kwargs={"meeting_pk": meeting.pk})
    data = {
        f"attendance_{a.pk}": "attended",
        f"attendance_{b.pk}": "apologies",
        f"reason_{b.pk}": "Annual leave",
        f"attendance_{c.pk}": "did_not_attend",
        f"reason_{c.pk}": "",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Give the reason." in response.content.decode()
    assert Invitation.objects.filter(attendance="unknown").count() == 3  # nothing half-saved
    data[f"reason_{c.pk}"] = "Court hearing the same morning"
    response = client.post(url, data, follow=True)
    html = response.content.decode()
    assert "Attendance recorded" in html
    meeting.refresh_from_db()
    assert meeting.status == "held"
    c.refresh_from_db()
    assert (c.attendance, c.attendance_reason) == ("did_not_attend", "Court hearing the same morning")
    # Riverton CSC: 2 invited and sent, both answered (100%), 1 of 2 attended (50%); Police: 0% and 0%
    rows = html.split('class="govuk-table rates"')[1]
    csc_row = rows.split("Riverton Children&#x27;s Social Care")[1].split("</tr>")[0]
    police_row = rows.split("Riverton Police")[1].split("</tr>")[0]
    assert "100%" in csc_row and "50%" in csc_row
    assert police_row.count("0%") == 2
    # the audit's meetings page shows the same per-agency rates
    audit_html = client.get(
        reverse("cases:audit_meetings", kwargs={"audit_pk": cast.audit.pk})
    ).content.decode()
    audit_rows = audit_html.split('class="govuk-table rates"')[1]
    assert "100%" in audit_rows.split("Riverton Children&#x27;s Social Care")[1].split("</tr>")[0]
    assert "1 attended" in audit_html


def test_attendance_cannot_be_recorded_before_the_meeting(client, cast, meeting):
    inv = InvitationFactory(meeting=meeting, agency=cast.agency)
    login(client, cast.bm)
    url = reverse("reviews:attendance_record", kwargs={"meeting_pk": meeting.pk})
    page = client.get(meeting_url(meeting)).content.decode()
    assert "Save attendance" not in page and "Record attendance" not in page  # the button is hidden
    assert "Attendance can be recorded from the start of the meeting" in page
    response = client.post(url, {f"attendance_{inv.pk}": "attended"})
    assert response.status_code == 400
    assert "once the meeting has started" in response.content.decode()
    inv.refresh_from_db()
    assert inv.attendance == "unknown"
    meeting.refresh_from_db()
    assert meeting.status == "scheduled"


def test_meeting_page_queries_stay_flat_as_invitations_grow(
    client, cast, held, django_assert_max_num_queries
):
    meeting = held[0]
    login(client, cast.bm)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        client.get(meeting_url(meeting))
    for i in range(10):
        InvitationFactory(meeting=meeting, agency=cast.other_agency, sent_at=timezone.now())
    with django_assert_max_num_queries(len(before.captured_queries)):
        assert client.get(meeting_url(meeting)).status_code == 200


def test_audit_meetings_page_lists_meetings_and_leaves_cancelled_ones_out_of_the_rates(client, cast, held):
    meeting, a, b, c = held
    Invitation.objects.filter(pk=a.pk).update(attendance="attended")
    cancelled = MeetingFactory(case=cast.case, created_by=cast.bm, status="cancelled")
    InvitationFactory(meeting=cancelled, agency=cast.agency, sent_at=timezone.now(), response="accepted")
    empty = MeetingFactory(
        case=cast.case, created_by=cast.bm, starts_at=timezone.now() + datetime.timedelta(days=60)
    )
    login(client, cast.panel)
    html = client.get(reverse("cases:audit_meetings", kwargs={"audit_pk": cast.audit.pk})).content.decode()
    assert meeting_url(empty) in html and "0 invited" in html
    assert meeting_url(cancelled) in html and "(cancelled; 1 invited)" in html
    csc_row = html.split('class="govuk-table rates"')[1].split("Riverton Children&#x27;s Social Care")[1]
    cells = [
        cell.split("</td>")[0]
        for cell in csc_row.split("</tr>")[0].split('<td class="govuk-table__cell">')[1:]
    ]
    assert cells[0] == "2"  # invited: the cancelled meeting's invitee is not counted


@pytest.mark.parametrize("url_name", ["cases:audit_detail", "cases:audit_meetings"])
def test_audit_pages_queries_stay_flat_as_meetings_grow(
    client, cast, held, django_assert_max_num_queries, url_name
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, cast.bm)
    url = reverse(url_name, kwargs={"audit_pk": cast.audit.pk})
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for _ in range(5):
        extra = MeetingFactory(case=cast.case, created_by=cast.bm)
        InvitationFactory(meeting=extra, agency=cast.other_agency, sent_at=timezone.now())
    with django_assert_max_num_queries(len(before.captured_queries)):
        assert client.get(url).status_code == 200
