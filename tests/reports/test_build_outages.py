"""Report builds outlive a broker outage and a killed worker: the page answers normally while the
broker is down, the sweep hands the build over when it is back, and a build past its hard time limit
is marked failed with the reason."""

import datetime
import time
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone

from pscb_audit.celery import app as celery_app
from reports import services
from reports.models import ReportBuild
from reports.tasks import sweep_report_builds
from tests.fakes import TcpProxy, point_celery_at
from tests.helpers import login


@pytest.fixture
def broker_behind_proxy():
    """The broker reached through a local port that the test can cut (the broker's host going away)."""
    real = django_settings.CELERY_BROKER_URL
    parts = urlsplit(real)
    proxy = TcpProxy(parts.hostname, parts.port or 6379)
    previous_eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    point_celery_at(celery_app, f"redis://127.0.0.1:{proxy.port}{parts.path or '/0'}")
    yield proxy
    proxy.down()
    point_celery_at(celery_app, real)
    celery_app.conf.task_always_eager = previous_eager


@pytest.mark.redis
@pytest.mark.real_celery
@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_the_draft_waits_and_is_built_when_it_is_back(
    broker_behind_proxy, seeded, cast, client, settings
):
    from celery.contrib.testing.worker import start_worker

    proxy = broker_behind_proxy  # down: nothing answers on the broker's port
    settings.REPORT_BUILD_REQUEUE_SECONDS = 0
    login(client, cast.bm)
    started = time.monotonic()
    response = client.post(reverse("reports:build_create", kwargs={"audit_pk": seeded.audit.pk}), follow=True)
    assert time.monotonic() - started < 15  # the user is not kept waiting for the broker
    assert response.status_code == 200
    page = response.content.decode()
    assert "Building a draft of the report." in page
    assert services.UNREACHABLE_STAGE in page
    build = ReportBuild.objects.get(audit=seeded.audit)
    assert build.status == ReportBuild.Status.QUEUED and build.stage == services.UNREACHABLE_STAGE

    proxy.up()  # the broker is back; beat's sweep runs on the worker and hands the build over
    with start_worker(
        celery_app, pool="threads", concurrency=2, perform_ping_check=False, shutdown_timeout=60
    ):
        sweep_report_builds.delay()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            build.refresh_from_db()
            if build.is_finished:
                break
            time.sleep(0.5)
    assert build.status == ReportBuild.Status.DONE, build.error
    page = client.get(reverse("reports:report_detail", kwargs={"audit_pk": seeded.audit.pk})).content.decode()
    assert "Preview the draft (PDF)" in page


@pytest.mark.django_db
def test_a_build_running_past_its_hard_limit_is_marked_failed_by_the_sweep(cast, client, settings):
    settings.REPORT_BUILD_TIME_LIMIT = 180
    now = timezone.now()

    def running(minutes_ago):
        return ReportBuild.objects.create(
            audit=cast.audit,
            requested_by=cast.bm,
            build_date=now.date(),
            status=ReportBuild.Status.RUNNING,
            started_at=now - datetime.timedelta(minutes=minutes_ago),
            stage="Rendering the PDF",
        )

    dead, live = running(10), running(1)
    assert sweep_report_builds() == (0, 1)
    dead.refresh_from_db()
    live.refresh_from_db()
    assert dead.status == ReportBuild.Status.FAILED
    assert "still running after its time limit of 180 seconds" in dead.error
    assert live.status == ReportBuild.Status.RUNNING
    page = login(client, cast.bm).get(reverse("reports:build_status", kwargs={"build_pk": dead.pk}))
    assert "still running after its time limit of 180 seconds" in page.content.decode()


@pytest.mark.django_db
def test_the_sweep_hands_a_lost_queued_build_to_the_worker(
    cast, settings, django_capture_on_commit_callbacks
):
    """Embedded mode stands in for the worker: a build whose message was lost is built by the sweep."""
    settings.REPORT_BUILD_REQUEUE_SECONDS = 120
    build = ReportBuild.objects.create(
        audit=cast.audit, requested_by=cast.bm, build_date=timezone.localdate()
    )
    assert sweep_report_builds() == (0, 0)  # just queued: its message may still be on its way
    ReportBuild.objects.filter(pk=build.pk).update(updated_at=timezone.now() - datetime.timedelta(minutes=5))
    assert sweep_report_builds() == (1, 0)
    build.refresh_from_db()
    assert build.status == ReportBuild.Status.DONE
