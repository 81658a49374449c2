"""Published versions are immutable and checksummed; the Board downloads them; drafts stay private."""

import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accesslog.models import AccessLogEntry
from reports import services
from reports.models import ReportVersion
from tests.factories import AgencyFactory, UserFactory
from tests.helpers import login

from .conftest import flat, pdf_text


@pytest.fixture
def v1(build_of, cast, seeded):
    return services.report_publish(build=build_of(seeded.audit, cast.bm), actor=cast.bm)


def test_publishing_stores_the_drafts_bytes_with_checksum_number_and_publisher(build_of, cast, seeded):
    build = build_of(seeded.audit, cast.bm)
    version = services.report_publish(build=build, actor=cast.bm)
    version = ReportVersion.objects.get(pk=version.pk)
    assert version.number == 1 and version.published_by == cast.bm and version.published_at
    assert bytes(version.pdf) == bytes(build.pdf)
    assert version.sha256 == hashlib.sha256(bytes(version.pdf)).hexdigest() == build.sha256
    assert version.size == len(bytes(version.pdf))


def test_a_rebuild_makes_version_two_and_leaves_version_one_unchanged(build_of, cast, seeded, v1):
    v1_bytes, v1_sha = bytes(ReportVersion.objects.get(pk=v1.pk).pdf), v1.sha256
    rec = seeded.recommendations[0]
    rec.text = "A changed recommendation for the second version."
    rec.save()
    v2 = services.report_publish(build=build_of(seeded.audit, cast.bm), actor=cast.bm)
    assert v2.number == 2
    again = ReportVersion.objects.get(pk=v1.pk)
    assert bytes(again.pdf) == v1_bytes and again.sha256 == v1_sha and again.checksum_matches()
    assert "A changed recommendation" not in flat(pdf_text(v1_bytes))
    assert "A changed recommendation" in flat(pdf_text(bytes(v2.pdf)))
    assert v2.sha256 != v1_sha


def test_a_version_cannot_be_changed_or_deleted_by_any_path(v1):
    version = ReportVersion.objects.get(pk=v1.pk)
    version.pdf = b"%PDF-forged"
    with pytest.raises(PermissionError):
        version.save()
    with pytest.raises(PermissionError):
        ReportVersion.objects.filter(pk=v1.pk).update(pdf=b"%PDF-forged")
    with pytest.raises(PermissionError):
        ReportVersion.objects.bulk_update([version], ["pdf"])
    with pytest.raises(PermissionError):
        version.delete()
    with pytest.raises(PermissionError):
        ReportVersion.objects.filter(pk=v1.pk).delete()
    assert ReportVersion.objects.get(pk=v1.pk).checksum_matches()


def test_a_version_refuses_a_checksum_that_is_not_its_files(cast, v1):
    with pytest.raises(ValueError):
        ReportVersion(
            audit=v1.audit,
            number=9,
            build=v1.build,
            pdf=b"x",
            sha256="0" * 64,
            size=1,
            build_date=v1.build_date,
            published_by=cast.bm,
        ).save()


def test_the_same_draft_is_published_once_and_only_the_newest(build_of, cast, seeded, v1):
    with pytest.raises(ValidationError, match="already published"):
        services.report_publish(build=v1.build, actor=cast.bm)
    older = build_of(seeded.audit, cast.bm)
    build_of(seeded.audit, cast.bm)
    with pytest.raises(ValidationError, match="newer draft"):
        services.report_publish(build=older, actor=cast.bm)


