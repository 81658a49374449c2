"""The report page: framing text with defaults from the records, building a draft with progress."""

import pytest
from django.urls import reverse

from reports import services, tasks
from reports.models import AuditReport, ReportBuild
from tests.helpers import login

from .conftest import flat, pdf_text


def detail_url(audit):
    return reverse("reports:report_detail", kwargs={"audit_pk": audit.pk})


def test_framing_defaults_come_from_the_audits_records(cast, seeded, client):
    html = login(client, cast.bm).get(reverse("reports:framing_edit", kwargs={"audit_pk": seeded.audit.pk}))
    html = html.content.decode()
    assert "a sample of four children" in html
    assert "each was audited by one of two methods" in html
    assert "A panel of two led the review" in html
    assert "found no child, in any of these four cases, left unsafe" in html
    # The counts by method and the agencies that returned are printed in their own parts of the
    # report, so the default framing text does not say them a second time.
    assert "two by paper audit" not in html and "agencies contributed returns" not in html


def test_business_manager_edits_framing_and_the_next_draft_uses_it(build_of, cast, seeded, client):
    login(client, cast.bm)
    url = reverse("reports:framing_edit", kwargs={"audit_pk": seeded.audit.pk})
    response = client.post(
        url,
        {
            "what_we_did": "Our own opening paragraph.\n\nA second paragraph.",
            "how_we_did_this": "",  # blank: back to the default
            "assurance": "Our own assurance paragraph.",
        },
    )
    assert response.status_code == 302
    framing = AuditReport.objects.get(audit=seeded.audit)
    assert framing.updated_by == cast.bm and framing.how_we_did_this == ""
    body = flat(pdf_text(bytes(build_of(seeded.audit, cast.bm).pdf)))
    assert "Our own opening paragraph. A second paragraph." in body
    assert "Our own assurance paragraph." in body
    assert "each was audited by one of two methods" in body  # the default
    assert "(2 cases)" in body  # the method counts, in their own part


def test_panel_reads_the_report_page_but_cannot_edit_or_build(cast, seeded, client):
    login(client, cast.panel)
    assert client.get(detail_url(seeded.audit)).status_code == 200
    assert (
        client.get(reverse("reports:framing_edit", kwargs={"audit_pk": seeded.audit.pk})).status_code == 403
    )
    response = client.post(reverse("reports:build_create", kwargs={"audit_pk": seeded.audit.pk}))
    assert response.status_code == 403
    assert not ReportBuild.objects.exists()


def test_building_a_draft_runs_the_task_and_shows_the_preview(
    cast, seeded, client, django_capture_on_commit_callbacks
):
    login(client, cast.bm)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("reports:build_create", kwargs={"audit_pk": seeded.audit.pk}))
    assert response.status_code == 302 and len(callbacks) == 1
    build = ReportBuild.objects.get()
    assert build.status == ReportBuild.Status.DONE and build.progress == 100 and build.requested_by == cast.bm
    assert build.page_count and build.page_count >= 6
    html = client.get(detail_url(seeded.audit)).content.decode()
    assert reverse("reports:build_preview", kwargs={"build_pk": build.pk}) in html
    assert "No identifying details found." in html and "Publish this draft" in html


def test_a_running_build_polls_with_htmx_and_offers_a_refresh_link(cast, seeded, client):
    build = ReportBuild.objects.create(
        audit=seeded.audit,
        requested_by=cast.bm,
        build_date=seeded.audit.period_end,
        status=ReportBuild.Status.RUNNING,
        progress=30,
        stage="Rendering the PDF",
    )
    login(client, cast.panel)
    status_url = reverse("reports:build_status", kwargs={"build_pk": build.pk})
    for html in (
        client.get(detail_url(seeded.audit)).content.decode(),
        client.get(status_url).content.decode(),
    ):
        assert f'hx-get="{status_url}"' in html and 'hx-trigger="every 2s"' in html
        assert (
            "Rendering the PDF (30%)" in html
            and '<progress id="build-progress" max="100" value="30">' in html
        )
        assert "Refresh to see progress" in html
        assert "<script" not in html.split('id="build-status"')[1]
    ReportBuild.objects.filter(pk=build.pk).update(status=ReportBuild.Status.FAILED, error="RuntimeError")
    html = client.get(status_url).content.decode()
    assert "hx-trigger" not in html and "The build failed (RuntimeError)" in html


