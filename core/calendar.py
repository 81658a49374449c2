"""Calendar files (.ics, RFC 5545): the one builder every e-mailed calendar event goes through.

Built with the ``icalendar`` package, which escapes text and folds long lines at 75 octets as the
RFC requires (a hand-made file that does neither breaks in some calendar programs and lets a venue
with a comma or a new line add properties of its own).

One event per thing that happens: the UID is stable (``event_uid("meeting", 7)`` is the same in the
invitation and in every reminder), so a calendar program updates the event it already has instead
of adding a second one, and SEQUENCE tells it which version is newer (the owner of the event raises
it when the time or place changes).

Times are written as wall-clock times in the project's zone (Europe/London) with a VTIMEZONE that
states the UK's rule (BST from the last Sunday of March, GMT from the last Sunday of October), so a
meeting at 10:00 in July is 10:00 BST in every calendar. DTSTAMP is UTC, as the RFC requires.
"""

import datetime
import zoneinfo
from dataclasses import dataclass, field

from django.conf import settings
from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard, vCalAddress, vText

from .links import site_host

PRODID = "-//PSCB Audit//Calendar//EN"
LONDON = "Europe/London"


@dataclass(frozen=True)
class Person:
    email: str
    name: str = ""


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    summary: str
    sequence: int = 0
    location: str = ""
    description: str = ""
    organiser: Person | None = None
    attendees: tuple = field(default_factory=tuple)


def event_uid(kind, pk):
    """The stable UID of one thing that happens: 'meeting-7@audit.example.org'."""
    return f"{kind}-{pk}@{site_host()}"


def _london_vtimezone():
    """Europe/London as a rule (RRULE), not as a list of dates: valid for every year."""
    tz = Timezone()
    tz.add("tzid", LONDON)
    summer = TimezoneDaylight()
    summer.add("tzname", "BST")
    summer.add("tzoffsetfrom", datetime.timedelta(hours=0))
    summer.add("tzoffsetto", datetime.timedelta(hours=1))
    summer.add("dtstart", datetime.datetime(1970, 3, 29, 1, 0))
    summer.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1SU"})
    winter = TimezoneStandard()
    winter.add("tzname", "GMT")
    winter.add("tzoffsetfrom", datetime.timedelta(hours=1))
    winter.add("tzoffsetto", datetime.timedelta(hours=0))
    winter.add("dtstart", datetime.datetime(1970, 10, 25, 2, 0))
    winter.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1SU"})
    tz.add_component(summer)
    tz.add_component(winter)
    return tz


def _address(person, **params):
    address = vCalAddress(f"mailto:{person.email}")
    if person.name:
        address.params["cn"] = vText(person.name)
    for key, value in params.items():
        address.params[key] = vText(value)
    return address


def calendar_file(event, *, method="REQUEST"):
    """The .ics text of one event (CRLF line ends, folded at 75 octets)."""
    if settings.TIME_ZONE != LONDON:  # the VTIMEZONE below states London's rule only
        raise RuntimeError(f"calendar_file writes {LONDON} times; TIME_ZONE is {settings.TIME_ZONE}.")
    london = zoneinfo.ZoneInfo(LONDON)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    calendar.add_component(_london_vtimezone())
    vevent = Event()
    vevent.add("uid", event.uid)
    vevent.add("sequence", int(event.sequence))
    vevent.add("dtstamp", datetime.datetime.now(datetime.UTC).replace(microsecond=0))
    vevent.add("dtstart", event.starts_at.astimezone(london).replace(microsecond=0))
    vevent.add("dtend", event.ends_at.astimezone(london).replace(microsecond=0))
    vevent.add("summary", event.summary)
    if event.location:
        vevent.add("location", event.location)
    if event.description:
        vevent.add("description", event.description)
    if event.organiser is not None:
        vevent["organizer"] = _address(event.organiser)
    for attendee in event.attendees:
        vevent.add("attendee", _address(attendee, role="REQ-PARTICIPANT", rsvp="TRUE"), encode=0)
    calendar.add_component(vevent)
    return calendar.to_ical().decode()
