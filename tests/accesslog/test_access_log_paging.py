"""The access log a keyset page at a time: the last 30 days by default, the newest page first, "older"
to the last page and "newer" back, nothing skipped or repeated even when entries share a timestamp,
empty and filtered searches, no count over the table, and type-ahead user and case fields that also
work as plain text."""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accesslog.models import AccessLogEntry
from accesslog.selectors import access_log_page, access_log_search, cursor_of, parse_cursor
from tests.factories import CaseFactory, UserFactory
from tests.helpers import login

pytestmark = pytest.mark.django_db

URL = reverse("accesslog:search")
NOW = datetime.datetime(2026, 11, 30, 12, 0, tzinfo=datetime.UTC)


def _log(user, *, at, case=None, what="case"):
    with time_machine.travel(at, tick=False):
        return AccessLogEntry.objects.create(
            user=user, what=what, case_id=case.pk if case else None, path=f"/cases/{case.pk if case else 0}/"
        )


@pytest.fixture
def seven_reads(cast, monkeypatch):
    """Seven reads of the case by the panel member in the last week (two at the same instant), one by
    the Business Manager 40 days ago; pages of three."""
    monkeypatch.setattr("accesslog.views.PAGE_SIZE", 3)
    entries = []
    for i in range(7):
        at = NOW - datetime.timedelta(days=i)
        entries.append(_log(cast.panel, at=at, case=cast.case, what=f"read-{i}"))
    twin = _log(cast.panel, at=entries[3].at, case=cast.case, what="read-3b")  # same instant, larger id
    old = _log(cast.bm, at=NOW - datetime.timedelta(days=40), case=cast.other_case, what="old-read")
    return entries, twin, old


def _whats(html):
    return [
        w
        for w in re.findall(
            r"<td class=\"govuk-table__cell\">([\w-]+)(?: #\d+)?</td>(?=\s*<td class=\"govuk-table__cell\">)",
            html,
        )
        if w.startswith(("read", "old"))
    ]


def _link(html, label):
    match = re.search(rf'href="\?([^"]*)">{label}</a>', html)
    return match and match.group(1).replace("&amp;", "&")


def _get(client, query):
    with time_machine.travel(NOW + datetime.timedelta(minutes=5), tick=False):
        return client.get(
            f"{URL}?{query}" if isinstance(query, str) else URL, query if isinstance(query, dict) else None
        )


def test_first_page_is_the_newest_of_the_last_30_days_with_an_older_link(client, cast, seven_reads):
    login(client, cast.bm)
    html = _get(client, {}).content.decode()
    # Newest first: this very search (logged as it is made), then the panel member's reads.
    assert re.search(
        r"<td class=\"govuk-table__cell\">access_log</td>.*<td class=\"govuk-table__cell\">read-0</td>.*<td class=\"govuk-table__cell\">read-1</td>",
        html,
        re.S,
    )
    assert _whats(html) == ["read-0", "read-1"]
    assert "old-read" not in html  # 40 days ago: outside the default window
    assert _link(html, "Older") and not _link(html, "Newer") and not _link(html, "Newest")
    # The default "From" is shown in its day, month and year boxes, so the user can clear it.
    for part, value in (("day", "1"), ("month", "11"), ("year", "2026")):
        assert re.search(rf'name="date_from_{part}"[^>]*value="{value}"', html), part


def test_older_pages_run_to_the_last_without_skipping_or_repeating(client, cast, seven_reads):
    login(client, cast.bm)
    seen, query = [], {}
    for _ in range(5):
        html = _get(client, query).content.decode()
        seen += _whats(html)
        older = _link(html, "Older")
        if not older:
            break
        query = older
    # Entries at the same instant are ordered by id, newest first, and neither is lost between pages.
    assert seen == ["read-0", "read-1", "read-2", "read-3b", "read-3", "read-4", "read-5", "read-6"]
    # The last page offers newer and newest, no older.
    assert _link(html, "Newer") and _link(html, "Newest") and not _link(html, "Older")
    back = _get(client, _link(html, "Newer")).content.decode()
    assert _whats(back) == ["read-2", "read-3b", "read-3"]


def test_empty_search_says_so_and_offers_no_pages(client, cast, seven_reads):
    login(client, cast.bm)
    html = _get(
        client, {"date_from": "2026-11-29", "date_to": "2026-11-29", "user": "Beatrice Manager"}
    ).content
    html = html.decode()
    assert "No entries match." in html
    assert not _link(html, "Older") and not _link(html, "Newer")