def test_the_task_claims_a_build_once(cast, seeded):
    build = ReportBuild.objects.create(
        audit=seeded.audit, requested_by=cast.bm, build_date=seeded.audit.period_end
    )
    tasks.report_build_render(build.pk)
    build.refresh_from_db()
    first = (build.sha256, build.finished_at, build.hits.count())
    tasks.report_build_render(build.pk)  # a redelivery: nothing happens
    build.refresh_from_db()
    assert (build.sha256, build.finished_at, build.hits.count()) == first
    assert build.status == ReportBuild.Status.DONE


def test_a_failing_render_is_recorded_on_the_build(cast, seeded, monkeypatch):
    def explode(**kwargs):
        raise RuntimeError("Pango is missing")

    monkeypatch.setattr(services, "render_pdf", explode)
    build = ReportBuild.objects.create(
        audit=seeded.audit, requested_by=cast.bm, build_date=seeded.audit.period_end
    )
    tasks.report_build_render(build.pk)
    build.refresh_from_db()
    assert build.status == ReportBuild.Status.FAILED and build.error == "RuntimeError" and not build.pdf


def test_the_task_has_a_time_limit(settings):
    assert tasks.report_build_render.time_limit == settings.REPORT_BUILD_TIME_LIMIT
    assert 0 < tasks.report_build_render.soft_time_limit < tasks.report_build_render.time_limit


def test_report_page_query_count_is_flat(build_of, cast, seeded, client, django_assert_max_num_queries):
    build = build_of(seeded.audit, cast.bm)
    # Several hits, so that a per-hit query would show.
    lp = seeded.cases[1].learning_points.first()
    lp.text = "PO1 2AB, PO2 3DD, PO3 4EF and jo@example.org"
    lp.save()
    build = build_of(seeded.audit, cast.bm)
    assert build.hits.count() == 4
    login(client, cast.bm)
    # 20, plus a fixed number for the staleness check (it reads the report's inputs and the register
    # once, whatever the number of hits).
    with django_assert_max_num_queries(30):
        assert client.get(detail_url(seeded.audit)).status_code == 200


@pytest.mark.parametrize("user_attr", ["board", "contributor", "panel_other"])
def test_others_cannot_open_the_report_page(cast, seeded, client, user_attr):
    response = login(client, getattr(cast, user_attr)).get(detail_url(seeded.audit))
    assert response.status_code in (403, 404)


def test_report_page_queries_do_not_grow_with_cases(cast, seeded, client, django_assert_max_num_queries):
    from tests.factories import CaseAssuranceFactory, CaseFactory

    login(client, cast.bm)
    with django_assert_max_num_queries(16) as small:
        client.get(detail_url(seeded.audit))
    for number in range(5, 17):
        CaseAssuranceFactory(case=CaseFactory(audit=seeded.audit, number=number))
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert "a sample of sixteen children" in client.get(detail_url(seeded.audit)).content.decode()


def test_a_build_lost_by_its_worker_stops_polling(cast, seeded, client, settings):
    import datetime

    from django.utils import timezone

    build = ReportBuild.objects.create(
        audit=seeded.audit,
        requested_by=cast.bm,
        build_date=seeded.audit.period_end,
        status=ReportBuild.Status.RUNNING,
        stage="Rendering the PDF",
    )
    ReportBuild.objects.filter(pk=build.pk).update(
        created_at=timezone.now() - datetime.timedelta(seconds=settings.REPORT_BUILD_TIME_LIMIT + 600)
    )
    html = (
        login(client, cast.bm)
        .get(reverse("reports:build_status", kwargs={"build_pk": build.pk}))
        .content.decode()
    )
    assert "hx-trigger" not in html and "did not finish in time" in html
