"""Change history (django-pghistory): before/after values with who and when, for every write path."""

import pytest
from django.db import connection
from django.urls import reverse

from cases.models import ChronologyEntry
from history.models import CaseEvent, ChronologyEntryEvent, IdentifyingTermEvent
from tests.factories import ChronologyEntryFactory
from tests.helpers import login

pytestmark = pytest.mark.django_db


def history_url(obj):
    return reverse(
        "history:record_history",
        kwargs={"app_label": obj._meta.app_label, "model_name": obj._meta.model_name, "object_pk": obj.pk},
    )


@pytest.mark.postgres
def test_history_shows_before_and_after_of_an_edited_chronology_entry(client, cast):
    import pghistory

    entry = ChronologyEntryFactory(
        agency_return=cast.agency_return, what_happened="Strategy discussion held."
    )
    with pghistory.context(user=cast.contributor.pk, url="/returns/edit/"):
        entry.what_happened = "Strategy discussion held with the school nurse."
        entry.who_involved = "Social worker; school nurse"
        entry.save()
    login(client, cast.bm)
    html = client.get(history_url(entry)).content.decode()
    changed = html.split('history-event"')[1]  # newest first
    assert "Changed on" in changed and "by Cora Contributor" in changed
    assert '<td class="govuk-table__cell before">Strategy discussion held.</td>' in changed
    assert (
        '<td class="govuk-table__cell after">Strategy discussion held with the school nurse.</td>' in changed
    )
    assert '<td class="govuk-table__cell before">Social worker; police officer</td>' in changed
    assert "Created on" in html
    # Fields that did not change are not listed as changes.
    assert "Source document" not in changed


@pytest.mark.postgres
def test_a_queryset_update_is_recorded(cast):
    entry = ChronologyEntryFactory(agency_return=cast.agency_return)
    ChronologyEntry.objects.filter(pk=entry.pk).update(what_happened="Changed behind the ORM's back")
    events = ChronologyEntryEvent.objects.filter(pgh_obj_id=entry.pk).order_by("pgh_id")
    assert [e.pgh_label for e in events] == ["insert", "update"]
    assert events[1].what_happened == "Changed behind the ORM's back"


@pytest.mark.postgres
def test_raw_sql_and_deletes_are_recorded(cast):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_identifyingterm SET value = 'Raw edit' WHERE id = %s", [cast.term.pk])
    term_pk = cast.term.pk
    cast.term.delete()
    labels = list(
        IdentifyingTermEvent.objects.filter(pgh_obj_id=term_pk)
        .order_by("pgh_id")
        .values_list("pgh_label", "value")
    )
    assert labels == [("insert", "Zephyrine Quillfeather"), ("update", "Raw edit"), ("delete", "Raw edit")]


@pytest.mark.postgres
def test_an_edit_through_a_page_records_who_made_it(client, cast):
    login(client, cast.bm)
    response = client.post(
        reverse("cases:case_edit", kwargs={"case_pk": cast.case.pk}),
        {
            "selection_basis": cast.case.selection_basis,
            "child_status": "looked_after",
            "method": cast.case.method,
            "agencies": [cast.agency.pk],
            "summary": "Now looked after.",
        },
    )
    assert response.status_code == 302
    event = CaseEvent.objects.filter(pgh_obj_id=cast.case.pk, pgh_label="update").get()
    assert event.pgh_context.metadata["user"] == cast.bm.pk
    html = client.get(history_url(cast.case)).content.decode()
    assert "by Beatrice Manager" in html
    assert '<td class="govuk-table__cell before">Child protection plan</td>' in html
    assert '<td class="govuk-table__cell after">Looked after</td>' in html


def test_unknown_record_types_have_no_history_page(client, cast):
    login(client, cast.bm)
    url = reverse(
        "history:record_history",
        kwargs={"app_label": "notifications", "model_name": "notification", "object_pk": 1},
    )
    assert client.get(url).status_code == 404


def test_on_sqlite_the_page_says_no_history_is_recorded(client, cast):
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL records history")
    login(client, cast.bm)
    html = client.get(history_url(cast.case)).content.decode()
    assert "records no change history" in html


@pytest.mark.postgres
def test_history_page_query_count_is_flat(client, cast, django_assert_max_num_queries):
    entry = ChronologyEntryFactory(agency_return=cast.agency_return)
    for n in range(20):
        ChronologyEntry.objects.filter(pk=entry.pk).update(what_happened=f"Version {n}")
    login(client, cast.bm)
    with django_assert_max_num_queries(16):
        assert client.get(history_url(entry)).status_code == 200
