"""The notification log (Business Manager), the lead-times page, and {% notifications_about obj %}."""

import datetime
import re

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from tests.helpers import login

pytestmark = pytest.mark.django_db


def make(n=1, *, about=None, **fields):
    from django.contrib.contenttypes.models import ContentType

    rows = []
    for i in range(n):
        data = {
            "key": f"k:{Notification.objects.count()}:{i}",
            "kind": "return_due_soon",
            "to": f"person{i}@agency.example",
            "subject": f"Reminder: your return for Case One is due on 15 March 2027 ({i})",
            "body_text": "Hello",
            "status": Notification.Status.SENT,
            "attempts": 1,
            **fields,
        }
        if about is not None:
            data["about_type"] = ContentType.objects.get_for_model(about)
            data["about_id"] = about.pk
        rows.append(Notification.objects.create(**data))
    return rows


def test_business_manager_sees_what_was_sent_and_what_failed(cast, client):
    make(1, to="cora@agency.example", sent_at=timezone.now())
    make(
        1,
        to="pat@agency.example",
        status=Notification.Status.FAILED,
        attempts=6,
        last_error="Attempt 6: SMTPError",
    )
    page = login(client, cast.bm).get(reverse("notifications:log")).content.decode()
    assert "cora@agency.example" in page and "pat@agency.example" in page
    assert "Reminder: your return for Case One is due on 15 March 2027" in page
    assert "Return due soon" in page
    assert "Attempt 6: SMTPError" in page and "6 attempts" in page


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"status": "failed"}, {"failed@agency.example"}),
        ({"kind": "weekly_digest"}, {"digest@agency.example"}),
        ({"recipient": "DIGEST@"}, {"digest@agency.example"}),
        ({"date_from": "2027-03-10", "date_to": "2027-03-10"}, {"old@agency.example"}),
    ],
)
def test_log_filters(cast, client, query, expected):
    make(1, to="failed@agency.example", status=Notification.Status.FAILED)
    make(1, to="digest@agency.example", kind="weekly_digest")
    (old,) = make(1, to="old@agency.example")
    Notification.objects.filter(pk=old.pk).update(
        created_at=datetime.datetime(2027, 3, 10, 12, 0, tzinfo=datetime.UTC)
    )
    response = login(client, cast.bm).get(reverse("notifications:log"), query)
    shown = {n.to for n in response.context["page"].object_list}
    assert shown == expected


def test_a_bad_date_is_explained_next_to_the_field_and_kept(cast, client):
    make(2)
    typed = {"date_from_day": "31", "date_from_month": "2", "date_from_year": "2027"}
    response = login(client, cast.bm).get(reverse("notifications:log"), typed)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Queued from must be a real date" in page
    assert 'href="#id_date_from"' in page  # the error summary links to the day box
    for name, value in typed.items():
        assert re.search(rf'name="{name}"[^>]*value="{value}"', page), name


def test_log_is_paginated_and_keeps_the_filter(cast, client):
    make(60, kind="return_overdue")
    login(client, cast.bm)
    response = client.get(reverse("notifications:log"), {"kind": "return_overdue"})
    assert len(response.context["page"].object_list) == 50
    assert "kind=return_overdue&amp;page=2" in response.content.decode()
    response = client.get(reverse("notifications:log"), {"kind": "return_overdue", "page": 2})
    assert len(response.context["page"].object_list) == 10


def test_log_queries_stay_flat_as_it_grows(cast, client, django_assert_max_num_queries):
    login(client, cast.bm)
    make(3, recipient=cast.contributor)
    # 11: the log, its count, the filter's kinds, the "not delivered yet" list, and the session/user/OTP reads.
    with django_assert_max_num_queries(11) as small:
        client.get(reverse("notifications:log"))
    make(45, recipient=cast.contributor)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(reverse("notifications:log")).status_code == 200


@pytest.mark.parametrize("persona", ["panel", "contributor", "board", "admin"])
def test_only_the_business_manager_opens_the_log(cast, client, persona):
    make(1)
    assert login(client, getattr(cast, persona)).get(reverse("notifications:log")).status_code == 403


def test_lead_times_are_shown_to_every_logged_in_user(cast, client, settings):
    settings.REMINDER_RETURN_DAYS_BEFORE = 9
    settings.REMINDER_DIGEST_WEEKDAY = 2
    settings.REMINDER_DAILY_HOUR = 6
    page = login(client, cast.contributor).get(reverse("notifications:settings")).content.decode()
    assert "REMINDER_RETURN_DAYS_BEFORE" in page and '<td class="govuk-table__cell">9</td>' in page
    assert "every Wednesday" in page and "06:00" in page
    assert reverse("notifications:log") not in page  # the log link is for the Business Manager


# --- {% notifications_about obj %} ------------------------------------------------------------------

TAG = Template("{% load notifications_tags %}{% notifications_about obj %}")


def _render(obj, user):
    request = RequestFactory().get("/")
    request.user = user
    return TAG.render(Context({"obj": obj, "request": request, "user": user}))


def test_the_tag_shows_the_reminders_an_object_caused_to_the_business_manager(
    cast, django_assert_max_num_queries
):
    make(2, about=cast.agency_return, to="cora@agency.example")
    make(1, about=cast.other_return, to="elsewhere@agency.example")
    make(
        1, about=cast.agency_return, to="failed@agency.example", status="failed", last_error="Attempt 6: boom"
    )
    _render(cast.agency_return, cast.bm)  # warm the content-type cache
    with django_assert_max_num_queries(1):
        html = _render(cast.agency_return, cast.bm)
    assert "Reminders sent about this" in html
    assert html.count("cora@agency.example") == 2
    assert "failed@agency.example" in html and "Attempt 6: boom" in html
    assert "elsewhere@agency.example" not in html


@pytest.mark.parametrize("persona", ["panel", "contributor", "board"])
def test_the_tag_shows_nothing_to_anyone_else(cast, persona):
    make(1, about=cast.agency_return)
    assert _render(cast.agency_return, getattr(cast, persona)).strip() == ""


def test_the_tag_says_when_nothing_was_sent(cast):
    assert "No reminders about this yet" in _render(cast.agency_return, cast.bm)
