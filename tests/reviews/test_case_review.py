"""The case review page: who may open it, what it shows, the notes thread, circulation of the pack."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accesslog.models import AccessLogEntry
from notifications.models import Notification
from reviews.models import CaseNote
from tests.factories import AgencyFactory, CaseNoteFactory, PanelMembershipFactory, UserFactory
from tests.helpers import login

from .factories import entries, submitted_return

pytestmark = pytest.mark.django_db


def review_url(case):
    return reverse("reviews:case_review", kwargs={"case_pk": case.pk})


@pytest.fixture
def readable(cast):
    """The cast's case with two submitted returns side by side, one per template field set."""
    csc = submitted_return(
        cast.case,
        cast.agency,
        cast.bm,
        involvement="Allocated social worker from the locality team.",
        policy_analysis="Strategy discussion held within the timescale.",
        practice_analysis="Direct work with the child was consistent.",
        lessons_learnt="Archived records helped build the family history.",
    )
    police = submitted_return(
        cast.case, cast.other_agency, cast.bm, involvement="Joint investigation with the locality team."
    )
    entries(csc, 2, text="Home visit by the social worker")
    entries(police, 1, text="Achieving best evidence interview")
    return cast


@pytest.mark.parametrize("persona", ["bm", "panel"])
def test_business_manager_and_audit_panel_read_returns_timeline_and_notes(client, readable, persona):
    cast = readable
    CaseNoteFactory(case=cast.case, author=cast.panel, body="Ask about the strategy discussion.")
    login(client, getattr(cast, persona))
    response = client.get(review_url(cast.case))
    assert response.status_code == 200
    html = response.content.decode()
    # each return, by agency, with the fields of its template
    assert "Riverton Children&#x27;s Social Care" in html and "Riverton Police" in html
    assert "Strategy discussion held within the timescale." in html
    assert "Lessons learnt so far" in html
    assert "Joint investigation with the locality team." in html
    # the merged timeline and the notes thread
    assert "Home visit by the social worker 1" in html
    assert "Achieving best evidence interview 0" in html
    assert "Ask about the strategy discussion." in html
    assert "Paula Panel" in html
    assert AccessLogEntry.objects.filter(
        user=getattr(cast, persona), what="case_review", case_id=cast.case.pk
    ).exists()


def test_panel_member_of_another_audit_gets_404_for_review_notes_and_pack(client, readable):
    cast = readable
    note = CaseNoteFactory(case=cast.case, author=cast.panel)
    login(client, cast.panel_other)
    kwargs = {"case_pk": cast.case.pk}
    assert client.get(review_url(cast.case)).status_code == 404
    assert client.get(reverse("reviews:case_pack_pdf", kwargs=kwargs)).status_code == 404
    assert client.post(reverse("reviews:note_add", kwargs=kwargs), {"body": "Sneaky"}).status_code == 404
    assert client.get(reverse("reviews:note_edit", kwargs={**kwargs, "note_pk": note.pk})).status_code == 404
    assert not CaseNote.objects.filter(body="Sneaky").exists()


@pytest.mark.parametrize("persona", ["board", "contributor", "contributor_other", "admin"])
def test_other_roles_cannot_open_review_page_notes_or_pack(client, readable, persona):
    cast = readable
    login(client, getattr(cast, persona))
    kwargs = {"case_pk": cast.case.pk}
    for url in (review_url(cast.case), reverse("reviews:case_pack_pdf", kwargs=kwargs)):
        response = client.get(url)
        assert response.status_code in (403, 404)
        assert b"Strategy discussion" not in response.content
    assert client.post(reverse("reviews:note_add", kwargs=kwargs), {"body": "x"}).status_code in (403, 404)


def test_draft_returns_are_not_shown_to_the_panel(client, cast):
    cast.agency_return.involvement = "Draft text not yet submitted"
    cast.agency_return.status = "draft"
    cast.agency_return.save()
    login(client, cast.panel)
    html = client.get(review_url(cast.case)).content.decode()
    assert "Draft text not yet submitted" not in html
    assert "Not yet received" in html


def test_panel_member_adds_a_note_and_empty_note_is_refused_with_text_kept(client, cast):
    login(client, cast.panel)
    url = reverse("reviews:note_add", kwargs={"case_pk": cast.case.pk})
    response = client.post(url, {"body": "   "})
    assert response.status_code == 400
    assert "Enter a note" in response.content.decode()
    response = client.post(url, {"body": "The school's return is thorough."}, follow=True)
    assert "The school&#x27;s return is thorough." in response.content.decode()
    note = CaseNote.objects.get()
    assert note.author == cast.panel


def test_only_the_author_edits_a_note_and_the_old_text_is_kept(client, cast):
    note = CaseNoteFactory(case=cast.case, author=cast.panel, body="First thoughts.")
    edit_url = reverse("reviews:note_edit", kwargs={"case_pk": cast.case.pk, "note_pk": note.pk})
    # another reader of the same case (the Business Manager) cannot edit it
    login(client, cast.bm)
    assert client.post(edit_url, {"body": "Changed by someone else"}).status_code == 404
    client.logout()
    login(client, cast.panel)
    response = client.post(edit_url, {"body": "Second thoughts."})
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.body == "Second thoughts."
    assert [r.body for r in note.revisions.all()] == ["First thoughts."]
    html = client.get(review_url(cast.case)).content.decode()
    assert "Edit history (1)" in html and "First thoughts." in html and "Second thoughts." in html


