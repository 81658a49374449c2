"""The tracker a page at a time: open recommendations by default, the right rows on the first and last
page, none past the end or when nothing matches, filters kept across pages, and the counts and chart
from one aggregate query."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import RecommendationFactory
from tests.helpers import login

pytestmark = pytest.mark.django_db

TRACKER = reverse("recommendations:tracker")


@pytest.fixture
def seven_open_three_closed(cast, monkeypatch):
    """Seven open recommendations (a)-(g) in the audit under test, three closed ones; pages of three."""
    monkeypatch.setattr("recommendations.views.TRACKER_PAGE_SIZE", 3)
    later = timezone.localdate() + datetime.timedelta(days=200)
    for i in range(7):
        RecommendationFactory(audit=cast.audit, position=i + 1, deadline_date=later, owners=[cast.agency])
    for i in range(3):
        RecommendationFactory(
            audit=cast.other_audit,
            position=i + 1,
            status="closed",
            deadline_date=later,
            owners=[cast.other_agency],
        )


def _letters(html):
    # The audit column is left out when every row shown is of one audit.
    return re.findall(
        r'<tr class="govuk-table__row tracker-row">\s*(?:<td class="govuk-table__cell">.*?</td>)?\s*<th class="govuk-table__header" scope="row">(?:<a [^>]*>)?\((\w+)\)',
        html,
    )


def test_first_page_shows_the_first_open_recommendations_and_a_next_link(
    client, cast, seven_open_three_closed
):
    login(client, cast.board)
    html = client.get(TRACKER).content.decode()
    assert _letters(html) == ["a", "b", "c"]
    assert "Showing the 7 open recommendations (on track, due soon or overdue) of 10." in html
    assert 'href="?page=2">Next</a>' in html and ">Previous</a>" not in html
    assert "Page 1 of 3" in html


def test_last_page_holds_the_remainder_and_a_page_past_the_end_shows_the_last(
    client, cast, seven_open_three_closed
):
    login(client, cast.board)
    html = client.get(TRACKER, {"page": 3}).content.decode()
    assert _letters(html) == ["g"]
    assert 'href="?page=2">Previous</a>' in html and ">Next</a>" not in html
    assert _letters(client.get(TRACKER, {"page": 99}).content.decode()) == ["g"]
    assert _letters(client.get(TRACKER, {"page": "x"}).content.decode()) == ["a", "b", "c"]


def test_show_all_pages_through_closed_ones_too_and_keeps_the_filter(client, cast, seven_open_three_closed):
    login(client, cast.board)
    html = client.get(TRACKER, {"show": "all", "page": 4}).content.decode()
    assert _letters(html) == ["g"]  # by audit title: (a)-(c) of "Another audit", then (a)-(g)
    assert "10 recommendations match; page 4 of 4." in html
    assert '<option value="all" selected>All, with assured and closed</option>' in html
    assert 'href="?show=all&amp;page=3">Previous</a>' in html


def test_filter_that_matches_nothing_shows_no_rows_and_no_pages(client, cast, seven_open_three_closed):
    login(client, cast.board)
    html = client.get(TRACKER, {"state": "overdue"}).content.decode()
    assert _letters(html) == []
    assert "No recommendations match." in html
    assert "Page 1 of" not in html


def test_filtered_by_audit_pages_only_that_audits_rows(client, cast, seven_open_three_closed):
    login(client, cast.board)
    html = client.get(TRACKER, {"audit": cast.other_audit.pk, "show": "all"}).content.decode()
    assert _letters(html) == ["a", "b", "c"]
    assert "Next</a>" not in html


def test_counts_and_chart_come_from_one_aggregate_query_over_every_state(
    client, cast, seven_open_three_closed
):
    login(client, cast.board)
    client.get(TRACKER)
    with CaptureQueriesContext(connection) as captured:
        html = client.get(TRACKER).content.decode()
    # Open ones are listed, but the chart still counts the closed ones.
    assert "Recommendations per tracker state: On track 7, Due soon 0, Overdue 0, Assured 0, Closed 3" in html
    counting = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counting) == 1, counting
