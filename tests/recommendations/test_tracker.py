"""The tracker across audits: scope per role, filters, chart, exports, query count; the Board's home."""

import csv
import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.spreadsheet import export_cell
from tests.factories import AuditFactory, BoardMeetingFactory, RecommendationFactory
from tests.helpers import login

pytestmark = pytest.mark.django_db

TRACKER = reverse("recommendations:tracker")
CSV = reverse("recommendations:tracker_export_csv")
XLSX = reverse("recommendations:tracker_export_xlsx")


def _days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def spread(cast):
    """Recommendations across two audits and two agencies, one in each tracker state."""
    meeting = BoardMeetingFactory(date=_days(10), title="Next Board meeting")
    make = RecommendationFactory
    return {
        "overdue": make(
            audit=cast.audit, position=1, text="Overdue one", deadline_date=_days(-5), owners=[cast.agency]
        ),
        "due_soon": make(
            audit=cast.audit,
            position=2,
            text="Due at the meeting",
            deadline_date=None,
            deadline_meeting=meeting,
            owners=[cast.agency, cast.other_agency],
        ),
        "on_track": make(
            audit=cast.audit,
            position=3,
            text="Far ahead",
            deadline_date=_days(200),
            owners=[cast.other_agency],
        ),
        "assured": make(
            audit=cast.other_audit,
            position=1,
            text="Assured one",
            status="assured",
            deadline_date=_days(-40),
            owners=[cast.agency],
        ),
        "closed": make(
            audit=cast.other_audit,
            position=2,
            text="Closed one",
            status="closed",
            deadline_date=_days(30),
            owners=[cast.other_agency],
        ),
    }


def _page_rows(html):
    """(audit, letter) of each row of the tracker table, as a person reads them."""
    # One audit shown: its title is in the caption, not repeated on every row.
    one = re.search(r"<caption[^>]*>Recommendations of (.*?)( matching the filters)?</caption>", html)
    rows = re.findall(
        r'<tr class="govuk-table__row tracker-row">\s*(?:<td class="govuk-table__cell">(.*?)</td>)?\s*<th class="govuk-table__header" scope="row">(?:<a [^>]*>)?\((\w+)\)',
        html,
    )
    return [(audit or one.group(1), f"({letter})") for audit, letter in rows]


def _csv_rows(content):
    rows = list(csv.reader(io.StringIO(content.decode())))
    assert rows[0][:2] == ["Audit", "Letter"]
    return rows[1:]


def _xlsx_rows(content):
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][:2] == ["Audit", "Letter"]
    return rows[1:]


def test_board_member_sees_every_recommendation_with_its_state(client, cast, spread):
    login(client, cast.board)
    html = client.get(TRACKER, {"show": "all"}).content.decode()
    assert len(_page_rows(html)) == 5
    for label in ("Overdue", "Due soon", "On track", "Assured", "Closed"):
        assert f">{label}</span>" in html
    assert "(Next Board meeting)" in html
    # Board members read the tracker but do not open recommendations (responses may hold case detail).
    assert "/recommendations/" not in html


def test_contributor_sees_only_their_agencys_recommendations(client, cast, spread):
    login(client, cast.contributor)
    html = client.get(TRACKER, {"show": "all"}).content.decode()
    texts = {"Overdue one", "Due at the meeting", "Assured one"}
    assert all(t in html for t in texts)
    assert "Far ahead" not in html and "Closed one" not in html
    rows = _csv_rows(client.get(CSV, {"show": "all"}).content)
    assert {r[2] for r in rows} == texts


