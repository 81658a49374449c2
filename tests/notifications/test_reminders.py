"""Each reminder kind, with a frozen clock: sent on the right day, to the right people, not before,
not again."""

import datetime

import pytest
import time_machine
from django.core import mail
from icalendar import Calendar

from accounts.models import Role
from cases.models import AgencyReturn, IdentifyingTerm
from notifications.models import Notification
from notifications.reminders import run_daily
from recommendations.models import Recommendation
from reviews.invitations import invitation_ics
from reviews.models import AgencyAction, Invitation
from tests.factories import (
    AgencyActionFactory,
    BoardMeetingFactory,
    InvitationFactory,
    MeetingFactory,
    RecommendationFactory,
    UserFactory,
)

from .conftest import LONDON, D, day, recipients

pytestmark = pytest.mark.django_db


# --- Agency returns ---------------------------------------------------------------------------------


@pytest.fixture
def due_return(quiet_cast):
    AgencyReturn.objects.filter(pk=quiet_cast.agency_return.pk).update(due_date=D)
    quiet_cast.agency_return.refresh_from_db()
    return quiet_cast


def test_return_reminders_follow_the_due_date_to_the_agency_then_escalate(due_return, run_on):
    cast = due_return
    assert run_on(day(-8)) == []  # not before the lead time

    sent = run_on(day(-7))
    assert recipients(sent) == ["contrib@test.example"]
    assert sent[0].subject == "Reminder: your return for Case One is due on 15 March 2027"
    assert f"https://audit.example.org/returns/{cast.agency_return.pk}/" in sent[0].body
    assert run_on(day(-6)) == []  # not again

    sent = run_on(day(0))
    assert recipients(sent) == ["contrib@test.example"]
    assert sent[0].subject.startswith("Due today")

    sent = run_on(day(1))
    assert recipients(sent) == ["contrib@test.example"]
    assert sent[0].subject.startswith("Overdue")
    assert run_on(day(6)) == []

    sent = run_on(day(7))
    assert recipients(sent) == ["bm@test.example", "pat.senior@riverton.example"]
    assert all(m.subject.startswith("Escalation") for m in sent)
    assert "7 days overdue" in sent[0].body
    bm_mail = next(m for m in sent if m.to == ["bm@test.example"])
    assert f"https://audit.example.org/returns/{cast.agency_return.pk}/" in bm_mail.body
    assert run_on(day(8)) == []
    # The other agency's contributor never heard about it.
    assert "contrib.other@test.example" not in recipients(mail.outbox)


def test_a_missed_day_is_caught_up_once(due_return, run_on):
    # The job did not run on D-7 (server down): D-5 still sends the first reminder, D-4 nothing.
    assert recipients(run_on(day(-5))) == ["contrib@test.example"]
    assert run_on(day(-4)) == []


def test_a_submitted_return_is_not_chased(due_return, run_on):
    AgencyReturn.objects.filter(pk=due_return.agency_return.pk).update(status=AgencyReturn.Status.SUBMITTED)
    for offset in (-7, 0, 1, 7):
        assert run_on(day(offset)) == []


def test_a_new_due_date_gets_its_own_reminders(due_return, run_on):
    assert len(run_on(day(-7))) == 1
    AgencyReturn.objects.filter(pk=due_return.agency_return.pk).update(due_date=day(14))
    assert run_on(day(-6)) == []
    sent = run_on(day(7))
    assert sent[0].subject == "Reminder: your return for Case One is due on 29 March 2027"


def test_an_agency_without_contributors_is_reminded_through_its_senior_manager(due_return, run_on):
    due_return.contributor.is_active = False
    due_return.contributor.save()
    assert recipients(run_on(day(-7))) == ["pat.senior@riverton.example"]


def test_every_contributor_of_the_agency_is_reminded(due_return, run_on):
    UserFactory(email="second@test.example", role=Role.AGENCY_CONTRIBUTOR, agency=due_return.agency)
    assert recipients(run_on(day(-7))) == ["contrib@test.example", "second@test.example"]


