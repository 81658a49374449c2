"""Hostile input in free-text fields: stored as typed, rendered inert, never a server error.

Forms covered here: audit, case, identifying term (the foundation's). Each feature adds its own
forms to FUZZED_FORMS below as it lands (returns, notes, learning points, recommendations...)."""

import datetime

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.models import Audit, Case, IdentifyingTerm
from tests.helpers import login

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('x')</script>"
HANDLER = '<img src=x onerror="alert(1)">'
HOSTILE = [
    SCRIPT,
    HANDLER,
    '"><svg onload=alert(1)>',
    "javascript:alert(1)",
    "Case \u202egnp.exe\u202c name",  # right-to-left override
    "bell\x07 escape\x1b[31m tab\tdone",  # control characters
    "{{ 7|add:7 }} {% csrf_token %}",  # template syntax is text, not code
]


def assert_inert(html, value):
    """The value's markup never reaches the page as markup, nor its template syntax as code."""
    if "{{" in value:
        assert "{{ 7|add:7 }}" in html
    for dangerous in ("<script>alert", "<img src=x onerror", "<svg onload"):
        assert dangerous not in html
    if "<" in value:
        assert value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")[:20] in html.replace(
            "&#x27;", "'"
        ).replace("&quot;", '"')


def audit_data(**overrides):
    data = {
        "title": "Hostile audit",
        "theme": "Neglect",
        "purpose": "Look at things.",
        "period_start": "2026-01-01",
        "period_end": "2026-03-31",
        "status": Audit.Status.PLANNING,
    }
    return {**data, **overrides}


@pytest.mark.parametrize("value", HOSTILE)
def test_audit_title_and_purpose_are_stored_as_typed_and_shown_inert(client, cast, value):
    login(client, cast.bm)
    response = client.post(reverse("cases:audit_create"), audit_data(title=value, purpose=f"First\n{value}"))
    assert response.status_code == 302, response.content.decode()[:2000]
    audit = Audit.objects.get(title=value)
    assert audit.purpose == f"First\n{value}"
    assert_inert(client.get(response["Location"]).content.decode(), value)


@pytest.mark.parametrize("value", HOSTILE)
def test_case_summary_is_stored_as_typed_and_shown_inert(client, cast, value):
    login(client, cast.bm)
    response = client.post(
        reverse("cases:case_edit", kwargs={"case_pk": cast.case.pk}),
        {
            "selection_basis": cast.case.selection_basis,
            "child_status": cast.case.child_status,
            "method": cast.case.method,
            "agencies": [cast.agency.pk],
            "summary": value,
        },
    )
    assert response.status_code == 302
    cast.case.refresh_from_db()
    assert cast.case.summary == value.strip()
    assert_inert(client.get(response["Location"]).content.decode(), value)


@pytest.mark.parametrize("value", HOSTILE)
def test_identifying_term_is_stored_as_typed_and_shown_inert(client, cast, value):
    login(client, cast.bm)
    response = client.post(
        reverse("cases:term_add", kwargs={"case_pk": cast.case.pk}), {"kind": "other", "value": value}
    )
    assert response.status_code == 302
    assert IdentifyingTerm.objects.filter(case=cast.case, value=value.strip()).exists()
    html = client.get(reverse("cases:case_detail", kwargs={"case_pk": cast.case.pk})).content.decode()
    assert_inert(html, value)


def test_very_long_text_is_refused_with_a_message_where_the_field_has_a_limit(client, cast):
    login(client, cast.bm)
    response = client.post(reverse("cases:audit_create"), audit_data(title="A" * 10_000))
    assert response.status_code == 200
    assert "Ensure this value has at most 250 characters" in response.content.decode()
    assert not Audit.objects.filter(theme="Neglect").exists()


def test_very_long_text_is_kept_whole_where_the_field_has_no_limit(client, cast):
    login(client, cast.bm)
    purpose = "Examine practice. " * 20_000
    response = client.post(reverse("cases:audit_create"), audit_data(purpose=purpose))
    assert response.status_code == 302
    assert Audit.objects.get(title="Hostile audit").purpose == purpose.strip()


def test_a_nul_character_is_refused_with_a_message_not_an_error(client, cast):
    login(client, cast.bm)
    response = client.post(reverse("cases:audit_create"), audit_data(title="Null\x00byte"))
    assert response.status_code == 200
    assert "Null characters are not allowed" in response.content.decode()


# --- Fuzzing: whatever is typed, the answer is a page or a redirect, never a server error ------

TEXT = st.text(max_size=400)
SETTINGS = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _post_ok(client, url, data):
    response = client.post(url, data)
    assert response.status_code < 500, (url, data)
    return response


@SETTINGS
@given(title=TEXT, theme=TEXT, purpose=TEXT, start=st.dates(), end=st.dates(), status=TEXT)
def test_fuzz_audit_form(client, cast, title, theme, purpose, start, end, status):
    login(client, cast.bm)
    _post_ok(
        client,
        reverse("cases:audit_create"),
        {
            "title": title,
            "theme": theme,
            "purpose": purpose,
            "period_start": start,
            "period_end": end,
            "status": status,
        },
    )
    _post_ok(
        client,
        reverse("cases:audit_edit", kwargs={"audit_pk": cast.audit.pk}),
        {"title": title, "theme": theme, "purpose": purpose, "period_start": str(start), "period_end": "x"},
    )


@SETTINGS
@given(summary=TEXT, basis=st.sampled_from([*Case.SelectionBasis.values, "", "<x>"]), agencies=TEXT)
def test_fuzz_case_form(client, cast, summary, basis, agencies):
    login(client, cast.bm)
    _post_ok(
        client,
        reverse("cases:case_create", kwargs={"audit_pk": cast.audit.pk}),
        {
            "selection_basis": basis,
            "child_status": "closed",
            "method": "paper",
            "summary": summary,
            "agencies": agencies,
        },
    )


@SETTINGS
@given(kind=st.sampled_from([*IdentifyingTerm.Kind.values, "", "bogus"]), value=TEXT)
def test_fuzz_identifying_term_form(client, cast, kind, value):
    login(client, cast.bm)
    _post_ok(
        client, reverse("cases:term_add", kwargs={"case_pk": cast.case.pk}), {"kind": kind, "value": value}
    )


@SETTINGS
@given(user=TEXT, case=TEXT, date_from=TEXT, date_to=st.one_of(TEXT, st.dates().map(datetime.date.isoformat)))
def test_fuzz_access_log_search(client, cast, user, case, date_from, date_to):
    login(client, cast.bm)
    query = {"user": user, "case": case, "date_from": date_from, "date_to": date_to}
    assert client.get(reverse("accesslog:search"), query).status_code == 200
    assert client.get(reverse("accesslog:export"), query).status_code == 200
