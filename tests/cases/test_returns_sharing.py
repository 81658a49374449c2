"""Agencies can find their records, securely: register entries marked to share are shown to the
contributors of the agencies asked about the case, on the return page only, each showing logged; no
e-mail, export, PDF or RSVP page carries them."""

import datetime
import io

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accesslog.models import AccessLogEntry
from cases import services
from cases.models import IdentifyingTerm
from reviews.invitations import invitation_token
from tests.factories import AgencyReturnFactory, IdentifyingTermFactory, InvitationFactory, MeetingFactory
from tests.helpers import login
from tests.reviews.factories import entries, submitted_return

pytestmark = pytest.mark.django_db

SHARED_NAME = "Zephyrine Quillfeather"  # the cast's child_name term
SHARED_ADDRESS = "14 Larkspur Row, Eastmere"
NOT_SHARED = "Brambleholt Primary School"


@pytest.fixture
def register(cast):
    cast.term.share_with_agencies = True
    cast.term.save()
    IdentifyingTermFactory(
        case=cast.case, kind="address", value=SHARED_ADDRESS, created_by=cast.bm, share_with_agencies=True
    )
    IdentifyingTermFactory(
        case=cast.case, kind="school", value=NOT_SHARED, created_by=cast.bm, share_with_agencies=False
    )
    return cast


def _return_url(name, agency_return):
    return reverse(f"cases:{name}", kwargs={"return_pk": agency_return.pk})


@pytest.mark.parametrize("page", ["return_detail", "return_edit"])
def test_contributor_of_an_agency_asked_sees_the_shared_entries_and_the_view_is_logged(
    register, client, page
):
    cast = register
    login(client, cast.contributor)
    response = client.get(_return_url(page, cast.agency_return))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Who Case One is" in html
    assert SHARED_NAME in html and SHARED_ADDRESS in html
    assert NOT_SHARED not in html
    entry = AccessLogEntry.objects.filter(what="shared_identifying_terms", user=cast.contributor).get()
    assert entry.case_id == cast.case.pk and entry.audit_id == cast.audit.pk


def test_contributor_of_another_agency_sees_none_of_them(register, client):
    cast = register
    # Their agency is asked about a different case; this case's terms are not theirs to see.
    login(client, cast.contributor_other)
    assert client.get(_return_url("return_detail", cast.agency_return)).status_code == 404
    own = client.get(_return_url("return_detail", cast.other_return)).content.decode()
    assert SHARED_NAME not in own and SHARED_ADDRESS not in own
    assert not AccessLogEntry.objects.filter(what="shared_identifying_terms").exists()


def test_the_portal_does_not_show_them(register, client):
    login(client, register.contributor)
    page = client.get(reverse("cases:portal")).content.decode()
    assert "Case One" in page and SHARED_NAME not in page


def test_new_register_entries_share_the_childs_name_dob_and_address_by_default(cast):
    def add(kind, value):
        return services.identifying_term_add(case=cast.case, actor=cast.bm, kind=kind, value=value)

    assert add("child_name", "Another Name").share_with_agencies
    assert add("date_of_birth", "01/02/2015").share_with_agencies
    assert add("address", "2 Somewhere Lane").share_with_agencies
    assert not add("school", "Some School").share_with_agencies
    assert not add("family_member", "Uncle Name").share_with_agencies
    chosen = services.identifying_term_add(
        case=cast.case, actor=cast.bm, kind="school", value="Shared School", share=True
    )
    assert chosen.share_with_agencies


def test_business_manager_turns_sharing_off_and_the_contributor_no_longer_sees_it(register, client):
    cast = register
    login(client, cast.bm)
    response = client.post(
        reverse("cases:term_share", kwargs={"case_pk": cast.case.pk, "term_pk": cast.term.pk}),
        {"share": "no"},
    )
    assert response.status_code == 302
    assert not IdentifyingTerm.objects.get(pk=cast.term.pk).share_with_agencies
    login(client, cast.contributor)
    html = client.get(_return_url("return_detail", cast.agency_return)).content.decode()
    assert SHARED_NAME not in html and SHARED_ADDRESS in html


def test_emails_say_log_in_and_never_carry_the_shared_entries(
    register, client, django_capture_on_commit_callbacks
):
    cast = register
    login(client, cast.bm)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("cases:return_request", kwargs={"case_pk": cast.case.pk}),
            {
                "agencies": [cast.other_agency.pk],
                "due_date": (timezone.localdate() + datetime.timedelta(days=20)).isoformat(),
            },
        )
    requested = [m for m in mail.outbox if m.subject.startswith("Return requested")]
    assert requested
    for message in mail.outbox:
        bodies = [message.body] + [content for content, _ in getattr(message, "alternatives", [])]
        for body in bodies:
            assert SHARED_NAME not in body and SHARED_ADDRESS not in body
    assert "Log in to see which child this is" in requested[0].body


def test_the_case_pack_pdf_does_not_carry_them(register, client):
    cast = register
    submitted = submitted_return(cast.case, cast.agency, cast.bm, involvement="Allocated social worker.")
    entries(submitted, 3)
    login(client, cast.panel)
    response = client.get(reverse("reviews:case_pack_pdf", kwargs={"case_pk": cast.case.pk}))
    assert response.status_code == 200
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Allocated social worker." in text
    assert SHARED_NAME not in text and SHARED_ADDRESS not in text


def test_exports_do_not_carry_them(register, client):
    cast = register
    # The contributor reads the shared entries (logged); the access-log export records that a read
    # happened, never what was read.
    login(client, cast.contributor)
    client.get(_return_url("return_detail", cast.agency_return))
    login(client, cast.bm)
    for name in ("recommendations:tracker_export_csv", "recommendations:tracker_export_xlsx"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert SHARED_NAME.encode() not in response.content
    export_names = [n for n in ("accesslog:export_csv", "accesslog:export") if _resolves(n)]
    for name in export_names:
        response = client.get(reverse(name))
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert SHARED_NAME.encode() not in body and SHARED_ADDRESS.encode() not in body


def _resolves(name):
    from django.urls import NoReverseMatch

    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True


def test_the_rsvp_page_and_invitation_tell_an_invitee_whom_to_ask_and_never_show_them(
    register, client, django_capture_on_commit_callbacks
):
    cast = register
    meeting = MeetingFactory(
        case=cast.case, created_by=cast.bm, starts_at=timezone.now() + datetime.timedelta(days=40)
    )
    invitation = InvitationFactory(meeting=meeting, agency=cast.agency, email="robin@riverton.example")
    login(client, cast.bm)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reviews:invitations_send", kwargs={"meeting_pk": meeting.pk}))
    (message,) = [m for m in mail.outbox if "robin@riverton.example" in m.to]
    assert "ask your agency's contributor to the audit or your safeguarding lead" in message.body
    assert SHARED_NAME not in message.body and SHARED_ADDRESS not in message.body
    client.logout()
    invitation.refresh_from_db()
    page = client.get(reverse("reviews:invitation_respond", kwargs={"token": invitation_token(invitation)}))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Ask your agency's contributor to the audit or your safeguarding lead" in html
    assert SHARED_NAME not in html and SHARED_ADDRESS not in html


def test_a_contributor_of_an_agency_asked_later_sees_them_too(register, client):
    cast = register
    AgencyReturnFactory(case=cast.case, agency=cast.other_agency, requested_by=cast.bm)
    login(client, cast.contributor_other)
    r = cast.case.returns.get(agency=cast.other_agency)
    assert SHARED_NAME in client.get(_return_url("return_detail", r)).content.decode()
