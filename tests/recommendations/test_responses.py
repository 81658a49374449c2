"""Owner agencies respond with evidence; files are checked, stored privately and served only to those
allowed; the Business Manager assures or asks for more, with a reason."""

import hashlib
import io
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accesslog.models import AccessLogEntry
from recommendations.models import EvidenceFile, Recommendation, RecommendationResponse
from recommendations.services import response_post
from tests.factories import RecommendationFactory
from tests.helpers import login

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


def _office(part):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<document/>")
    return out.getvalue()


@pytest.fixture
def recommendation(cast):
    return RecommendationFactory(audit=cast.audit, position=1, owners=[cast.agency], created_by=cast.bm)


def _respond_url(recommendation):
    return reverse("recommendations:recommendation_respond", kwargs={"recommendation_pk": recommendation.pk})


def _detail_url(recommendation):
    return reverse("recommendations:recommendation_detail", kwargs={"recommendation_pk": recommendation.pk})


def _stored_files():
    if not default_storage.exists("evidence"):
        return []
    return default_storage.listdir("evidence")[1]


def test_contributor_posts_a_progress_update_then_a_final_response_with_evidence(
    client, cast, recommendation
):
    login(client, cast.contributor)
    response = client.post(_respond_url(recommendation), {"text": "Training planned for March."})
    assert response.status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.status == Recommendation.Status.IN_PROGRESS

    client.post(
        _respond_url(recommendation),
        {
            "text": "Guidance issued to every team.",
            "is_final": "on",
            "files": [
                SimpleUploadedFile("Guidance v2.pdf", PDF, content_type="application/pdf"),
                SimpleUploadedFile("figures.csv", b"team,briefed\nEast,yes\n", content_type="text/csv"),
            ],
        },
    )
    recommendation.refresh_from_db()
    assert recommendation.status == Recommendation.Status.RESPONSE_RECEIVED
    final = RecommendationResponse.objects.get(is_final=True)
    assert final.agency == cast.agency and final.author == cast.contributor
    pdf = final.evidence.get(original_name="Guidance v2.pdf")
    assert pdf.sha256 == hashlib.sha256(PDF).hexdigest()
    assert pdf.size == len(PDF)
    # The stored name is the server's, not the uploader's.
    assert "Guidance" not in pdf.file.name and pdf.file.name.startswith("evidence/")
    assert default_storage.exists(pdf.file.name)
    kinds = list(recommendation.events.values_list("kind", "to_status"))
    assert kinds == [("progress_update", "in_progress"), ("final_response", "response_received")]

    html = client.get(_detail_url(recommendation)).content.decode()
    assert "Guidance issued to every team." in html and "Guidance v2.pdf" in html


def test_response_form_is_multipart_for_files(client, cast, recommendation):
    login(client, cast.contributor)
    html = client.get(_respond_url(recommendation)).content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert 'type="file"' in html


def test_contributor_cannot_respond_to_another_agencys_recommendation(client, cast, recommendation):
    login(client, cast.contributor_other)
    assert client.get(_respond_url(recommendation)).status_code == 404
    assert client.post(_respond_url(recommendation), {"text": "Not ours"}).status_code == 404
    assert client.get(_detail_url(recommendation)).status_code == 404
    assert not RecommendationResponse.objects.exists()


def test_service_refuses_a_response_from_a_non_owner(cast, recommendation):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Only an owner agency"):
        response_post(recommendation=recommendation, actor=cast.contributor_other, text="Sneaky")
    assert not RecommendationResponse.objects.exists()