def test_panel_member_sees_their_audits_recommendations(client, cast, spread):
    login(client, cast.panel_other)
    html = client.get(TRACKER, {"show": "all"}).content.decode()
    assert [r[0] for r in _page_rows(html)] == ["Another audit", "Another audit"]
    # Both are assured or closed: the default view, open ones only, says so and offers them all.
    html = client.get(TRACKER).content.decode()
    assert _page_rows(html) == []
    assert "Showing the 0 open recommendations (on track, due soon or overdue) of 2." in html
    assert "Show all 2, with assured and closed</a>" in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"Overdue one", "Due at the meeting", "Far ahead"}),
        ({"show": "all"}, {"Overdue one", "Due at the meeting", "Far ahead", "Assured one", "Closed one"}),
        ({"show": "nonsense"}, {"Overdue one", "Due at the meeting", "Far ahead"}),
        ({"state": "overdue"}, {"Overdue one"}),
        ({"state": "due_soon"}, {"Due at the meeting"}),
        ({"state": "assured"}, {"Assured one"}),  # asking for a closed-off state shows it
        ({"audit": "AUDIT"}, {"Overdue one", "Due at the meeting", "Far ahead"}),
        ({"agency": "OTHER_AGENCY"}, {"Due at the meeting", "Far ahead"}),
        ({"agency": "OTHER_AGENCY", "show": "all"}, {"Due at the meeting", "Far ahead", "Closed one"}),
        ({"agency": "AGENCY", "state": "on_track"}, set()),
        ({"audit": "OTHER_AUDIT", "agency": "AGENCY"}, set()),
        ({"audit": "OTHER_AUDIT", "agency": "AGENCY", "show": "all"}, {"Assured one"}),
    ],
)
def test_filters_and_exports_hold_exactly_the_same_rows(client, cast, spread, params, expected):
    ids = {
        "AUDIT": cast.audit.pk,
        "OTHER_AUDIT": cast.other_audit.pk,
        "AGENCY": cast.agency.pk,
        "OTHER_AGENCY": cast.other_agency.pk,
    }
    query = {k: ids.get(v, v) for k, v in params.items()}
    login(client, cast.bm)
    page = _page_rows(client.get(TRACKER, query).content.decode())
    csv_rows = _csv_rows(client.get(CSV, query).content)
    xlsx_rows = _xlsx_rows(client.get(XLSX, query).content)
    assert [tuple(r[:2]) for r in csv_rows] == page
    assert [tuple(r[:2]) for r in xlsx_rows] == page
    assert {r[2] for r in csv_rows} == expected
    assert [r[2] for r in xlsx_rows] == [r[2] for r in csv_rows]


def test_export_columns_read_as_a_person_expects(client, cast, spread):
    login(client, cast.bm)
    rows = _csv_rows(client.get(CSV, {"state": "due_soon"}).content)
    assert rows == [
        [
            "Audit under test",
            "(b)",
            "Due at the meeting",
            "Riverton Children's Social Care, Riverton Police",
            f"{_days(10).day} {_days(10):%B %Y}",
            "Next Board meeting",
            "Open",
            "Due soon",
        ]
    ]
    response = client.get(XLSX)
    assert response["Content-Disposition"].startswith('attachment; filename="recommendation-tracker-')
    assert response["X-Content-Type-Options"] == "nosniff"


def test_filter_value_outside_the_users_scope_shows_nothing(client, cast, spread):
    login(client, cast.contributor)
    response = client.get(TRACKER, {"audit": cast.other_audit.pk + 1000})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert _page_rows(response.content.decode()) == []
    assert _csv_rows(client.get(CSV, {"audit": cast.other_audit.pk + 1000}).content) == []


def test_chart_counts_each_state_of_the_filtered_rows(client, cast, spread):
    login(client, cast.bm)
    html = client.get(TRACKER, {"audit": cast.audit.pk}).content.decode()
    assert "Recommendations per tracker state: On track 1, Due soon 1, Overdue 1, Assured 0, Closed 0" in html
    assert "<script" not in html.split("<main", 1)[1]
    assert "style=" not in html