# --- Reflective practice meetings -------------------------------------------------------------------


@pytest.fixture
def meeting(quiet_cast):
    return MeetingFactory(
        case=quiet_cast.case,
        starts_at=datetime.datetime(2027, 3, 20, 10, 0, tzinfo=LONDON),
        venue="Civic Offices, Room 4",
        created_by=quiet_cast.bm,
    )


def test_unanswered_invitation_is_chased_after_the_lead_time_once(meeting, quiet_cast, run_on):
    InvitationFactory(
        meeting=meeting,
        agency=quiet_cast.agency,
        email="sw@riverton.example",
        sent_at=datetime.datetime(2027, 3, 1, 10, 0, tzinfo=LONDON),
    )
    # answered, and never sent: nobody to chase
    InvitationFactory(
        meeting=meeting,
        agency=quiet_cast.agency,
        email="declined@riverton.example",
        response=Invitation.Response.DECLINED,
        sent_at=datetime.datetime(2027, 3, 1, 10, 0, tzinfo=LONDON),
    )
    InvitationFactory(meeting=meeting, agency=quiet_cast.agency, email="notsent@riverton.example")
    assert run_on(datetime.date(2027, 3, 7)) == []
    sent = run_on(datetime.date(2027, 3, 8))
    assert recipients(sent) == ["sw@riverton.example"]
    assert sent[0].reply_to == ["pat.senior@riverton.example"]
    assert "Please reply" in sent[0].subject and "20 March 2027" in sent[0].subject
    assert run_on(datetime.date(2027, 3, 9)) == []


def test_attendees_are_reminded_days_before_with_a_calendar_file(meeting, quiet_cast, run_on):
    InvitationFactory(
        meeting=meeting,
        agency=quiet_cast.agency,
        email="accepted@riverton.example",
        response=Invitation.Response.ACCEPTED,
        sent_at=datetime.datetime(2027, 2, 1, 10, 0, tzinfo=LONDON),
    )
    meeting.panel_attending.add(quiet_cast.panel)
    assert run_on(datetime.date(2027, 3, 16)) == []
    sent = run_on(datetime.date(2027, 3, 17))
    assert recipients(sent) == ["accepted@riverton.example", "panel@test.example"]
    for message in sent:
        assert "20 March 2027 at 10:00" in message.body
        (filename, content, mimetype) = message.attachments[0]
        assert filename == "meeting.ics" and mimetype == "text/calendar"
        assert "DTSTART;TZID=Europe/London:20270320T100000" in content  # 10:00 GMT
        assert "Case One" in content
    # The invitation, the practitioner's reminder and the panel member's reminder carry one event:
    # the same UID and sequence, so a calendar updates it rather than showing the meeting twice.
    invitation = Invitation.objects.get(email="accepted@riverton.example")
    invited = Calendar.from_ical(invitation_ics(invitation, meeting=meeting)).walk("VEVENT")[0]
    for message in sent:
        event = Calendar.from_ical(message.attachments[0][1]).walk("VEVENT")[0]
        assert str(event["uid"]) == str(invited["uid"]) == f"meeting-{meeting.pk}@audit.example.org"
        assert event["sequence"] == invited["sequence"] == 0
        assert [str(a) for a in _list(event["attendee"])] == [f"mailto:{message.to[0]}"]
    assert run_on(datetime.date(2027, 3, 18)) == []


def _list(value):
    return value if isinstance(value, list) else [value]


def test_a_cancelled_meeting_sends_nothing(meeting, quiet_cast, run_on):
    InvitationFactory(
        meeting=meeting,
        agency=quiet_cast.agency,
        response=Invitation.Response.ACCEPTED,
        sent_at=datetime.datetime(2027, 2, 1, tzinfo=LONDON),
    )
    meeting.status = "cancelled"
    meeting.save()
    assert run_on(datetime.date(2027, 3, 17)) == []


# --- Confidential agency actions --------------------------------------------------------------------


