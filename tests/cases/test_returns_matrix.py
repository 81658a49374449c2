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
    assert '>Draft</span> <span class="govuk-tag govuk-tag--red">Overdue</span>' in page
    assert "(Riverton Children&#x27;s Social Care, Case Two), overdue, due " in page
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
