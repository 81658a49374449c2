import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from notifications.reminders import run_daily

LONDON = ZoneInfo("Europe/London")
D = datetime.date(2027, 3, 15)  # a Monday


def day(offset):
    return D + datetime.timedelta(days=offset)


@pytest.fixture
def reminder_settings(settings):
    """Lead times fixed by the test (not by the environment); no digest unless a test asks."""
    settings.REMINDER_RETURN_DAYS_BEFORE = 7
    settings.REMINDER_RETURN_ESCALATE_AFTER_DAYS = 7
    settings.REMINDER_INVITATION_UNANSWERED_DAYS = 7
    settings.REMINDER_MEETING_DAYS_BEFORE = 3
    settings.REMINDER_ACTION_DAYS_BEFORE = 14
    settings.REMINDER_ACTION_ESCALATE_AFTER_DAYS = 14
    settings.REMINDER_RECOMMENDATION_DAYS_BEFORE = 30
    settings.REMINDER_RECOMMENDATION_ESCALATE_AFTER_DAYS = 14
    settings.REMINDER_DIGEST_WEEKDAY = 7  # never
    settings.SITE_URL = "https://audit.example.org"
    return settings


@pytest.fixture
def quiet_cast(cast, reminder_settings):
    """The standing cast with nothing due: each test sets the due dates it is about."""
    far = datetime.date(2035, 1, 1)
    type(cast.agency_return).objects.filter(pk__in=[cast.agency_return.pk, cast.other_return.pk]).update(
        due_date=far
    )
    cast.agency_return.refresh_from_db()
    cast.other_return.refresh_from_db()
    return cast


@pytest.fixture
def run_on(django_capture_on_commit_callbacks, mailoutbox):
    """Run the daily job with the clock frozen at 07:00 London on `day`; deliveries run inline.
    Returns the messages this run sent."""

    def _run(day):
        before = len(mailoutbox)
        moment = datetime.datetime.combine(day, datetime.time(7, 0), tzinfo=LONDON)
        with time_machine.travel(moment, tick=False), django_capture_on_commit_callbacks(execute=True):
            run_daily()
        return mailoutbox[before:]

    return _run


def recipients(messages):
    return sorted(to for m in messages for to in m.to)


@pytest.fixture
def everything_due(quiet_cast):
    """One of each: return, meeting with invitees, action, recommendation; all due around D. On D the
    daily job owes 11 reminders (10, and the digest when D is the digest weekday)."""
    from cases.models import AgencyReturn
    from reviews.models import Invitation
    from tests.factories import AgencyActionFactory, InvitationFactory, MeetingFactory, RecommendationFactory

    cast = quiet_cast
    AgencyReturn.objects.filter(pk=cast.agency_return.pk).update(due_date=day(-7))
    meeting = MeetingFactory(
        case=cast.case, starts_at=datetime.datetime(2027, 3, 17, 10, 0, tzinfo=LONDON), created_by=cast.bm
    )
    InvitationFactory(
        meeting=meeting,
        agency=cast.agency,
        response=Invitation.Response.ACCEPTED,
        sent_at=datetime.datetime(2027, 2, 1, tzinfo=LONDON),
    )
    InvitationFactory(
        meeting=meeting, agency=cast.agency, sent_at=datetime.datetime(2027, 2, 1, tzinfo=LONDON)
    )
    meeting.panel_attending.add(cast.panel)
    AgencyActionFactory(case=cast.case, owner_agency=cast.agency, due_date=day(-14), created_by=cast.bm)
    RecommendationFactory(audit=cast.audit, deadline_date=day(-14), owners=[cast.agency], created_by=cast.bm)
    return cast
