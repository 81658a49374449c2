"""The completion matrix on the audit's returns page: case x agency, each cell's status, counts per status."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import AgencyFactory, AgencyReturnFactory, CaseFactory
from tests.helpers import login

pytestmark = pytest.mark.django_db


def _audit_page(client, cast):
    """The audit's returns page, where the matrix is."""
    return client.get(reverse("cases:audit_returns", kwargs={"audit_pk": cast.audit.pk}))


def test_matrix_shows_each_cells_status_and_the_counts(cast, client):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    AgencyReturnFactory(case=cast.case, agency=cast.other_agency, status="submitted")
    case2 = CaseFactory(audit=cast.audit, number=2)
    AgencyReturnFactory(case=case2, agency=cast.agency, status="draft", due_date=yesterday)  # overdue
    AgencyReturnFactory(case=case2, agency=cast.other_agency, status="accepted", due_date=yesterday)
    # A return of another audit is not counted here.
    AgencyReturnFactory(case=cast.other_case, agency=cast.agency, status="returned")
    login(client, cast.panel)
    response = _audit_page(client, cast)
    matrix = response.context["returns_matrix"]
    assert [a.name for a in matrix.agencies] == ["Riverton Children's Social Care", "Riverton Police"]
    grid = [
        (case.pseudonym, [(r.cell_status, r.is_overdue) if r else None for r in cells])
        for case, cells in matrix.rows
    ]
    # A late return keeps its status; "overdue" is shown beside it, not instead of it.
    assert grid == [
        ("Case One", [("requested", False), ("submitted", False)]),
        ("Case Two", [("draft", True), ("accepted", False)]),
    ]
    assert {key: n for key, _, n in matrix.counts} == {
        "requested": 1,
        "draft": 1,
        "submitted": 1,
        "returned": 0,
        "accepted": 1,
        "overdue": 1,
    }
    page = response.content.decode()
    assert "Agency returns: completion" in page and "Overdue: <strong>1</strong>" in page
    # Status, lateness and due date in words, each a tag or text (never colour alone).
    table = page.split('<table class="govuk-table app-table--matrix">')[1].split("</table>")[0]
    late = table.split("(Riverton Children&#x27;s Social Care, Case Two)")[1].split("</td>")[0]
    assert '<span class="govuk-tag govuk-tag--red">Overdue by 1 day</span>' in late
    assert f"Due {yesterday:%-d %B %Y}" in late
    assert '>Draft</span><span class="govuk-visually-hidden">' in table
    assert 'id="matrix-legend"' in page
    assert reverse("cases:return_detail", kwargs={"return_pk": cast.agency_return.pk}) in page


def test_matrix_is_not_shown_to_a_panel_member_of_another_audit(cast, client):
    login(client, cast.panel_other)
    assert _audit_page(client, cast).status_code == 404


def test_matrix_query_count_is_flat(cast, client, django_assert_max_num_queries):
    login(client, cast.bm)
    _audit_page(client, cast)  # warm up (session, content types)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        _audit_page(client, cast)
    agencies = [AgencyFactory(name=f"Matrix agency {i}") for i in range(8)]
    for n in range(2, 12):
        case = CaseFactory(audit=cast.audit, number=n)
        for agency in agencies:
            AgencyReturnFactory(case=case, agency=agency, requested_by=cast.bm)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = _audit_page(client, cast)
    assert response.context["returns_matrix"].total == 81


def test_matrix_says_how_late_each_return_is_and_when_it_is_due(cast, client):
    today = timezone.localdate()
    cast.agency_return.due_date = today - datetime.timedelta(days=12)
    cast.agency_return.save()
    case2 = CaseFactory(audit=cast.audit, number=2)
    on_time = AgencyReturnFactory(
        case=case2,
        agency=cast.agency,
        status="submitted",
        due_date=today + datetime.timedelta(days=3),
        submitted_at=timezone.now(),
    )
    late = AgencyReturnFactory(
        case=case2,
        agency=cast.other_agency,
        status="accepted",
        due_date=today - datetime.timedelta(days=5),
        submitted_at=timezone.now() - datetime.timedelta(days=2),
    )
    login(client, cast.bm)
    page = _audit_page(client, cast).content.decode()
    table = page.split('<table class="govuk-table app-table--matrix">')[1].split("</table>")[0]

    def cell(r, pseudonym):
        return table.split(f"({r.agency.name.replace(chr(39), '&#x27;')}, {pseudonym})")[1].split("</td>")[0]

    overdue = cell(cast.agency_return, "Case One")
    assert "Overdue by 12 days" in overdue and f"Due {cast.agency_return.due_date:%-d %B %Y}" in overdue
    assert "Submitted on time" in cell(on_time, "Case Two") and "Overdue" not in cell(on_time, "Case Two")
    assert f"Submitted 3 days late (due {late.due_date:%-d %B %Y})" in cell(late, "Case Two")
    # Case One's police return was never asked for: said in words.
    case_one_row = table.split(">Case One</a></th>")[1].split("</tr>")[0]
    assert "Not requested" in case_one_row
    legend = page.split('id="matrix-legend"')[1].split("</details>")[0]
    for words in ("Overdue by 3 days", "Due 1 March 2027", "Submitted 2 days late", "Not requested"):
        assert words in legend


def test_matrix_has_a_card_per_case_for_a_phone(cast, client):
    AgencyReturnFactory(case=cast.case, agency=cast.other_agency, status="draft")
    CaseFactory(audit=cast.audit, number=2)  # nothing asked yet
    login(client, cast.panel)
    page = _audit_page(client, cast).content.decode()
    cards = page.split('<div class="app-matrix-cards">')[1].split("</section>")[0]
    assert cards.count('class="govuk-summary-card"') == 2
    one, two = cards.split('class="govuk-summary-card"')[1:]
    assert ">Case One</a></h4>" in one and ">Case Two</a></h4>" in two
    # A row per return asked, keyed by the agency, with the same status, lateness and due date.
    assert one.count('class="govuk-summary-list__row"') == 2
    assert '<dt class="govuk-summary-list__key">Riverton Police</dt>' in one
    assert ">Draft</span>" in one and ">Requested</span>" in one
    assert f"Due {cast.agency_return.due_date:%-d %B %Y}" in one
    assert "No returns requested for this case yet." in two