def test_other_users_see_no_edit_link_on_a_note(client, cast):
    CaseNoteFactory(case=cast.case, author=cast.panel, body="Mine.")
    login(client, cast.bm)
    html = client.get(review_url(cast.case)).content.decode()
    assert "Mine." in html
    assert "/notes/" not in html.split('id="notes"')[1].split("<form")[0]


def test_user_text_is_escaped_on_the_review_page(client, cast):
    CaseNoteFactory(case=cast.case, author=cast.panel, body="<script>alert(1)</script>")
    login(client, cast.panel)
    html = client.get(review_url(cast.case)).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# --- Circulation -------------------------------------------------------------------------------


def test_business_manager_circulates_the_pack_and_the_panel_is_emailed_once(
    client, cast, django_capture_on_commit_callbacks
):
    second = UserFactory(email="second.panel@test.example", full_name="Sam Second", role="panel_member")
    PanelMembershipFactory(audit=cast.audit, user=second, panel_role="Named Nurse")
    login(client, cast.bm)
    url = reverse("reviews:case_pack_circulate", kwargs={"case_pk": cast.case.pk})
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"circulated_on": today.isoformat()}, follow=True)
    assert "2 panel members e-mailed" in response.content.decode()
    cast.case.refresh_from_db()
    assert timezone.localdate(cast.case.pack_circulated_at) == today
    assert sorted(m.to[0] for m in mail.outbox) == ["panel@test.example", "second.panel@test.example"]
    message = mail.outbox[0]
    assert cast.case.pseudonym in message.subject
    assert review_url(cast.case) in message.body
    # pseudonym only: nothing from the identifying-terms register
    assert "Zephyrine" not in message.body and "Zephyrine" not in message.subject
    # the same circulation date again sends nothing new
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"circulated_on": today.isoformat()})
    assert len(mail.outbox) == 2
    assert Notification.objects.filter(kind="case_pack_circulated").count() == 2


def test_circulating_on_a_new_date_tells_the_panel_again(client, cast, django_capture_on_commit_callbacks):
    login(client, cast.bm)
    url = reverse("reviews:case_pack_circulate", kwargs={"case_pk": cast.case.pk})
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"circulated_on": yesterday.isoformat()})
        client.post(url, {"circulated_on": timezone.localdate().isoformat()})
    assert len(mail.outbox) == 2


def test_panel_member_cannot_circulate_the_pack(client, cast):
    login(client, cast.panel)
    url = reverse("reviews:case_pack_circulate", kwargs={"case_pk": cast.case.pk})
    assert client.post(url, {"circulated_on": "2026-01-01"}).status_code == 403
    cast.case.refresh_from_db()
    assert cast.case.pack_circulated_at is None
    assert mail.outbox == []


# --- The case page section ------------------------------------------------------------------------


def test_case_page_links_to_review_pack_meeting_and_findings(client, cast):
    login(client, cast.bm)
    html = client.get(reverse("cases:case_detail", kwargs={"case_pk": cast.case.pk})).content.decode()
    assert review_url(cast.case) in html
    assert reverse("reviews:case_pack_pdf", kwargs={"case_pk": cast.case.pk}) in html
    assert reverse("reviews:findings", kwargs={"case_pk": cast.case.pk}) in html
    assert reverse("reviews:meeting_create", kwargs={"case_pk": cast.case.pk}) in html


# --- Query counts ---------------------------------------------------------------------------------


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_review_page_queries_stay_flat_as_returns_entries_and_notes_grow(client, readable):
    cast = readable
    login(client, cast.panel)
    CaseNoteFactory(case=cast.case, author=cast.panel)
    before = _count_queries(client, review_url(cast.case))
    for i in range(4):
        agency = AgencyFactory(name=f"Extra agency {i}")
        cast.case.agencies.add(agency)
        entries(submitted_return(cast.case, agency, cast.bm, involvement=f"Involvement {i}"), 5)
        note = CaseNoteFactory(case=cast.case, author=cast.bm, body=f"Note {i}")
        note.revisions.create(body="earlier", edited_by=cast.bm)
    after = _count_queries(client, review_url(cast.case))
    assert after == before
    assert after <= 20


def test_pack_cannot_be_circulated_on_a_future_date(client, cast):
    login(client, cast.bm)
    url = reverse("reviews:case_pack_circulate", kwargs={"case_pk": cast.case.pk})
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(url, {"circulated_on": tomorrow.isoformat()}, follow=True)
    assert "cannot be circulated on a future date" in response.content.decode()
    cast.case.refresh_from_db()
    assert cast.case.pack_circulated_at is None
    assert mail.outbox == []
