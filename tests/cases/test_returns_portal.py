"""The agency portal: contributors see and complete only their own agency's returns; the Business
Manager reviews them. Every transition keeps who and when."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accesslog.models import AccessLogEntry
from cases.models import AgencyReturn, ChronologyEntry
from tests.factories import AgencyReturnFactory, CaseFactory, ChronologyEntryFactory
from tests.helpers import login

from .returns_helpers import MEETING_TEXT, edit_post, submit_return

pytestmark = pytest.mark.django_db

ROW_A = {
    "date": "03/02/2026",
    "time": "10:15",
    "what_happened": "Strategy discussion held.",
    "who_involved": "Social worker",
    "is_key_event": True,
}
ROW_B = {
    "date": "March 2026",
    "what_happened": "Child seen at home by the allocated social worker.",
    "who_involved": "Social worker; child",
}


def _url(name, agency_return):
    return reverse(f"cases:{name}", kwargs={"return_pk": agency_return.pk})


def test_portal_lists_only_the_contributors_own_agency_returns(cast, client):
    case2 = CaseFactory(audit=cast.audit, number=2)
    AgencyReturnFactory(case=case2, agency=cast.other_agency)
    login(client, cast.contributor)
    response = client.get(reverse("cases:portal"))
    listed = list(response.context["to_do"]) + list(response.context["done"].object_list)
    assert [r.pk for r in listed] == [cast.agency_return.pk]
    assert _url("return_edit", cast.agency_return) in response.content.decode()


@pytest.mark.parametrize("name", ["return_detail", "return_edit", "return_import"])
def test_contributor_cannot_open_other_agency_return(cast, client, name):
    login(client, cast.contributor_other)
    assert client.get(_url(name, cast.agency_return)).status_code == 404
    expected = 405 if name == "return_detail" else 404  # the detail page is read-only for everyone
    assert client.post(_url(name, cast.agency_return), {"action": "save"}).status_code == expected


def test_contributor_cannot_change_another_agencys_return_by_post(cast, client):
    login(client, cast.contributor_other)
    response = client.post(
        _url("return_edit", cast.agency_return),
        edit_post(cast.agency_return, fields={"involvement": "Hijack"}),
    )
    assert response.status_code == 404
    cast.agency_return.refresh_from_db()
    assert cast.agency_return.involvement == "" and cast.agency_return.version == 1


def test_save_draft_keeps_text_and_rows_and_records_the_transition(cast, client):
    login(client, cast.contributor)
    response = client.post(
        _url("return_edit", cast.agency_return),
        edit_post(
            cast.agency_return, fields={"involvement": "Allocated social worker."}, rows=[ROW_A, ROW_B]
        ),
    )
    assert response.status_code == 302
    r = AgencyReturn.objects.get(pk=cast.agency_return.pk)
    assert r.status == "draft" and r.involvement == "Allocated social worker." and r.version == 2
    entries = list(r.entries.order_by("position"))
    assert [e.what_happened for e in entries] == [ROW_A["what_happened"], ROW_B["what_happened"]]
    assert entries[0].date == datetime.date(2026, 2, 3) and entries[0].time == datetime.time(10, 15)
    assert entries[0].is_key_event and not entries[1].is_key_event
    # "March 2026" is a month-only date.
    assert (entries[1].date, entries[1].date_precision) == (datetime.date(2026, 3, 1), "month")
    t = r.transitions.get(to_status="draft")
    assert (t.from_status, t.actor, t.on_behalf) == ("requested", cast.contributor, False)
    assert not r.entered_on_behalf
    # The edit page shows the month as typed.
    page = client.get(_url("return_edit", r)).content.decode()
    assert 'value="March 2026"' in page and 'value="03/02/2026"' in page


def test_a_bad_row_saves_nothing_and_keeps_what_was_typed(cast, client):
    login(client, cast.contributor)
    response = client.post(
        _url("return_edit", cast.agency_return),
        edit_post(
            cast.agency_return,
            fields={"involvement": "Typed text to keep"},
            rows=[ROW_A, {"date": "31/02/2026", "what_happened": "Bad date row"}],
        ),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "is not a date" in page and "Typed text to keep" in page and "Bad date row" in page
    assert not ChronologyEntry.objects.filter(agency_return=cast.agency_return).exists()
    assert AgencyReturn.objects.get(pk=cast.agency_return.pk).status == "requested"


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        ("add", ["first", "second", "third", ""]),
        ("remove:1", ["first", "third"]),
        ("up:2", ["first", "third", "second"]),
        ("down:0", ["second", "first", "third"]),
    ],
)
def test_row_buttons_rearrange_rows_without_losing_text_or_saving(cast, client, action, expected):
    login(client, cast.contributor)
    rows = [
        {"date": "bad date kept", "what_happened": "first"},
        {"what_happened": "second"},
        {"what_happened": "third", "is_key_event": True},
    ]
    response = client.post(
        _url("return_edit", cast.agency_return),
        edit_post(cast.agency_return, action=action, fields={"involvement": "Unsaved words"}, rows=rows),
    )
    assert response.status_code == 200
    shown = response.context["rows"]
    assert [r.get("what_happened", "") for r in shown] == expected
    page = response.content.decode()
    assert "Unsaved words" in page
    if "first" in expected:
        assert 'value="bad date kept"' in page  # even an invalid date survives a re-render
    third = next(r for r in shown if r.get("what_happened") == "third")
    assert third["is_key_event"] is True
    assert not ChronologyEntry.objects.filter(agency_return=cast.agency_return).exists()
    assert AgencyReturn.objects.get(pk=cast.agency_return.pk).version == 1


def test_answers_needed_to_submit_are_not_labelled_optional(cast, client):
    """A draft may leave the return's answers blank, but it cannot be submitted without them: the
    editor must not tell the contributor they are optional."""
    from cases.services import REQUIRED_TO_SUBMIT

    login(client, cast.contributor)
    page = client.get(_url("return_edit", cast.agency_return)).content.decode()
    needed = REQUIRED_TO_SUBMIT[cast.agency_return.template]
    assert needed
    for name in needed:
        label = AgencyReturn._meta.get_field(name).verbose_name
        assert f'for="id_{name}"' in page, name
        assert f"{label.capitalize()} (optional)" not in page, name


def test_submit_needs_a_complete_return(cast, client):
    login(client, cast.contributor)
    response = client.post(
        _url("return_edit", cast.agency_return),
        edit_post(cast.agency_return, action="submit", fields={"involvement": "Only this"}, rows=[ROW_A]),
    )
    assert response.status_code == 400
    page = response.content.decode()
    # Each missing answer is named, next to its field and in the summary at the top.
    assert "Enter the analysis of policy and procedures before you submit" in page
    assert "Complete this" not in page
    r = AgencyReturn.objects.get(pk=cast.agency_return.pk)
    assert r.status == "requested" and not r.entries.exists()


def _submit(client, cast):
    login(client, cast.contributor)
    return submit_return(
        client,
        cast.agency_return,
        edit_post(cast.agency_return, action="submit", fields=MEETING_TEXT, rows=[ROW_A]),
    )


def test_submitted_return_is_read_only_for_the_agency(cast, client):
    assert _submit(client, cast).status_code == 302
    r = AgencyReturn.objects.get(pk=cast.agency_return.pk)
    assert r.status == "submitted" and r.submitted_at is not None
    # The edit page now leads to the read-only view.
    response = client.get(_url("return_edit", r))
    assert response.status_code == 302 and response["Location"] == _url("return_detail", r)
    detail = client.get(_url("return_detail", r)).content.decode()
    assert "Strategy discussion held." in detail and _url("return_edit", r) not in detail
    # A POST changes nothing.
    client.post(_url("return_edit", r), edit_post(r, fields={"involvement": "Changed after submit"}, rows=[]))
    client.post(_url("return_import", r), {})
    r.refresh_from_db()
    assert r.involvement == MEETING_TEXT["involvement"] and r.entries.count() == 1 and r.status == "submitted"


def test_business_manager_accepts_a_submitted_return(cast, client):
    _submit(client, cast)
    login(client, cast.bm)
    response = client.post(_url("return_accept", cast.agency_return))
    assert response.status_code == 302
    r = AgencyReturn.objects.get(pk=cast.agency_return.pk)
    assert r.status == "accepted" and r.accepted_at is not None
    history = [(t.from_status, t.to_status, t.actor.email) for t in r.transitions.order_by("at", "pk")]
    # Submitting goes through the check-your-answers page: what was typed is saved as a draft first.
    assert history == [
        ("requested", "draft", cast.contributor.email),
        ("draft", "submitted", cast.contributor.email),
        ("submitted", "accepted", cast.bm.email),
    ]
    assert all(t.at is not None for t in r.transitions.all())
    page = client.get(_url("return_detail", r)).content.decode()
    assert "Accepted" in page and cast.bm.full_name in page


def test_business_manager_returns_for_changes_and_the_agency_resubmits(
    cast, client, django_capture_on_commit_callbacks
):
    _submit(client, cast)
    login(client, cast.bm)
    # A comment is required.
    response = client.post(_url("return_send_back", cast.agency_return), {"comment": "  "})
    assert response.status_code == 400 and "Say what the agency needs to change" in response.content.decode()
    assert AgencyReturn.objects.get(pk=cast.agency_return.pk).status == "submitted"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            _url("return_send_back", cast.agency_return), {"comment": "Please add the child's views."}
        )
    # The agency is told by e-mail; the comment itself stays in the app.
    (message,) = [m for m in mail.outbox if "returned for changes" in m.subject]
    assert message.to == [cast.contributor.email] and "Case One" in message.subject
    assert "Please add the child" not in message.body
    r = AgencyReturn.objects.get(pk=cast.agency_return.pk)
    assert r.status == "returned" and r.review_comment == "Please add the child's views."
    assert r.transitions.get(to_status="returned").comment == "Please add the child's views."
    # The agency sees the comment in the portal and on the edit page, changes the return and resubmits.
    login(client, cast.contributor)
    assert "Please add the child&#x27;s views." in client.get(reverse("cases:portal")).content.decode()
    assert "Please add the child&#x27;s views." in client.get(_url("return_edit", r)).content.decode()
    response = submit_return(
        client,
        r,
        edit_post(
            r,
            action="submit",
            fields={**MEETING_TEXT, "lessons_learnt": "The child's views now added."},
            rows=[ROW_A],
        ),
    )
    assert response.status_code == 302
    r.refresh_from_db()
    assert r.status == "submitted" and r.lessons_learnt == "The child's views now added."
    assert [t.to_status for t in r.transitions.order_by("at", "pk")] == [
        "draft",
        "submitted",
        "returned",
        "submitted",
    ]


def test_accept_refused_unless_submitted(cast, client):
    login(client, cast.bm)
    client.post(_url("return_accept", cast.agency_return))
    assert AgencyReturn.objects.get(pk=cast.agency_return.pk).status == "requested"


def test_business_manager_enters_a_return_on_the_agencys_behalf(cast, client):
    login(client, cast.bm)
    page = client.get(_url("return_edit", cast.agency_return)).content.decode()
    assert "on Riverton Children&#x27;s Social Care's behalf" in page
    response = submit_return(
        client,
        cast.agency_return,
        edit_post(cast.agency_return, action="submit", fields=MEETING_TEXT, rows=[ROW_A]),
    )
    assert response.status_code == 302
    r = AgencyReturn.objects.get(pk=cast.agency_return.pk)
    assert r.entered_on_behalf and r.status == "submitted"
    t = r.transitions.get(to_status="submitted")
    assert t.actor == cast.bm and t.on_behalf
    detail = client.get(_url("return_detail", r)).content.decode()
    assert "Entered by the Business Manager" in detail and "(on the agency's behalf)" in detail


def test_panel_reads_but_cannot_edit(cast, client):
    login(client, cast.panel)
    ChronologyEntryFactory(agency_return=cast.agency_return, what_happened="Draft row, not yet shared")
    AgencyReturn.objects.filter(pk=cast.agency_return.pk).update(status="draft")
    page = client.get(_url("return_detail", cast.agency_return)).content.decode()
    assert "has not submitted this return yet" in page and "Draft row, not yet shared" not in page
    AgencyReturn.objects.filter(pk=cast.agency_return.pk).update(status="submitted")
    page = client.get(_url("return_detail", cast.agency_return)).content.decode()
    assert "Draft row, not yet shared" in page
    assert "Accept this return" not in page  # review is the Business Manager's
    assert client.get(_url("return_edit", cast.agency_return)).status_code == 403
    login(client, cast.panel_other)
    assert client.get(_url("return_detail", cast.agency_return)).status_code == 404


def test_every_return_view_is_logged(cast, client):
    login(client, cast.contributor)
    client.get(_url("return_edit", cast.agency_return))
    client.get(_url("return_detail", cast.agency_return))
    client.get(_url("return_import", cast.agency_return))
    logged = AccessLogEntry.objects.filter(
        what="return", object_id=cast.agency_return.pk, user=cast.contributor
    )
    assert logged.count() == 3


def test_portal_and_detail_query_counts_do_not_grow(cast, client, django_assert_max_num_queries):
    login(client, cast.contributor)
    for n in range(2, 12):
        AgencyReturnFactory(case=CaseFactory(audit=cast.audit, number=n), agency=cast.agency)
    ChronologyEntryFactory.create_batch(60, agency_return=cast.agency_return)
    # Two lists (to complete; a page of submitted, with its count): one more query than before paging.
    with django_assert_max_num_queries(9):
        assert client.get(reverse("cases:portal")).status_code == 200
    # Fixed counts whatever the size: one of them reads the register entries shared with the agency,
    # one the audit tool's links.
    with django_assert_max_num_queries(13):
        assert client.get(_url("return_detail", cast.agency_return)).status_code == 200
    with django_assert_max_num_queries(13):
        assert client.get(_url("return_edit", cast.agency_return)).status_code == 200


def test_overdue_shows_in_the_portal(cast, client):
    AgencyReturn.objects.filter(pk=cast.agency_return.pk).update(
        due_date=timezone.localdate() - datetime.timedelta(days=1)
    )
    login(client, cast.contributor)
    assert "Overdue" in client.get(reverse("cases:portal")).content.decode()


def test_portal_pages_submitted_returns_newest_first(client, cast):
    """Years of submitted returns do not make the portal grow: 25 a page, open ones always shown."""
    import datetime

    from django.utils import timezone

    from cases.models import AgencyReturn
    from tests.factories import AgencyReturnFactory, CaseFactory

    start = timezone.now() - datetime.timedelta(days=400)
    for n in range(2, 32):
        AgencyReturnFactory(
            case=CaseFactory(audit=cast.audit, number=n),
            agency=cast.agency,
            requested_by=cast.bm,
            status=AgencyReturn.Status.ACCEPTED,
            submitted_at=start + datetime.timedelta(days=n),
        )
    login(client, cast.contributor)
    first = client.get(reverse("cases:portal")).content.decode()
    assert "Page 1 of 2" in first
    assert "Case Thirty-One" in first and "Case Two<" not in first
    assert "Case One" in first  # the open return is listed under "To complete" on every page
    second = client.get(reverse("cases:portal") + "?page=2").content.decode()
    assert "Case Two<" in second and "Case Thirty-One" not in second
