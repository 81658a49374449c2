"""A draft build on the real parts: the task goes through Redis to a Celery worker, which renders
and checks the report; the page's polling sees it finish. Skips without Redis; fails in CI."""

import time

import pytest

from pscb_audit.celery import app as celery_app
from reports import services
from reports.models import ReportBuild

from .conftest import flat, pdf_text


@pytest.mark.redis
@pytest.mark.real_celery
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_builds_the_draft(seeded, cast):
    from celery.contrib.testing.worker import start_worker

    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            build = services.report_build_request(audit=seeded.audit, actor=cast.bm)
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline:
                build.refresh_from_db()
                if build.is_finished:
                    break
                time.sleep(0.5)
    finally:
        celery_app.conf.task_always_eager = previous
    assert build.status == ReportBuild.Status.DONE, build.error
    assert "What we recommend should happen now" in flat(pdf_text(bytes(build.pdf)))