@pytest.mark.parametrize("value", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tTab", "\rCR"])
def test_spreadsheet_formulas_are_neutralised_in_both_exports(client, cast, value):
    RecommendationFactory(audit=cast.audit, position=1, text=value, owners=[cast.agency])
    login(client, cast.bm)
    csv_text = _csv_rows(client.get(CSV).content)[0][2]
    xlsx_text = _xlsx_rows(client.get(XLSX).content)[0][2]
    for text in (csv_text, xlsx_text):
        assert text.startswith("'")
        assert "\0" not in text
    assert csv_text == export_cell(value)


def test_a_leading_nul_is_dropped_and_the_formula_behind_it_neutralised():
    # PostgreSQL cannot store NUL and Django's form fields refuse it, but the export guards anyway.
    assert export_cell("\0=1+1") == "'=1+1"


def test_neutralise_leaves_ordinary_text_alone():
    assert export_cell("Report to Board") == "Report to Board"
    assert export_cell("a = b") == "a = b"
    assert export_cell(None) == ""


def _make_many(cast, n, offset):
    audits = [cast.audit, cast.other_audit, AuditFactory(created_by=cast.bm)]
    meetings = [BoardMeetingFactory(date=_days(7 * (i + 1) + offset)) for i in range(3)]
    for i in range(n):
        RecommendationFactory(
            audit=audits[i % 3],
            position=offset + i + 1,
            deadline_date=None if i % 2 else _days(i - 5),
            deadline_meeting=meetings[i % 3] if i % 2 else None,
            owners=[cast.agency, cast.other_agency] if i % 3 else [cast.agency],
        )


@pytest.mark.parametrize("url", [TRACKER, CSV, XLSX, reverse("recommendations:board_home")])
def test_tracker_query_count_does_not_grow_with_recommendations(client, cast, url):
    login(client, cast.board)
    _make_many(cast, 3, offset=0)
    # The Board home's lists (due at the next Board meeting, changed since the last) each have a row
    # from the start, so what is measured is growth, not a first row's prefetch.
    BoardMeetingFactory(date=_days(-30))
    RecommendationFactory(audit=cast.audit, position=99, deadline_date=_days(2), owners=[cast.agency])
    client.get(url)  # warm the session and content types
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _make_many(cast, 30, offset=100)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    # The Board home also reads the Board meetings, what is due and what changed: a few fixed queries more.
    assert len(few) <= (16 if url == reverse("recommendations:board_home") else 12), len(few)


def test_board_home_shows_the_summary_without_case_detail(client, cast, spread):
    login(client, cast.board)
    response = client.get(reverse("recommendations:board_home"))
    html = response.content.decode()
    assert "Recommendations per tracker state (5 in all)" in html
    for label in ("On track", "Due soon", "Overdue", "Assured", "Closed"):
        cell = html.split(f'?state={label.lower().replace(" ", "_")}">{label}</a></th>')[1].split("</td>")[0]
        assert cell.endswith(">1")
    assert reverse("recommendations:tracker") in html
    # No case detail: no pseudonyms, no identifying terms, no response text.
    assert cast.case.pseudonym not in html
    assert cast.term.value not in html


def test_tracker_is_in_the_navigation_for_every_role_but_the_administrator(client, cast):
    for persona in ("bm", "panel", "contributor", "board"):
        login(client, getattr(cast, persona))
        assert f'href="{TRACKER}"' in client.get(reverse("recommendations:board_home")).content.decode()


@pytest.mark.parametrize("value", ['\x01=HYPERLINK("http://evil.example","x")', "\x1f+1+1", "\u200b=1+1"])
def test_a_formula_hidden_behind_a_control_or_invisible_character_stays_text(client, cast, value):
    # Cleaning happens before neutralising: openpyxl drops the control character when it writes the
    # cell, so a neutraliser that looked first would have let a live formula through.
    RecommendationFactory(audit=cast.audit, position=1, text=value, owners=[cast.agency])
    login(client, cast.bm)
    csv_text = _csv_rows(client.get(CSV).content)[0][2]
    cell = load_workbook(io.BytesIO(client.get(XLSX).content)).active.cell(row=2, column=3)
    assert cell.data_type == "s"
    for text in (csv_text, cell.value):
        assert text.startswith("'")
        assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", text)
