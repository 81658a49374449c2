"""Chronologies of real length through the real edit form and view: 1,000 rows save, the limit is the
feature's own (stated on the page, and Django's request limits are derived from it), a save changes only
the rows that changed, and a refused save gives every row back as typed with a summary of the problems."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse

from cases.limits import CHRONOLOGY_FIELDS_PER_ROW, CHRONOLOGY_MAX_ROWS
from cases.models import AgencyReturn, ChronologyEntry
from tests.helpers import login

from .returns_helpers import MEETING_TEXT, edit_post, post_form, stored_rows

pytestmark = pytest.mark.django_db

START = datetime.date(2023, 1, 2)


def _rows(n, *, prefix="Event"):
    return [
        {
            "date": (START + datetime.timedelta(days=i)).strftime("%d/%m/%Y"),
            "what_happened": f"{prefix} {i + 1}: home visit, child seen alone and spoken to.",
            "who_involved": "Social worker",
            "source": "Case note",
            "significance": "Child's views recorded." if i % 3 == 0 else "",
            "is_key_event": i % 10 == 0,
        }
        for i in range(n)
    ]


def _edit_url(agency_return):
    return reverse("cases:return_edit", kwargs={"return_pk": agency_return.pk})


def test_request_limits_come_from_the_chronology_limit():
    # Every field of a full chronology, plus the rest of the form, reaches the view.
    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS >= CHRONOLOGY_MAX_ROWS * CHRONOLOGY_FIELDS_PER_ROW + 20
    assert CHRONOLOGY_MAX_ROWS >= 1000


def test_a_thousand_row_chronology_saves_through_the_form(cast, client):
    login(client, cast.contributor)
    url = _edit_url(cast.agency_return)
    response = post_form(client, url, edit_post(cast.agency_return, fields=MEETING_TEXT, rows=_rows(1000)))
    assert response.status_code == 302, response.content.decode()[:500]
    entries = list(cast.agency_return.entries.order_by("position"))
    assert len(entries) == 1000
    assert entries[0].what_happened.startswith("Event 1:") and entries[999].what_happened.startswith(
        "Event 1000:"
    )
    assert entries[999].date == START + datetime.timedelta(days=999)
    assert sum(e.is_key_event for e in entries) == 100
    # The page reads it back in full, and states the limit before anyone reaches it.
    page = client.get(url)
    assert len(page.context["rows"]) == 1000
    assert f"up to <strong>{CHRONOLOGY_MAX_ROWS:,} rows</strong>; this one has" in page.content.decode()


def test_a_chronology_at_the_limit_saves_and_one_past_it_is_refused_with_nothing_lost(cast, client):
    login(client, cast.contributor)
    url = _edit_url(cast.agency_return)
    full = post_form(client, url, edit_post(cast.agency_return, rows=_rows(CHRONOLOGY_MAX_ROWS)))
    assert full.status_code == 302
    assert cast.agency_return.entries.count() == CHRONOLOGY_MAX_ROWS

    version = AgencyReturn.objects.get(pk=cast.agency_return.pk).version
    rows = stored_rows(client.get(url)) + [{"date": "01/01/2030", "what_happened": "One row too many"}]
    refused = post_form(client, url, edit_post(cast.agency_return, version=version, rows=rows))
    assert refused.status_code == 400
    page = refused.content.decode()
    assert (
        f"A chronology holds at most {CHRONOLOGY_MAX_ROWS:,} rows; this one has {CHRONOLOGY_MAX_ROWS + 1:,}"
        in page
    )
    assert "One row too many" in page and len(refused.context["rows"]) == CHRONOLOGY_MAX_ROWS + 1
    assert cast.agency_return.entries.count() == CHRONOLOGY_MAX_ROWS


def test_a_save_that_changes_one_row_changes_only_that_row(cast, client):
    login(client, cast.contributor)
    url = _edit_url(cast.agency_return)
    post_form(client, url, edit_post(cast.agency_return, rows=_rows(1000)))
    before = {e.pk: (e.position, e.updated_at, e.what_happened) for e in cast.agency_return.entries.all()}

    page = client.get(url)
    rows = stored_rows(page)
    assert all(row["id"] for row in rows)
    rows[500]["what_happened"] = "Corrected: the visit was unannounced."
    version = page.context["form"].initial["version"]
    response = post_form(client, url, edit_post(cast.agency_return, version=version, rows=rows))
    assert response.status_code == 302

    after = {e.pk: (e.position, e.updated_at, e.what_happened) for e in cast.agency_return.entries.all()}
    assert set(after) == set(before), "every row keeps its id"
    changed = [pk for pk in after if after[pk] != before[pk]]
    assert changed == [rows[500]["id"]]
    assert after[rows[500]["id"]][2] == "Corrected: the visit was unannounced."


def test_moving_adding_and_removing_rows_keeps_the_other_rows_ids(cast, client):
    login(client, cast.contributor)
    url = _edit_url(cast.agency_return)
    post_form(client, url, edit_post(cast.agency_return, rows=_rows(5)))
    page = client.get(url)
    rows = stored_rows(page)
    ids = [row["id"] for row in rows]
    # Row 5 moves to the top, row 3 goes, a new row is added at the end.
    new_order = [rows[4], rows[0], rows[1], rows[3], {"date": "01/02/2024", "what_happened": "New row"}]
    version = page.context["form"].initial["version"]
    assert (
        post_form(client, url, edit_post(cast.agency_return, version=version, rows=new_order)).status_code
        == 302
    )
    entries = list(cast.agency_return.entries.order_by("position"))
    assert [e.pk for e in entries[:4]] == [ids[4], ids[0], ids[1], ids[3]]
    assert entries[4].pk not in ids and entries[4].what_happened == "New row"
    assert not ChronologyEntry.objects.filter(pk=ids[2]).exists()


def test_an_id_from_another_return_cannot_be_edited_through_this_one(cast, client):
    from tests.factories import ChronologyEntryFactory

    foreign = ChronologyEntryFactory(agency_return=cast.other_return, what_happened="Another agency's row")
    login(client, cast.contributor)
    rows = [{"id": foreign.pk, "date": "01/02/2024", "what_happened": "Overwritten?"}]
    assert (
        post_form(client, _edit_url(cast.agency_return), edit_post(cast.agency_return, rows=rows)).status_code
        == 302
    )
    foreign.refresh_from_db()
    assert foreign.what_happened == "Another agency's row"
    # The posted row became a new row of this return instead.
    assert cast.agency_return.entries.get().what_happened == "Overwritten?"


def test_a_refused_save_gives_back_every_row_as_typed_with_a_summary(cast, client):
    login(client, cast.contributor)
    url = _edit_url(cast.agency_return)
    rows = _rows(1000, prefix="Typed")
    rows[699]["date"] = "31/02/2024"  # row 700: no such date
    rows[899]["what_happened"] = ""  # row 900: nothing said
    rows[899]["who_involved"] = "Health visitor, typed"
    response = post_form(
        client, url, edit_post(cast.agency_return, fields={"involvement": "My paragraph"}, rows=rows)
    )
    assert response.status_code == 400
    assert not cast.agency_return.entries.exists()
    shown = response.context["rows"]
    assert len(shown) == 1000
    assert [r["what_happened"] for r in shown] == [r["what_happened"] for r in rows]
    assert shown[699]["date"] == "31/02/2024" and shown[899]["who_involved"] == "Health visitor, typed"
    page = response.content.decode()
    assert "There is a problem: nothing was saved" in page
    # One GOV.UK error summary, each row's problem linked to the input at fault.
    assert page.count('class="govuk-error-summary"') == 1
    assert '<li><a href="#entries-699-date">Row 700, Date:' in page
    assert '<li><a href="#entries-899-what_happened">Row 900, What happened: Describe what happened.' in page
    assert (
        'class="govuk-input govuk-input--width-10 govuk-input--error" type="text" name="entries-699-date"'
        in page
    )
    assert 'aria-describedby="entries-699-date-error"' in page and 'id="entries-699-date-error"' in page
    assert 'id="entries-699-date"' in page and 'value="31/02/2024"' in page
    assert "My paragraph" in page


def test_a_stale_save_of_a_long_chronology_keeps_the_typing(cast, client):
    login(client, cast.contributor)
    url = _edit_url(cast.agency_return)
    post_form(client, url, edit_post(cast.agency_return, rows=_rows(300)))
    page = client.get(url)
    rows = stored_rows(page)
    rows[250]["what_happened"] = "My careful correction"
    # Someone else saves first.
    other = stored_rows(page)
    other[0]["what_happened"] = "Their change"
    version = page.context["form"].initial["version"]
    assert (
        post_form(client, url, edit_post(cast.agency_return, version=version, rows=other)).status_code == 302
    )
    response = post_form(client, url, edit_post(cast.agency_return, version=version, rows=rows))
    assert response.status_code == 409
    assert response.context["rows"][250]["what_happened"] == "My careful correction"
    assert "Someone else saved this return after you opened it" in response.content.decode()
    assert cast.agency_return.entries.get(position=250).what_happened != "My careful correction"


@pytest.mark.postgres
def test_an_entrys_history_shows_its_real_edits(cast, client):
    from history.models import ChronologyEntryEvent

    login(client, cast.contributor)
    url = _edit_url(cast.agency_return)
    post_form(client, url, edit_post(cast.agency_return, rows=_rows(1000)))
    assert ChronologyEntryEvent.objects.count() == 1000  # one "created" event a row
    page = client.get(url)
    rows = stored_rows(page)
    rows[10]["significance"] = "First sign of neglect."
    version = page.context["form"].initial["version"]
    assert (
        post_form(client, url, edit_post(cast.agency_return, version=version, rows=rows)).status_code == 302
    )
    # One save changing one row: one history event, on that row.
    events = ChronologyEntryEvent.objects.order_by("-pgh_id")
    assert events.count() == 1001
    assert (events[0].pgh_obj_id, events[0].pgh_label, events[0].significance) == (
        rows[10]["id"],
        "update",
        "First sign of neglect.",
    )
    login(client, cast.bm)  # the history pages are the Business Manager's
    history = client.get(
        reverse(
            "history:record_history",
            kwargs={"app_label": "cases", "model_name": "chronologyentry", "object_pk": rows[10]["id"]},
        )
    )
    assert history.status_code == 200
    assert "First sign of neglect." in history.content.decode()
