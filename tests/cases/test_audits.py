import datetime

import pytest
from django.urls import reverse

from cases.models import Audit, Case, number_in_words
from tests.helpers import login

pytestmark = pytest.mark.django_db


def test_number_in_words_matches_the_seed():
    assert [number_in_words(n) for n in (1, 2, 3, 4)] == ["One", "Two", "Three", "Four"]
    assert number_in_words(21) == "Twenty-One"
    assert number_in_words(105) == "One Hundred and Five"


def test_business_manager_opens_an_audit(client, cast):
    login(client, cast.bm)
    response = client.post(
        reverse("cases:audit_create"),
        {
            "title": "Neglect audit",
            "theme": "Neglect",
            "purpose": "Examine practice.\nLearn.",
            "period_start": "2026-01-01",
            "period_end": "2026-03-31",
            "status": "planning",
        },
    )
    audit = Audit.objects.get(title="Neglect audit")
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:audit_detail", kwargs={"audit_pk": audit.pk})
    assert audit.created_by == cast.bm
    assert audit.purpose_items == ["Examine practice.", "Learn."]


def test_audit_form_keeps_input_and_shows_error_next_to_field(client, cast):
    login(client, cast.bm)
    response = client.post(
        reverse("cases:audit_create"),
        {
            "title": "Kept title",
            "theme": "",
            "purpose": "p",
            "period_start": "2026-05-01",
            "period_end": "2026-01-01",
            "status": "planning",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Kept title"' in html
    assert "The period must end on or after the day it starts." in html
    assert "Enter a theme" in html and "This field is required." not in html
    assert '<a href="#id_theme">Enter a theme</a>' in html  # the error summary links to the field
    assert not Audit.objects.filter(title="Kept title").exists()


def test_uk_date_entry_is_accepted(client, cast):
    login(client, cast.bm)
    client.post(
        reverse("cases:audit_create"),
        {
            "title": "UK dates",
            "theme": "t",
            "purpose": "p",
            "period_start": "01/02/2026",
            "period_end": "28/02/2026",
            "status": "planning",
        },
    )
    assert Audit.objects.get(title="UK dates").period_start == datetime.date(2026, 2, 1)


def test_closing_an_audit_starts_the_retention_clock(client, cast):
    login(client, cast.bm)
    data = {
        "title": cast.audit.title,
        "theme": cast.audit.theme,
        "purpose": cast.audit.purpose,
        "period_start": "2026-01-01",
        "period_end": "2026-06-30",
        "status": "closed",
    }
    client.post(reverse("cases:audit_edit", kwargs={"audit_pk": cast.audit.pk}), data)
    cast.audit.refresh_from_db()
    assert cast.audit.closed_at is not None


def test_cases_are_numbered_in_order_with_pseudonyms(client, cast):
    login(client, cast.bm)
    url = reverse("cases:case_create", kwargs={"audit_pk": cast.audit.pk})
    data = {
        "selection_basis": "section_47",
        "child_status": "closed",
        "method": "paper",
        "agencies": [cast.agency.pk],
    }
    client.post(url, data)
    client.post(url, {**data, "method": "meeting", "child_status": "looked_after"})
    names = list(cast.audit.cases.order_by("number").values_list("pseudonym", flat=True))
    assert names == ["Case One", "Case Two", "Case Three"]
    case_three = Case.objects.get(audit=cast.audit, number=3)
    assert case_three.get_method_display() == "Reflective practice meeting"
    assert list(case_three.agencies.all()) == [cast.agency]


def test_case_form_error_is_shown_next_to_the_field(client, cast):
    login(client, cast.bm)
    response = client.post(
        reverse("cases:case_create", kwargs={"audit_pk": cast.audit.pk}),
        {"selection_basis": "nonsense", "child_status": "closed", "method": "paper"},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert cast.audit.cases.count() == 1


def test_panel_member_added_and_removed(client, cast):
    login(client, cast.bm)
    url = reverse("cases:panel_add", kwargs={"audit_pk": cast.audit.pk})
    response = client.post(url, {"user": cast.panel_other.pk, "panel_role": "Named Nurse"})
    assert response.status_code == 302
    membership = cast.audit.panel_memberships.get(user=cast.panel_other)
    assert membership.panel_role == "Named Nurse"
    # Someone already on the panel cannot be added twice.
    response = client.post(url, {"user": cast.panel_other.pk, "panel_role": "Again"})
    assert response.status_code == 400
    client.post(
        reverse("cases:panel_remove", kwargs={"audit_pk": cast.audit.pk, "membership_pk": membership.pk})
    )
    assert not cast.audit.panel_memberships.filter(user=cast.panel_other).exists()


def test_only_panel_members_can_be_seated(client, cast):
    login(client, cast.bm)
    response = client.post(
        reverse("cases:panel_add", kwargs={"audit_pk": cast.audit.pk}),
        {"user": cast.board.pk, "panel_role": "Board"},
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_identifying_term_added_and_duplicate_refused(client, cast):
    login(client, cast.bm)
    url = reverse("cases:term_add", kwargs={"case_pk": cast.case.pk})
    client.post(url, {"kind": "school", "value": "  Larchmont Primary  "})
    assert cast.case.identifying_terms.filter(value="Larchmont Primary").exists()
    response = client.post(url, {"kind": "school", "value": "larchmont primary"})
    assert response.status_code == 400
    assert "already in the register" in response.content.decode()