def test_board_member_downloads_a_published_version_and_it_is_logged(cast, client, v1):
    response = login(client, cast.board).get(
        reverse("reports:version_download", kwargs={"version_pk": v1.pk})
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert hashlib.sha256(response.content).hexdigest() == v1.sha256
    entry = AccessLogEntry.objects.get(user=cast.board, what="report_version")
    assert entry.action == AccessLogEntry.Action.DOWNLOAD and entry.object_id == v1.pk


def test_board_member_gets_404_for_drafts(build_of, cast, seeded, client):
    build = build_of(seeded.audit, cast.bm)
    login(client, cast.board)
    assert client.get(reverse("reports:build_preview", kwargs={"build_pk": build.pk})).status_code == 404
    assert client.get(reverse("reports:build_status", kwargs={"build_pk": build.pk})).status_code == 404


def test_panel_previews_a_draft_inline_and_another_panel_cannot(build_of, cast, seeded, client):
    build = build_of(seeded.audit, cast.bm)
    url = reverse("reports:build_preview", kwargs={"build_pk": build.pk})
    response = login(client, cast.panel).get(url)
    assert response.status_code == 200 and response["Content-Disposition"].startswith("inline;")
    assert "What we found" in pdf_text(response.content)
    assert AccessLogEntry.objects.filter(user=cast.panel, what="report_draft", object_id=build.pk).exists()
    assert login(client, cast.panel_other).get(url).status_code == 404


def test_board_home_lists_published_versions_to_download(cast, client, v1, django_assert_max_num_queries):
    login(client, cast.board)
    with django_assert_max_num_queries(15):
        page = client.get(reverse("recommendations:board_home"))
    html = page.content.decode()
    assert "Published audit reports" in html and v1.audit.title in html
    assert reverse("reports:version_download", kwargs={"version_pk": v1.pk}) in html


def test_board_home_query_count_is_flat_as_versions_grow(
    build_of, cast, seeded, client, django_assert_max_num_queries
):
    from tests.factories import AuditFactory

    for i in range(3):
        audit = AuditFactory(title=f"Audit {i}", created_by=cast.bm)
        services.report_publish(build=build_of(audit, cast.bm), actor=cast.bm)
    login(client, cast.board)
    with django_assert_max_num_queries(15):
        html = client.get(reverse("recommendations:board_home")).content.decode()
    assert html.count("Download<span") == 3


def test_other_panel_and_an_uninvolved_agency_do_not_see_the_version(cast, client, v1):
    uninvolved = UserFactory(
        email="outsider@test.example",
        role="agency_contributor",
        agency=AgencyFactory(name="Uninvolved Agency"),
    )
    for user in (cast.panel_other, uninvolved):
        client.logout()
        url = reverse("reports:version_download", kwargs={"version_pk": v1.pk})
        assert login(client, user).get(url).status_code == 404
        assert v1.audit.title not in client.get(reverse("recommendations:board_home")).content.decode()


def test_publish_button_publishes_and_the_audit_page_shows_it(build_of, cast, seeded, client):
    build = build_of(seeded.audit, cast.bm)
    login(client, cast.bm)
    response = client.post(reverse("reports:build_publish", kwargs={"build_pk": build.pk}))
    assert response.status_code == 302
    version = ReportVersion.objects.get()
    report_url = reverse("reports:report_detail", kwargs={"audit_pk": seeded.audit.pk})
    audit_page = client.get(
        reverse("cases:audit_detail", kwargs={"audit_pk": seeded.audit.pk})
    ).content.decode()
    # The overview's stage "Report published" is completed and leads to the report's page.
    stage = audit_page.split(">Report published</a>")[0].rsplit("<li", 1)[1]
    assert f'href="{report_url}"' in stage
    after = audit_page.split(">Report published</a>")[1].split("</li>")[0]
    assert "1 version" in after and "Completed" in after
    report_page = client.get(report_url).content.decode()
    assert "Published as version 1." in report_page
    assert reverse("reports:version_download", kwargs={"version_pk": version.pk}) in report_page


def test_an_agency_that_contributed_or_owns_a_recommendation_downloads_it(cast, client, v1, seeded):
    # Police (contributor_other's agency) had an accepted return and owns recommendations in this audit.
    url = reverse("reports:version_download", kwargs={"version_pk": v1.pk})
    assert login(client, cast.contributor_other).get(url).status_code == 200
