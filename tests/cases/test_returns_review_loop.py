"""The review loop closes: the Business Manager is told of a submitted return (e-mail and a to-do
entry), reviews it (return first, decision after), returns it for changes with what must change and a
new due date (default 10 working days), the agency sees "Returned for changes" with that date, the
reminders follow it, and accepting offers the next return waiting for review."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from cases.models import AgencyReturn
from cases.services import working_days_after
from notifications.reminders import run_daily
from tests.factories import AgencyReturnFactory, CaseFactory, ChronologyEntryFactory
from tests.helpers import login

from .returns_helpers import MEETING_TEXT, edit_post, submit_return

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
MONDAY = datetime.date(2027, 3, 15)


def at(day, hour=9):
    return time_machine.travel(
        datetime.datetime.combine(day, datetime.time(hour, 0), tzinfo=LONDON), tick=False
    )


def _submitted(cast, *, agency=None, case=None, due=MONDAY - datetime.timedelta(days=3)):
    r = AgencyReturnFactory(
        case=case or CaseFactory(audit=cast.audit, number=cast.audit.cases.count() + 1),
        agency=agency or cast.agency,
        requested_by=cast.bm,
        status=AgencyReturn.Status.SUBMITTED,
        due_date=due,
        **MEETING_TEXT,
    )
    ChronologyEntryFactory(agency_return=r)
    return r


def test_ten_working_days_skip_weekends():
    assert working_days_after(MONDAY, 10) == datetime.date(2027, 3, 29)
    friday = datetime.date(2027, 3, 19)
    assert working_days_after(friday, 1) == datetime.date(2027, 3, 22)


def test_business_manager_is_told_of_a_submitted_return_by_email_and_on_their_to_do_list(
    cast, client, django_capture_on_commit_callbacks
):
    login(client, cast.contributor)
    rows = [{"date": "03/02/2026", "what_happened": "Strategy discussion"}]
    with django_capture_on_commit_callbacks(execute=True):
        response = submit_return(
            client,
            cast.agency_return,
            edit_post(cast.agency_return, action="submit", fields=MEETING_TEXT, rows=rows),
        )
    assert response.status_code == 302
    (message,) = [m for m in mail.outbox if cast.bm.email in m.to]
    assert message.subject == "Return to review: Riverton Children's Social Care, Case One"
    assert reverse("cases:return_detail", kwargs={"return_pk": cast.agency_return.pk}) in message.body
    assert cast.term.value not in message.body

    login(client, cast.bm)
    home = client.get(reverse("cases:audit_list")).content.decode()
    assert "To do: returns waiting for your review" in home
    assert "Review Riverton Children&#x27;s Social Care's return on Case One" in home


def test_review_page_shows_the_return_first_and_the_decision_after(cast, client):
    r = _submitted(cast)
    login(client, cast.bm)
    html = client.get(reverse("cases:return_detail", kwargs={"return_pk": r.pk})).content.decode()
    assert (
        html.index("Chronology of key events")
        < html.index("Your decision")
        < html.index("Accept this return")
    )
    assert "What must change" in html and "New date the return is due" in html


def test_return_for_changes_sets_the_new_due_date_and_state_and_the_agency_sees_it(
    cast, client, django_capture_on_commit_callbacks
):
    AgencyReturn.objects.filter(pk=cast.agency_return.pk).update(due_date=datetime.date(2035, 1, 1))
    r = _submitted(cast)
    with at(MONDAY), django_capture_on_commit_callbacks(execute=True):
        login(client, cast.bm)
        detail = client.get(reverse("cases:return_detail", kwargs={"return_pk": r.pk}))
        # The form offers 10 working days from today.
        assert detail.context["send_back_form"].initial["due_date"] == datetime.date(2027, 3, 29)
        response = client.post(
            reverse("cases:return_send_back", kwargs={"return_pk": r.pk}),
            {"comment": "Add the school's referral of March.", "due_date": "2027-03-29"},
        )
    assert response.status_code == 302
    r.refresh_from_db()
    assert (r.status, r.due_date, r.review_comment) == (
        AgencyReturn.Status.RETURNED,
        datetime.date(2027, 3, 29),
        "Add the school's referral of March.",
    )
    (message,) = [m for m in mail.outbox if "returned for changes" in m.subject]
    assert "due 29/03/2027" in message.subject and "29 March 2027" in message.body

    with at(MONDAY + datetime.timedelta(days=1)):
        assert not r.is_overdue  # the old due date has passed; the new one has not
        login(client, cast.contributor)
        portal = client.get(reverse("cases:portal")).content.decode()
        assert "Returned for changes" in portal and "resubmit by 29 March 2027" in portal
        assert "Overdue" not in portal
        login(client, cast.bm)
        audit = client.get(reverse("cases:audit_returns", kwargs={"audit_pk": cast.audit.pk}))
        cell = next(
            c for _, cells in audit.context["returns_matrix"].rows for c in cells if c and c.pk == r.pk
        )
        assert cell.cell_status == "returned" and not cell.is_overdue
        assert "Due 29 March 2027" in audit.content.decode()


def test_a_past_new_due_date_is_refused(cast, client):
    r = _submitted(cast)
    with at(MONDAY):
        login(client, cast.bm)
        response = client.post(
            reverse("cases:return_send_back", kwargs={"return_pk": r.pk}),
            {"comment": "Add more.", "due_date": "2027-03-01"},
        )
    assert response.status_code == 400
    assert "New date the return is due must be today or in the future" in response.content.decode()
    assert AgencyReturn.objects.get(pk=r.pk).status == AgencyReturn.Status.SUBMITTED


def _run_reminders(day, django_capture_on_commit_callbacks):
    before = len(mail.outbox)
    with at(day, 7), django_capture_on_commit_callbacks(execute=True):
        run_daily()
    return mail.outbox[before:]


def test_reminders_follow_the_new_due_date(cast, client, settings, django_capture_on_commit_callbacks):
    settings.REMINDER_RETURN_DAYS_BEFORE = 7
    settings.REMINDER_DIGEST_WEEKDAY = 7
    AgencyReturn.objects.filter(pk=cast.other_return.pk).update(due_date=datetime.date(2035, 1, 1))
    AgencyReturn.objects.filter(pk=cast.agency_return.pk).update(due_date=datetime.date(2035, 1, 1))
    r = _submitted(cast)
    with at(MONDAY):
        login(client, cast.bm)
        client.post(
            reverse("cases:return_send_back", kwargs={"return_pk": r.pk}),
            {"comment": "Add the school's referral.", "due_date": "2027-03-29"},
        )
    # The old due date (12 March) is past, but no overdue reminder goes: the return is due on the 29th.
    sent = _run_reminders(MONDAY + datetime.timedelta(days=1), django_capture_on_commit_callbacks)
    assert not [m for m in sent if "Overdue" in m.subject]
    # Seven days before the new date, the due-soon reminder names it.
    sent = _run_reminders(datetime.date(2027, 3, 22), django_capture_on_commit_callbacks)
    (reminder,) = [m for m in sent if cast.contributor.email in m.to]
    assert "due on 29 March 2027" in reminder.subject
    assert "Log in to see which child this is" in reminder.body and cast.term.value not in reminder.body
    # And the day after it, the overdue one.
    sent = _run_reminders(datetime.date(2027, 3, 30), django_capture_on_commit_callbacks)
    assert [m for m in sent if cast.contributor.email in m.to and "was due on 29 March 2027" in m.subject]


def test_accepting_offers_the_next_return_waiting_for_review(cast, client):
    first = _submitted(cast)
    second = _submitted(cast, agency=cast.other_agency, case=first.case)
    login(client, cast.bm)
    response = client.post(reverse("cases:return_accept", kwargs={"return_pk": first.pk}), follow=True)
    html = response.content.decode()
    assert "return accepted" in html
    assert "Next return waiting for review: Riverton Police, Case Two" in html
    assert reverse("cases:return_detail", kwargs={"return_pk": second.pk}) in html