def test_joint_owners_see_only_their_own_agencys_responses_and_evidence(client, cast, recommendation):
    recommendation.owners.add(cast.other_agency)
    ours = response_post(
        recommendation=recommendation,
        actor=cast.contributor,
        text="Our confidential update",
        files=[SimpleUploadedFile("ours.txt", b"ours\n")],
    )
    response_post(recommendation=recommendation, actor=cast.contributor_other, text="Police update")
    login(client, cast.contributor_other)
    html = client.get(_detail_url(recommendation)).content.decode()
    assert "Police update" in html
    assert "Our confidential update" not in html and "ours.txt" not in html
    evidence_url = reverse(
        "recommendations:evidence_download", kwargs={"evidence_pk": ours.evidence.get().pk}
    )
    assert client.get(evidence_url).status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("tool.exe", b"MZ\x90\x00", "“tool.exe” is not a type of file we accept."),
        ("macro.xlsm", _office("xl/workbook.xml"), "“macro.xlsm” is not a type of file we accept."),
        ("page.html", b"<script>alert(1)</script>", "“page.html” is not a type of file we accept."),
        ("report.pdf", b"<html>not a pdf</html>", "“report.pdf” does not contain what its name says"),
        ("photo.png", b"\xff\xd8\xff\xe0 jpeg bytes", "“photo.png” does not contain what its name says"),
        ("notes.txt", PDF, "“notes.txt” does not contain what its name says"),
        ("letter.docx", _office("xl/workbook.xml"), "“letter.docx” does not contain what its name says"),
        ("sheet.xlsx", b"PK\x03\x04 broken zip", "“sheet.xlsx” does not contain what its name says"),
        ("empty.pdf", b"", "The submitted file is empty."),
    ],
)
def test_forbidden_or_mismatched_evidence_is_refused_with_a_clear_message(
    client, cast, recommendation, name, content, message
):
    login(client, cast.contributor)
    response = client.post(
        _respond_url(recommendation),
        {"text": "Kept response text", "files": [SimpleUploadedFile(name, content)]},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "Kept response text" in html
    assert not RecommendationResponse.objects.exists()
    assert not EvidenceFile.objects.exists()
    assert _stored_files() == []
    recommendation.refresh_from_db()
    assert recommendation.status == Recommendation.Status.OPEN


def test_evidence_over_the_size_limit_is_refused_and_nothing_is_kept(client, cast, recommendation, settings):
    settings.RECOMMENDATION_EVIDENCE_MAX_BYTES = 1024
    login(client, cast.contributor)
    response = client.post(
        _respond_url(recommendation),
        {
            "text": "Two files",
            "files": [
                SimpleUploadedFile("small.pdf", PDF),
                SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"x" * 2048),
            ],
        },
    )
    assert response.status_code == 400
    assert "“big.pdf” is 2.0\xa0KB; files must be 1.0\xa0KB or smaller." in response.content.decode()
    assert not RecommendationResponse.objects.exists()
    assert _stored_files() == []


def test_too_many_files_at_once_are_refused(client, cast, recommendation, settings):
    settings.RECOMMENDATION_EVIDENCE_MAX_FILES = 2
    login(client, cast.contributor)
    files = [SimpleUploadedFile(f"f{n}.txt", b"text\n") for n in range(3)]
    response = client.post(_respond_url(recommendation), {"text": "Three", "files": files})
    assert "Attach at most 2 files at a time." in response.content.decode()
    assert not RecommendationResponse.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("letter.docx", _office("word/document.xml")),
        ("sheet.xlsx", _office("xl/workbook.xml")),
        ("chart.png", PNG),
        ("photo.JPG", b"\xff\xd8\xff\xe0\x00\x10JFIF"),
        ("notes.txt", "Notes with accents: café, naïve.\n".encode()),
    ],
)
def test_allowed_evidence_types_are_accepted(cast, recommendation, name, content):
    response = response_post(
        recommendation=recommendation,
        actor=cast.contributor,
        text="Evidence",
        files=[SimpleUploadedFile(name, content)],
    )
    evidence = response.evidence.get()
    assert evidence.original_name == name
    assert evidence.file.name.endswith("." + name.rsplit(".", 1)[1].lower())


@pytest.fixture
def evidence(cast, recommendation):
    response = response_post(
        recommendation=recommendation,
        actor=cast.contributor,
        text="With evidence",
        files=[SimpleUploadedFile("minutes.pdf", PDF, content_type="text/html")],
    )
    return response.evidence.get()


@pytest.mark.parametrize("persona", ["bm", "panel", "contributor"])
def test_evidence_is_downloaded_as_an_attachment_by_those_allowed_and_logged(client, cast, evidence, persona):
    user = getattr(cast, persona)
    login(client, user)
    response = client.get(reverse("recommendations:evidence_download", kwargs={"evidence_pk": evidence.pk}))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"  # ours, not the uploader's claim
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="minutes.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    entry = AccessLogEntry.objects.get(user=user, what="recommendation_evidence")
    assert entry.action == "download" and entry.object_id == evidence.pk and entry.audit_id == cast.audit.pk


@pytest.mark.parametrize(
    ("persona", "status"), [("panel_other", 404), ("contributor_other", 404), ("board", 403), ("admin", 403)]
)
def test_evidence_download_is_refused_to_anyone_else(client, cast, evidence, persona, status):
    login(client, getattr(cast, persona))
    response = client.get(reverse("recommendations:evidence_download", kwargs={"evidence_pk": evidence.pk}))
    assert response.status_code == status
    assert PDF not in response.content
    assert not AccessLogEntry.objects.filter(what="recommendation_evidence").exists()