def test_filtered_by_user_and_case_as_typed_text_and_paged_with_the_filter(client, cast, seven_reads):
    login(client, cast.bm)
    html = _get(
        client, {"user": "panel@test.example", "case": f"Audit under test — Case One (#{cast.case.pk})"}
    )
    html = html.content.decode()
    assert _whats(html) == ["read-0", "read-1", "read-2"]
    older = _link(html, "Older")
    assert "user=panel%40test.example" in older and "date_from=2026-11-01" in older
    # An empty "From" searches the whole log: the Business Manager's read of 40 days ago appears.
    html = _get(client, {"user": "Beatrice Manager <bm@test.example>", "date_from": ""}).content.decode()
    assert _whats(html) == ["old-read"]
    html = _get(client, {"case": str(cast.other_case.pk), "date_from": ""}).content.decode()
    assert _whats(html) == ["old-read"]


def test_a_name_that_matches_nobody_or_two_people_is_an_error_not_everything(client, cast, seven_reads):
    UserFactory(email="paula.two@test.example", full_name="Paula Panel")
    login(client, cast.bm)
    html = _get(client, {"user": "Paula Panel"}).content.decode()
    assert "More than one user has that name: type the e-mail address." in html
    assert _whats(html) == []
    html = _get(client, {"user": "Nobody Atall"}).content.decode()
    assert "No user has that name or e-mail address." in html and _whats(html) == []
    assert "No single case matches" in _get(client, {"case": "No such audit — Case Nine"}).content.decode()


def test_paging_runs_no_count_and_a_fixed_number_of_queries(client, cast, seven_reads):
    login(client, cast.bm)
    _get(client, {"user": "panel@test.example"})
    with CaptureQueriesContext(connection) as first:
        _get(client, {"user": "panel@test.example"})
    for i in range(30):
        _log(cast.panel, at=NOW - datetime.timedelta(hours=i), case=cast.case)
    with CaptureQueriesContext(connection) as more:
        html = _get(client, {"user": "panel@test.example"}).content.decode()
    with CaptureQueriesContext(connection) as deeper:
        _get(client, _link(html, "Older"))
    sql = [q["sql"].upper() for q in more.captured_queries + deeper.captured_queries]
    assert not [q for q in sql if "COUNT(" in q and "ACCESSLOG" in q]
    assert len(first) == len(more) == len(deeper), [
        [q["sql"][:80] for q in c.captured_queries] for c in (first, more, deeper)
    ]


def test_cursor_round_trips_and_nonsense_is_ignored(cast):
    entry = _log(cast.bm, at=datetime.datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=datetime.UTC))
    assert parse_cursor(cursor_of(entry)) == (entry.at, entry.pk)
    for bad in ("", "x", "1-2-3", "-5-1", None):
        assert parse_cursor(bad) is None
    page = access_log_page(access_log_search(), before=parse_cursor(cursor_of(entry)))
    assert page.entries == [] and page.older is None


def test_type_ahead_suggests_users_and_cases_as_options(client, cast):
    CaseFactory(audit=cast.audit, number=2, pseudonym="Case Two")
    login(client, cast.bm)
    html = client.get(reverse("accesslog:suggest_users"), {"user": "paul"}).content.decode()
    assert '<option value="Paula Panel &lt;panel@test.example&gt;">' in html
    assert "Beatrice" not in html
    html = client.get(reverse("accesslog:suggest_cases"), {"case": "two"}).content.decode()
    case_two = cast.audit.cases.get(number=2)
    assert html.strip() == f'<option value="Audit under test — Case Two (#{case_two.pk})"></option>'
    assert client.get(reverse("accesslog:suggest_users"), {"user": "p"}).content.decode().strip() == ""
    # The search page wires the fields to these suggestions, with no script of its own.
    page = client.get(URL).content.decode()
    assert f'hx-get="{reverse("accesslog:suggest_cases")}"' in page and 'list="case-suggestions"' in page
    assert '<datalist id="case-suggestions"></datalist>' in page
    assert "<select" not in page.split("<main", 1)[1]


def test_default_window_follows_the_clock(client, cast):
    with time_machine.travel(datetime.datetime(2027, 2, 10, 12, 0, tzinfo=datetime.UTC), tick=False):
        login(client, cast.bm)
        html = client.get(URL).content.decode()
    for part, value in (("day", "12"), ("month", "1"), ("year", "2027")):
        assert re.search(rf'name="date_from_{part}"[^>]*value="{value}"', html), part


@pytest.mark.parametrize("cursor", ["9" * 30 + "-1", "1-" + "9" * 30, "99999999999999999999-5", "x-y"])
def test_a_forged_cursor_is_ignored(client, cast, seven_reads, cursor):
    login(client, cast.bm)
    for name in ("before", "after"):
        response = _get(client, {name: cursor, "user": "panel@test.example"})
        assert response.status_code == 200
        assert _whats(response.content.decode()) == ["read-0", "read-1", "read-2"]