def test_action_reminders_go_to_the_owner_agency_and_escalate_to_the_business_manager(quiet_cast, run_on):
    action = AgencyActionFactory(
        case=quiet_cast.case, owner_agency=quiet_cast.agency, due_date=D, created_by=quiet_cast.bm
    )
    assert run_on(day(-15)) == []
    sent = run_on(day(-14))
    assert recipients(sent) == ["contrib@test.example"]
    assert "due on 15 March 2027" in sent[0].subject
    assert action.description not in sent[0].body  # confidential detail stays in the app
    assert run_on(day(0)) == []
    assert recipients(run_on(day(1))) == ["contrib@test.example"]
    assert run_on(day(13)) == []
    sent = run_on(day(14))
    assert recipients(sent) == ["bm@test.example"]
    assert "14 days overdue" in sent[0].subject
    assert run_on(day(15)) == []


def test_a_completed_action_is_not_chased(quiet_cast, run_on):
    AgencyActionFactory(
        case=quiet_cast.case,
        owner_agency=quiet_cast.agency,
        due_date=D,
        status=AgencyAction.Status.COMPLETED,
        created_by=quiet_cast.bm,
    )
    for offset in (-14, 1, 14):
        assert run_on(day(offset)) == []


# --- Recommendations --------------------------------------------------------------------------------


def test_recommendation_reminders_reach_every_owner_and_escalate(quiet_cast, run_on):
    board_meeting = BoardMeetingFactory(date=D, title="March 2027 Board meeting")
    recommendation = RecommendationFactory(
        audit=quiet_cast.audit,
        position=2,
        deadline_date=None,
        deadline_meeting=board_meeting,
        owners=[quiet_cast.agency, quiet_cast.other_agency],
        created_by=quiet_cast.bm,
    )
    assert run_on(day(-31)) == []
    sent = run_on(day(-30))
    assert recipients(sent) == ["contrib.other@test.example", "contrib@test.example"]
    assert sent[0].subject == "Reminder: Recommendation (b) of Audit under test is due on 15 March 2027"
    assert "March 2027 Board meeting" in sent[0].body
    assert f"https://audit.example.org/recommendations/{recommendation.pk}/" in sent[0].body
    assert run_on(day(-1)) == []
    assert len(run_on(day(1))) == 2
    sent = run_on(day(14))
    assert recipients(sent) == ["bm@test.example"]
    assert run_on(day(15)) == []


def test_an_assured_recommendation_is_not_chased(quiet_cast, run_on):
    RecommendationFactory(
        audit=quiet_cast.audit,
        deadline_date=D,
        owners=[quiet_cast.agency],
        status=Recommendation.Status.ASSURED,
        created_by=quiet_cast.bm,
    )
    for offset in (-30, 1, 14):
        assert run_on(day(offset)) == []


# --- Weekly digest ----------------------------------------------------------------------------------


def test_weekly_digest_lists_everything_late_to_the_business_manager_once(quiet_cast, run_on, settings):
    settings.REMINDER_DIGEST_WEEKDAY = D.weekday()
    AgencyReturn.objects.filter(pk=quiet_cast.agency_return.pk).update(due_date=day(-3))
    AgencyActionFactory(
        case=quiet_cast.case, owner_agency=quiet_cast.other_agency, due_date=day(-2), created_by=quiet_cast.bm
    )
    RecommendationFactory(
        audit=quiet_cast.audit,
        position=1,
        deadline_date=day(-1),
        owners=[quiet_cast.agency],
        created_by=quiet_cast.bm,
    )
    sent = [m for m in run_on(D) if "digest" in m.subject.lower()]
    assert recipients(sent) == ["bm@test.example"]
    body = sent[0].body
    assert sent[0].subject == "Weekly digest: 3 late items (15 March 2027)"
    assert "Riverton Children's Social Care, due 12 March 2027, 3 days overdue" in body
    assert "Riverton Police, due 13 March 2027, 2 days overdue" in body
    assert "(a) Audit under test" in body
    assert [m for m in run_on(D) if "digest" in m.subject.lower()] == []  # not again that day
    assert [m for m in run_on(day(1)) if "digest" in m.subject.lower()] == []  # not on other weekdays


