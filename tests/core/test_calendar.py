"""core.calendar: the one .ics builder. RFC 5545 folding and escaping, one stable UID per meeting
with its SEQUENCE, and Europe/London wall-clock times in summer and in winter."""

import datetime
import pathlib
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from core.calendar import CalendarEvent, Person, calendar_file, event_uid
from reviews.invitations import invitation_ics, panel_ics
from tests.factories import InvitationFactory, MeetingFactory, UserFactory

LONDON = ZoneInfo("Europe/London")


def _event(**overrides):
    values = {
        "uid": "meeting-7@audit.example.org",
        "starts_at": datetime.datetime(2027, 7, 1, 10, 0, tzinfo=LONDON),
        "ends_at": datetime.datetime(2027, 7, 1, 12, 0, tzinfo=LONDON),
        "summary": "Reflective practice meeting: Case One",
        "location": "Civic Offices, Room 4",
        "organiser": Person("pat.senior@riverton.example", "Pat Senior"),
        "attendees": (Person("robin@riverton.example", "Robin Ash"),),
    }
    return CalendarEvent(**{**values, **overrides})


def _parse(text):
    calendar = Calendar.from_ical(text)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def test_long_lines_are_folded_at_75_octets_and_read_back_whole():
    venue = "The Riverside Family Centre, Meeting Room Two (ground floor), " * 4 + "Ünïcödé café"
    description = "Terms of reference:\n\n" + "Hear from each practitioner in turn, without blame. " * 6
    text = calendar_file(_event(location=venue, description=description))
    lines = text.split("\r\n")
    assert lines[-1] == ""  # every line, the last one too, ends in CRLF
    assert all(len(line.encode("utf-8")) <= 75 for line in lines)
    assert any(line.startswith(" ") for line in lines)  # something was folded
    _, event = _parse(text)
    assert str(event["location"]) == venue
    assert str(event["description"]) == description


def test_text_cannot_add_properties_of_its_own():
    venue = "Room 4\r\nATTENDEE:mailto:evil@example.com;x=1,y"
    _, event = _parse(calendar_file(_event(location=venue)))
    assert str(event["location"]).replace("\r\n", "\n") == venue.replace("\r\n", "\n")
    assert str(event["attendee"]) == "mailto:robin@riverton.example"


@pytest.mark.parametrize(
    ("moment", "wall_clock", "utc_hour"),
    [
        (datetime.datetime(2027, 7, 1, 9, 0, tzinfo=datetime.UTC), "20270701T100000", 9),  # BST
        (datetime.datetime(2027, 1, 12, 10, 0, tzinfo=datetime.UTC), "20270112T100000", 10),  # GMT
        (datetime.datetime(2027, 3, 28, 1, 30, tzinfo=datetime.UTC), "20270328T023000", 1),  # first BST hour
        (datetime.datetime(2027, 10, 31, 0, 30, tzinfo=datetime.UTC), "20271031T013000", 0),  # last BST hour
    ],
)
def test_times_are_london_wall_clock_with_the_uk_rule(moment, wall_clock, utc_hour):
    text = calendar_file(_event(starts_at=moment, ends_at=moment + datetime.timedelta(hours=1)))
    assert f"DTSTART;TZID=Europe/London:{wall_clock}" in text
    calendar, event = _parse(text)
    (tz,) = calendar.walk("VTIMEZONE")
    assert str(tz["tzid"]) == "Europe/London"
    # The VTIMEZONE's own rule (not the machine's zone database) puts the event at the same instant.
    # (Compared in UTC: Python never calls an instant in the hour that repeats in October equal to one
    # in another zone. RFC 5545 and Python both read that hour's wall-clock time as its first, BST.)
    start = event.decoded("dtstart")
    assert start.astimezone(datetime.UTC) == moment
    wall = start.replace(tzinfo=None)
    assert wall.replace(tzinfo=tz.to_tz()).astimezone(datetime.UTC).hour == utc_hour
    stamp = event.decoded("dtstamp")
    assert stamp.utcoffset() == datetime.timedelta(0)


def test_sequence_and_method_are_written():
    calendar, event = _parse(calendar_file(_event(sequence=3), method="REQUEST"))
    assert event["sequence"] == 3
    assert str(calendar["method"]) == "REQUEST"
    assert str(event["organizer"]) == "mailto:pat.senior@riverton.example"
    assert event["organizer"].params["CN"] == "Pat Senior"


@pytest.mark.django_db
def test_one_meeting_is_one_event_for_practitioners_and_panel(settings):
    settings.SITE_URL = "https://audit.example.org:8443/"
    invitation = InvitationFactory()
    meeting = invitation.meeting
    member = UserFactory(full_name="Morgan Reed", email="morgan@pscb.example")
    chair = UserFactory(full_name="Sam Chair", email="sam@pscb.example")
    practitioner = _parse(invitation_ics(invitation, meeting=meeting))[1]
    panel = _parse(panel_ics(meeting, [member, chair]))[1]
    assert str(practitioner["uid"]) == str(panel["uid"]) == f"meeting-{meeting.pk}@audit.example.org"
    assert event_uid("meeting", meeting.pk) == f"meeting-{meeting.pk}@audit.example.org"
    assert str(practitioner["organizer"]) == f"mailto:{invitation.agency.senior_manager_email}"
    assert str(panel["organizer"]) == f"mailto:{meeting.created_by.email}"
    assert [str(a) for a in panel["attendee"]] == ["mailto:morgan@pscb.example", "mailto:sam@pscb.example"]
    assert str(practitioner["attendee"]) == f"mailto:{invitation.email}"
    # Moving the meeting raises its sequence: the new file supersedes the one the calendar holds.
    meeting.sequence += 1
    meeting.starts_at += datetime.timedelta(days=1)
    meeting.save()
    moved = _parse(invitation_ics(invitation, meeting=meeting))[1]
    assert str(moved["uid"]) == str(practitioner["uid"])
    assert moved["sequence"] == practitioner["sequence"] + 1 == 1


@pytest.mark.django_db
def test_a_meeting_without_an_end_is_two_hours_long():
    meeting = MeetingFactory(ends_at=None)
    event = _parse(panel_ics(meeting, [meeting.created_by]))[1]
    assert event.decoded("dtend") - event.decoded("dtstart") == datetime.timedelta(hours=2)


def _app_sources():
    root = pathlib.Path(__file__).resolve().parents[2]
    for top in sorted(root.iterdir()):
        if not top.is_dir() or top.is_symlink() or top.name.startswith(".") or top.name in {"tests", "bench"}:
            continue
        for path in top.rglob("*.py"):
            yield path.relative_to(root), path.read_text(encoding="utf-8")


def test_no_other_module_builds_a_calendar_file_or_a_roman_numeral():
    calendars = [str(p) for p, text in _app_sources() if "icalendar" in text or "VCALENDAR" in text]
    numerals = [str(p) for p, text in _app_sources() if "def roman" in text]
    assert calendars == ["core/calendar.py"]
    assert sorted(numerals) == ["core/numerals.py", "core/templatetags/core_tags.py"]  # the filter calls it
