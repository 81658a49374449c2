"""Who may open audits, cases and the identifying-terms register."""

import pytest
from django.urls import reverse

from accesslog.models import AccessLogEntry
from tests.helpers import login

pytestmark = pytest.mark.django_db


def case_url(case):
    return reverse("cases:case_detail", kwargs={"case_pk": case.pk})


def test_anonymous_user_is_sent_to_login(client, cast):
    response = client.get(case_url(cast.case))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_panel_member_of_another_audit_gets_404(client, cast):
    login(client, cast.panel_other)
    assert client.get(case_url(cast.case)).status_code == 404
    assert client.get(reverse("cases:audit_detail", kwargs={"audit_pk": cast.audit.pk})).status_code == 404


@pytest.mark.parametrize("persona", ["board", "contributor", "contributor_other", "admin"])
def test_roles_without_case_access_cannot_open_a_case(client, cast, persona):
    login(client, getattr(cast, persona))
    response = client.get(case_url(cast.case))
    assert response.status_code in (403, 404)
    assert b"Zephyrine" not in response.content


@pytest.mark.parametrize("persona", ["bm", "panel"])
def test_register_shown_to_business_manager_and_panel(client, cast, persona):
    login(client, getattr(cast, persona))
    response = client.get(case_url(cast.case))
    assert response.status_code == 200
    assert "Zephyrine Quillfeather" in response.content.decode()


def test_panel_member_sees_register_but_cannot_change_it(client, cast):
    login(client, cast.panel)
    response = client.get(case_url(cast.case))
    assert "Add to register" not in response.content.decode()
    response = client.post(
        reverse("cases:term_add", kwargs={"case_pk": cast.case.pk}),
        {"kind": "school", "value": "Sneaky School"},
    )
    assert response.status_code == 403
    assert not cast.case.identifying_terms.filter(value="Sneaky School").exists()


def test_audit_list_is_scoped_to_the_panel(client, cast):
    login(client, cast.panel)
    html = client.get(reverse("cases:audit_list")).content.decode()
    assert "Audit under test" in html
    assert "Another audit" not in html


def test_portal_lists_only_own_agency_returns(client, cast):
    login(client, cast.contributor_other)
    html = client.get(reverse("cases:portal")).content.decode()
    assert "Another audit" in html
    assert "Audit under test" not in html


def test_reading_a_case_is_logged(client, cast):
    login(client, cast.panel)
    client.get(case_url(cast.case))
    entry = AccessLogEntry.objects.filter(what="case").get()
    assert (entry.user, entry.case_id, entry.audit_id) == (cast.panel, cast.case.pk, cast.audit.pk)
    assert AccessLogEntry.objects.filter(what="identifying_terms", case_id=cast.case.pk).exists()


def test_case_pages_are_not_cached(client, cast):
    login(client, cast.bm)
    assert "no-store" in client.get(case_url(cast.case))["Cache-Control"]


def _query_count(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_case_page_query_count_is_flat(client, cast):
    from tests.factories import AgencyFactory, IdentifyingTermFactory

    login(client, cast.bm)
    url = case_url(cast.case)
    client.get(url)
    before = _query_count(client, url)
    for i in range(15):
        cast.case.agencies.add(AgencyFactory(name=f"Extra agency {i}"))
        IdentifyingTermFactory(case=cast.case, value=f"Extra term {i}", created_by=cast.bm)
    assert _query_count(client, url) == before
    assert before <= 25


def test_audit_page_query_count_is_flat(client, cast):
    from tests.factories import AgencyReturnFactory, CaseFactory

    login(client, cast.bm)
    url = reverse("cases:audit_detail", kwargs={"audit_pk": cast.audit.pk})
    client.get(url)
    before = _query_count(client, url)
    for n in range(2, 20):
        case = CaseFactory(audit=cast.audit, number=n)
        case.agencies.set([cast.agency])
        AgencyReturnFactory(case=case, agency=cast.agency, requested_by=cast.bm)
    assert _query_count(client, url) == before
    # The stages' task list (one aggregate query) and the learning panels (themes, re-audit) added
    # a fixed few; the count must stay the same however many cases and returns the audit holds.
    assert before <= 28