def test_no_digest_when_nothing_is_late(quiet_cast, run_on, settings):
    settings.REMINDER_DIGEST_WEEKDAY = D.weekday()
    assert run_on(D) == []


# --- Once, and nothing identifying ------------------------------------------------------------------


def test_a_second_run_on_the_same_day_sends_nothing(everything_due, run_on, settings):
    settings.REMINDER_DIGEST_WEEKDAY = D.weekday()
    first = run_on(D)
    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert kinds == {
        "return_overdue",
        "return_escalation",
        "invitation_unanswered",
        "meeting_soon",
        "action_overdue",
        "action_escalation",
        "recommendation_overdue",
        "recommendation_escalation",
        "weekly_digest",
    }
    assert len(first) == Notification.objects.filter(status="sent").count()
    with time_machine.travel(datetime.datetime(2027, 3, 15, 18, 0, tzinfo=LONDON), tick=False):
        assert run_daily() == {}
    assert run_on(D) == []


def test_identifying_terms_never_appear_in_any_email(everything_due, run_on, settings):
    cast = everything_due
    settings.REMINDER_DIGEST_WEEKDAY = D.weekday()
    terms = [
        cast.term.value,
        IdentifyingTerm.objects.create(
            case=cast.case, kind="address", value="14 Larkspur Close", created_by=cast.bm
        ).value,
        IdentifyingTerm.objects.create(
            case=cast.case, kind="school", value="Eastfield Academy", created_by=cast.bm
        ).value,
        IdentifyingTerm.objects.create(
            case=cast.case, kind="family_member", value="Kerry Marlowe", created_by=cast.bm
        ).value,
    ]
    # The records themselves hold identifying detail (as real ones may): none of it may travel.
    cast.case.summary = f"Lives at {terms[1]} with {terms[3]}."
    cast.case.save()
    AgencyAction.objects.update(description=f"Check the plan with {terms[2]} for {terms[0]}.")
    Recommendation.objects.update(text=f"Work with {terms[2]}.")
    Invitation.objects.update(name=terms[3], role=f"Teacher at {terms[2]}")
    sent = run_on(D)
    assert len(sent) >= 9
    for message in sent:
        parts = [message.subject, message.body]
        parts += [content for content, _ in message.alternatives]
        parts += [a[1] for a in message.attachments]
        for part in parts:
            for term in terms:
                assert term.lower() not in part.lower(), (term, message.subject)
        if "Recommendation" not in message.subject:
            assert "Case One" in " ".join(parts)


def test_a_term_that_slips_into_a_name_is_withheld(quiet_cast, run_on):
    """An agency named like a term of the register (a school, say) must not carry it into an e-mail:
    the reminder is withheld whole and the Business Manager is told (tests/notifications/
    test_leak_withholding.py has the rest)."""
    cast = quiet_cast
    IdentifyingTerm.objects.create(case=cast.case, kind="school", value="Riverton Police", created_by=cast.bm)
    AgencyActionFactory(case=cast.case, owner_agency=cast.other_agency, due_date=day(14), created_by=cast.bm)
    sent = run_on(D)
    assert recipients(sent) == [cast.bm.email]
    html = sent[0].alternatives[0][0]
    for text in (sent[0].subject, sent[0].body, html):
        assert "Riverton Police" not in text
    assert "registered school of Case One" in sent[0].body


def test_send_reminders_command_runs_the_job_inline(
    everything_due, mailoutbox, capsys, django_capture_on_commit_callbacks
):
    from django.core.management import call_command

    with time_machine.travel(datetime.datetime(2027, 3, 15, 7, 0, tzinfo=LONDON), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_reminders")
        first = capsys.readouterr().out
        count = len(mailoutbox)
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_reminders", "--date", "2027-03-15")
        second = capsys.readouterr().out
    assert "return_escalation: 2" in first
    assert count == Notification.objects.filter(status="sent").count() > 0
    assert "0 reminders queued" in second
    assert len(mailoutbox) == count
