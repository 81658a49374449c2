"""Hostile input in free-text fields: stored clean (core.text.clean: NFKC, no format or control
characters, so that what is stored, checked by the leak guard and printed is one string), rendered
inert, never a server error.

The foundation's forms (audit, case, identifying term) first; then FIELDS, one entry per free-text
field of every feature (returns, chronology, notes, meetings, invitations, findings, actions,
recommendations, report framing, legal holds), in HTML, e-mail, PDF and exports; then the fuzzing."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.exceptions import ObjectDoesNotExist
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.models import AgencyReturn, Audit, Case, ChronologyEntry, IdentifyingTerm
from core.text import clean
from history.models import LegalHold
from recommendations.models import Recommendation, RecommendationComment, RecommendationResponse
from reports.models import AuditReport
from reviews.models import (
    AgencyAction,
    CaseAssurance,
    CaseNote,
    Invitation,
    LearningPoint,
    ReflectivePracticeMeeting,
)
from tests.cases.returns_helpers import edit_post
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
def test_audit_title_and_purpose_are_stored_clean_and_shown_inert(client, cast, value):
    login(client, cast.bm)
    response = client.post(reverse("cases:audit_create"), audit_data(title=value, purpose=f"First\n{value}"))
    assert response.status_code == 302, response.content.decode()[:2000]
    audit = Audit.objects.get(title=clean(value))
    assert audit.purpose == clean(f"First\n{value}")
    assert_inert(client.get(response["Location"]).content.decode(), value)


@pytest.mark.parametrize("value", HOSTILE)
def test_case_summary_is_stored_clean_and_shown_inert(client, cast, value):
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
    assert cast.case.summary == clean(value).strip()
    assert_inert(client.get(response["Location"]).content.decode(), value)


@pytest.mark.parametrize("value", HOSTILE)
def test_identifying_term_is_stored_clean_and_shown_inert(client, cast, value):
    login(client, cast.bm)
    response = client.post(
        reverse("cases:term_add", kwargs={"case_pk": cast.case.pk}), {"kind": "other", "value": value}
    )
    assert response.status_code == 302
    assert IdentifyingTerm.objects.filter(case=cast.case, value=clean(value).strip()).exists()
    html = client.get(reverse("cases:case_detail", kwargs={"case_pk": cast.case.pk})).content.decode()
    assert_inert(html, value)


def test_very_long_text_is_refused_with_a_message_where_the_field_has_a_limit(client, cast):
    login(client, cast.bm)
    response = client.post(reverse("cases:audit_create"), audit_data(title="A" * 10_000))
    assert response.status_code == 200
    assert "must be 250 characters or fewer" in response.content.decode()
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
    page = client.get(reverse("accesslog:search"), query)
    assert page.status_code == 200
    # An unreadable filter is refused with its reason rather than exporting the whole log.
    export = client.get(reverse("accesslog:export"), query)
    html = page.content.decode()
    invalid = "govuk-form-group--error" in html or "is-invalid" in html
    assert export.status_code == (400 if invalid else 200)


# --- Every app's free-text fields ----------------------------------------------------------------
#
# Each FIELD is one free-text field of a feature's form: who types it, where it is posted, how the
# stored value is read back, and a page (and persona) that shows it. Every hostile value must be
# stored clean (core.text.clean) and shown inert; very long text is kept whole or, where the field has a
# limit, refused with a message and nothing saved.


@dataclass(frozen=True)
class Field:
    name: str
    persona: str
    url: Callable
    data: Callable
    stored: Callable
    page: tuple  # (persona, callable giving the URL of a page that shows the value)
    limit: int | None = None
    prepare: Callable | None = None


def _fresh_return(c):
    return AgencyReturn.objects.get(pk=c.agency_return.pk)


def _submitted(c):
    AgencyReturn.objects.filter(pk=c.agency_return.pk).update(status=AgencyReturn.Status.SUBMITTED)


def _closed(c):
    # The other audit: the matrix's cast already holds the cast's audit.
    Audit.objects.filter(pk=c.other_audit.pk).update(status=Audit.Status.CLOSED, closed_at=timezone.now())


def _latest(model, **filters):
    return lambda c: model.objects.filter(**filters).order_by("-pk").first()


def _meeting_post(c, **fields):
    data = {
        "starts_at": (timezone.localtime() + datetime.timedelta(days=40)).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": "",
        "venue": "Riverton Family Centre",
        "terms_of_reference": "Purpose: to hear the practitioners.",
        "status": "scheduled",
    }
    return {**data, **fields}


def _url(name, **kwargs):
    return lambda c: reverse(name, kwargs={k: getattr(c, v).pk for k, v in kwargs.items()})


RETURN_ROW = {"date": "03/02/2026", "what_happened": "Home visit.", "who_involved": "Social worker"}

FIELDS = [
    Field(
        "return text",
        "contributor",
        _url("cases:return_edit", return_pk="agency_return"),
        lambda c, v: edit_post(_fresh_return(c), fields={"involvement": v}, rows=[RETURN_ROW]),
        lambda c: _fresh_return(c).involvement,
        ("contributor", _url("cases:return_detail", return_pk="agency_return")),
    ),
    Field(
        "chronology entry",
        "contributor",
        _url("cases:return_edit", return_pk="agency_return"),
        lambda c, v: edit_post(
            _fresh_return(c), rows=[{**RETURN_ROW, "what_happened": v, "significance": v}]
        ),
        lambda c: _fresh_return(c).entries.get().what_happened,
        ("contributor", _url("cases:return_detail", return_pk="agency_return")),
    ),
    Field(
        "send-back comment",
        "bm",
        _url("cases:return_send_back", return_pk="agency_return"),
        lambda c, v: {"comment": v},
        lambda c: _fresh_return(c).review_comment,
        ("contributor", _url("cases:return_detail", return_pk="agency_return")),
        prepare=_submitted,
    ),
    Field(
        "case note",
        "panel",
        _url("reviews:note_add", case_pk="case"),
        lambda c, v: {"body": v},
        lambda c: CaseNote.objects.filter(case=c.case).latest("pk").body,
        ("panel", _url("reviews:case_review", case_pk="case")),
        limit=10_000,
    ),
    Field(
        "meeting terms of reference",
        "bm",
        _url("reviews:meeting_edit", meeting_pk="meeting"),
        lambda c, v: _meeting_post(c, terms_of_reference=v),
        lambda c: ReflectivePracticeMeeting.objects.get(pk=c.meeting.pk).terms_of_reference,
        ("panel", _url("reviews:meeting_detail", meeting_pk="meeting")),
    ),
    Field(
        "meeting venue",
        "bm",
        _url("reviews:meeting_edit", meeting_pk="meeting"),
        lambda c, v: _meeting_post(c, venue=v),
        lambda c: ReflectivePracticeMeeting.objects.get(pk=c.meeting.pk).venue,
        ("panel", _url("reviews:meeting_detail", meeting_pk="meeting")),
        limit=250,
    ),
    Field(
        "invitee name",
        "bm",
        _url("reviews:invitation_add", meeting_pk="meeting"),
        lambda c, v: {
            "name": v,
            "role": "Social worker",
            "agency": c.agency.pk,
            "email": "robin@riverton.example",
        },
        lambda c: Invitation.objects.filter(meeting=c.meeting).latest("pk").name,
        ("bm", _url("reviews:meeting_detail", meeting_pk="meeting")),
        limit=150,
    ),
    Field(
        "learning point",
        "panel",
        _url("reviews:learning_point_add", case_pk="case"),
        lambda c, v: {"kind": "learning", "text": v},
        lambda c: LearningPoint.objects.filter(case=c.case).latest("pk").text,
        ("panel", _url("reviews:findings", case_pk="case")),
    ),
    Field(
        "assurance",
        "panel",
        _url("reviews:assurance_edit", case_pk="case"),
        lambda c, v: {"finding": "not_determined", "statement": v},
        lambda c: CaseAssurance.objects.get(case=c.case).statement,
        ("panel", _url("reviews:findings", case_pk="case")),
    ),
    Field(
        "agency action",
        "panel",
        _url("reviews:action_add", case_pk="case"),
        lambda c, v: {
            "owner_agency": c.agency.pk,
            "description": v,
            "due_date": "2027-01-31",
            "status": "open",
        },
        lambda c: AgencyAction.objects.filter(case=c.case).latest("pk").description,
        ("contributor", lambda c: reverse("reviews:action_list")),
    ),
    Field(
        "agency action response",
        "contributor",
        _url("reviews:action_respond", action_pk="action"),
        lambda c, v: {"response": v},
        lambda c: AgencyAction.objects.get(pk=c.action.pk).agency_response,
        ("panel", _url("reviews:findings", case_pk="case")),
        limit=10_000,
    ),
    Field(
        "recommendation text",
        "bm",
        _url("recommendations:recommendation_create", audit_pk="audit"),
        lambda c, v: {"text": v, "owners": [c.agency.pk], "deadline_date": "2027-03-01"},
        lambda c: Recommendation.objects.filter(audit=c.audit).latest("pk").text,
        (
            "contributor",
            lambda c: reverse(
                "recommendations:recommendation_detail",
                kwargs={"recommendation_pk": Recommendation.objects.filter(audit=c.audit).latest("pk").pk},
            ),
        ),
    ),
    Field(
        "recommendation comment",
        "panel",
        _url("recommendations:recommendation_comment", recommendation_pk="recommendation"),
        lambda c, v: {"body": v},
        lambda c: RecommendationComment.objects.filter(recommendation=c.recommendation).latest("pk").body,
        ("bm", _url("recommendations:recommendation_detail", recommendation_pk="recommendation")),
    ),
    Field(
        "recommendation response",
        "contributor",
        _url("recommendations:recommendation_respond", recommendation_pk="recommendation"),
        lambda c, v: {"text": v},
        lambda c: RecommendationResponse.objects.filter(recommendation=c.recommendation).latest("pk").text,
        ("panel", _url("recommendations:recommendation_detail", recommendation_pk="recommendation")),
    ),
    Field(
        "report framing",
        "bm",
        _url("reports:framing_edit", audit_pk="audit"),
        lambda c, v: {"what_we_did": v, "how_we_did_this": "How we did it.", "assurance": "Assured."},
        lambda c: AuditReport.objects.get(audit=c.audit).what_we_did,
        ("panel", _url("reports:report_detail", audit_pk="audit")),
    ),
    Field(
        "legal-hold reason",
        "bm",
        _url("history:legal_hold_place", audit_pk="other_audit"),
        lambda c, v: {f"hold-{c.other_audit.pk}-reason": v},
        lambda c: LegalHold.objects.get(audit=c.other_audit).reason,
        ("bm", lambda c: reverse("history:retention")),
        limit=2000,
        prepare=_closed,
    ),
]
LONG = "A long paragraph of practice detail. " * 600  # 22,200 characters


def _post_field(client, c, field, value):
    if field.prepare:
        field.prepare(c)
    login(client, getattr(c, field.persona))
    return client.post(field.url(c), field.data(c, value))


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
@pytest.mark.parametrize("field", FIELDS, ids=[f.name for f in FIELDS])
def test_every_free_text_field_stores_hostile_text_clean_and_shows_it_inert(client, full_cast, field, value):
    response = _post_field(client, full_cast, field, value)
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert field.stored(full_cast) == clean(value)
    persona, page = field.page
    login(client, getattr(full_cast, persona))
    response = client.get(page(full_cast))
    assert response.status_code == 200
    html = response.content.decode()
    assert_inert(html, value)
    if "<" not in value:  # shown as stored (control characters and RTL overrides gone)
        assert (
            clean(value).replace("&", "&amp;").replace('"', "&quot;").replace("'", "&#x27;").split("\n")[0]
            in html
        )


@pytest.mark.parametrize("field", FIELDS, ids=[f.name for f in FIELDS])
def test_very_long_text_in_every_field_is_kept_whole_or_refused_with_a_message(client, full_cast, field):
    before = field.stored(full_cast) if field.prepare is None and field.name.startswith("return") else None
    response = _post_field(client, full_cast, field, LONG)
    if field.limit is None:
        assert response.status_code == 302
        assert field.stored(full_cast) == LONG.strip()
    else:
        assert response.status_code in (200, 400)
        assert f"must be {field.limit} characters or fewer" in response.content.decode()
        try:
            stored = field.stored(full_cast)
        except ObjectDoesNotExist:
            stored = None
        assert stored != LONG.strip() and (before is None or stored == before)


# --- E-mail: an invitation carries the meeting's terms of reference, venue and the invitee's name --


def test_hostile_text_in_an_invitation_email_is_inert_and_the_calendar_is_not_injected(
    client, full_cast, django_capture_on_commit_callbacks
):
    from django.core import mail
    from icalendar import Calendar

    c = full_cast
    login(client, c.bm)
    venue = "Room 1\r\nATTENDEE:mailto:evil@example.com " + HANDLER
    terms = f"{SCRIPT}\n{HANDLER}\nRTL \u202egnp.exe\u202c and bell\x07 done"
    assert (
        client.post(
            reverse("reviews:meeting_edit", kwargs={"meeting_pk": c.meeting.pk}),
            _meeting_post(c, venue=venue, terms_of_reference=terms),
        ).status_code
        == 302
    )
    Invitation.objects.filter(meeting=c.meeting).delete()
    response = client.post(
        reverse("reviews:invitation_add", kwargs={"meeting_pk": c.meeting.pk}),
        {
            "name": f"Robin {SCRIPT}",
            "role": "Social worker",
            "agency": c.agency.pk,
            "email": "robin@riverton.example",
        },
    )
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reviews:invitations_send", kwargs={"meeting_pk": c.meeting.pk}))
    (message,) = mail.outbox
    # The plain-text body carries the text as stored, i.e. clean (plain text cannot run anything).
    assert f"Dear Robin {SCRIPT}" in message.body and "bell done" in message.body
    assert "\u202e" not in message.body and "\x07" not in message.body
    # The HTML alternative escapes it.
    (html, mimetype), *_ = message.alternatives
    assert mimetype == "text/html"
    assert_inert(html, SCRIPT)
    assert "&lt;script&gt;" in html and "<img src=x onerror" not in html
    # The calendar invitation parses to one event whose location is the venue, not a new attendee.
    (_, content, _) = message.attachments[0]
    calendar = Calendar.from_ical(content)
    (event,) = list(calendar.walk("VEVENT"))
    assert str(event["location"]).replace("\r\n", "\n") == venue.replace("\r\n", "\n")
    assert "evil@example.com" not in str(event.get("attendee", ""))
    # No header carries the hostile text.
    assert all("\n" not in str(v) for v in message.extra_headers.values())
    assert "\n" not in message.subject


# --- PDF: the case pack and the report print hostile text as text -------------------------------


PDF_HOSTILE = f"{SCRIPT} {HANDLER} RTL \u202egnp.exe\u202c bell\x07 escape\x1b[31m end"


def _pdf_text(content):
    import io

    from pypdf import PdfReader

    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    # pypdf returns some runs of the bundled font as UTF-16 code units; drop the zero high bytes.
    return " ".join(text.replace("\x00", "").split())


def test_hostile_text_in_the_case_pack_pdf_is_printed_as_text(client, full_cast, caplog):
    from core.pdf import render_pdf  # noqa: F401  (the pack is made by the one PDF renderer)

    c = full_cast
    AgencyReturn.objects.filter(pk=c.agency_return.pk).update(
        status=AgencyReturn.Status.SUBMITTED, involvement=PDF_HOSTILE
    )
    ChronologyEntry.objects.create(
        agency_return=c.agency_return, position=0, date=datetime.date(2026, 1, 5), what_happened=PDF_HOSTILE
    )
    login(client, c.panel)
    response = client.get(reverse("reviews:case_pack_pdf", kwargs={"case_pk": c.case.pk}))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    assert "<script>alert('x')</script>" in text
    assert '<img src=x onerror="alert(1)">' in text
    # Control characters are dropped from the PDF (no missing-glyph boxes), the rest printed as typed.
    assert "bell escape[31m end" in text
    assert ".notdef" not in caplog.text


def test_hostile_framing_text_in_the_report_pdf_is_printed_as_text(
    client, full_cast, django_capture_on_commit_callbacks, caplog
):
    from reports.models import ReportBuild

    c = full_cast
    login(client, c.bm)
    data = {"what_we_did": PDF_HOSTILE, "how_we_did_this": "How we did it.", "assurance": "Assured."}
    assert (
        client.post(reverse("reports:framing_edit", kwargs={"audit_pk": c.audit.pk}), data).status_code == 302
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:build_create", kwargs={"audit_pk": c.audit.pk}))
    build = ReportBuild.objects.filter(audit=c.audit).latest("pk")
    assert build.status == ReportBuild.Status.DONE, build.error
    text = _pdf_text(bytes(build.pdf))
    assert "<script>alert('x')</script>" in text
    assert '<img src=x onerror="alert(1)">' in text
    assert "bell escape[31m end" in text and ".notdef" not in caplog.text


# --- Exports: control characters and formulas in recommendation text ----------------------------


def test_tracker_exports_survive_control_characters_and_neutralise_formulas(client, full_cast):
    import csv
    import io

    import openpyxl

    Recommendation.objects.filter(pk=full_cast.recommendation.pk).update(
        text='=HYPERLINK("http://evil.example")\x07\x1b[31m \u202egnp.exe\u202c'
    )
    login(client, full_cast.bm)
    response = client.get(reverse("recommendations:tracker_export_xlsx"))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = [cell.value for row in sheet.iter_rows(min_row=2) for cell in row]
    assert '\'=HYPERLINK("http://evil.example")[31m \u202egnp.exe\u202c' in cells
    response = client.get(reverse("recommendations:tracker_export_csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert any(cell.startswith("'=HYPERLINK") for row in rows[1:] for cell in row)


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(field=st.sampled_from(FIELDS), value=st.one_of(TEXT, st.sampled_from(HOSTILE)))
def test_fuzz_every_free_text_field(client, full_cast, field, value):
    """Whatever is typed into any feature's free-text field, the answer is never a server error, and
    a page showing the field still renders."""
    response = _post_field(client, full_cast, field, value)
    assert response.status_code < 500, (field.name, value)
    persona, page = field.page
    login(client, getattr(full_cast, persona))
    assert client.get(page(full_cast)).status_code == 200, (field.name, value)