def test_evidence_has_no_public_url(evidence, settings):
    assert settings.STORAGES["default"]["OPTIONS"]["base_url"] is None
    assert str(settings.PRIVATE_MEDIA_ROOT) in default_storage.path(evidence.file.name)
    assert not default_storage.path(evidence.file.name).startswith(str(settings.STATIC_ROOT))


def test_business_manager_assures_with_a_reason(client, cast, recommendation):
    response_post(recommendation=recommendation, actor=cast.contributor, text="Done", is_final=True)
    login(client, cast.bm)
    url = reverse("recommendations:recommendation_decide", kwargs={"recommendation_pk": recommendation.pk})
    response = client.post(url, {"decision": "assure", "reason": ""})
    assert response.status_code == 400
    assert "Give the reason for the decision." in response.content.decode()
    recommendation.refresh_from_db()
    assert recommendation.status == Recommendation.Status.RESPONSE_RECEIVED

    client.post(url, {"decision": "assure", "reason": "Guidance seen by the panel."})
    recommendation.refresh_from_db()
    assert recommendation.status == Recommendation.Status.ASSURED
    assert recommendation.status_reason == "Guidance seen by the panel."
    event = recommendation.events.get(kind="assured")
    assert (event.actor, event.from_status, event.to_status) == (cast.bm, "response_received", "assured")
    assert event.reason == "Guidance seen by the panel."

    # An assured recommendation takes no more responses, and the page no longer offers it.
    login(client, cast.contributor)
    response = client.post(_respond_url(recommendation), {"text": "More"})
    assert "it takes no more responses" in response.content.decode()
    assert "Post an update or response" not in client.get(_detail_url(recommendation)).content.decode()


def test_business_manager_asks_for_more_and_the_owner_sees_why(client, cast, recommendation):
    response_post(recommendation=recommendation, actor=cast.contributor, text="Done", is_final=True)
    login(client, cast.bm)
    client.post(
        reverse("recommendations:recommendation_decide", kwargs={"recommendation_pk": recommendation.pk}),
        {"decision": "more", "reason": "Please attach the briefing attendance figures."},
    )
    recommendation.refresh_from_db()
    assert recommendation.status == Recommendation.Status.IN_PROGRESS
    login(client, cast.contributor)
    html = client.get(_detail_url(recommendation)).content.decode()
    assert "Please attach the briefing attendance figures." in html
    assert "More asked for" in html


def test_only_the_business_manager_decides(client, cast, recommendation):
    url = reverse("recommendations:recommendation_decide", kwargs={"recommendation_pk": recommendation.pk})
    for persona in ("panel", "contributor", "board"):
        login(client, getattr(cast, persona))
        assert client.post(url, {"decision": "assure", "reason": "x"}).status_code == 403
    recommendation.refresh_from_db()
    assert recommendation.status == Recommendation.Status.OPEN


def test_joint_recommendation_is_received_only_when_every_owner_has_answered(client, cast, recommendation):
    recommendation.owners.add(cast.other_agency)
    response_post(recommendation=recommendation, actor=cast.contributor, text="Ours is done", is_final=True)
    recommendation.refresh_from_db()
    assert recommendation.status == Recommendation.Status.IN_PROGRESS
    assert "still awaited from: Riverton Police" in recommendation.events.get(kind="final_response").detail

    response_post(
        recommendation=recommendation, actor=cast.contributor_other, text="Police done", is_final=True
    )
    recommendation.refresh_from_db()
    assert recommendation.status == Recommendation.Status.RESPONSE_RECEIVED

    # Asking for more reopens every owner's part: earlier final responses no longer count.
    login(client, cast.bm)
    client.post(
        reverse("recommendations:recommendation_decide", kwargs={"recommendation_pk": recommendation.pk}),
        {"decision": "more", "reason": "Both agencies: add the training figures."},
    )
    response_post(
        recommendation=recommendation, actor=cast.contributor, text="Figures attached", is_final=True
    )
    recommendation.refresh_from_db()
    assert recommendation.status == Recommendation.Status.IN_PROGRESS
    response_post(recommendation=recommendation, actor=cast.contributor_other, text="Ours too", is_final=True)
    recommendation.refresh_from_db()
    assert recommendation.status == Recommendation.Status.RESPONSE_RECEIVED
