"""The Business Manager's health page: broker, worker, beat, oldest queued e-mail and build, failures."""

import datetime
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from operations.models import Heartbeat
from pscb_audit.celery import app as celery_app
from reports.models import ReportBuild
from tests.fakes import free_port, point_celery_at
from tests.helpers import login

URL = reverse("operations:health")


def rows(html):
    """{part: text of its row}, tags stripped."""
    import re

    found = {}
    for row in re.findall(r'<tr class="govuk-table__row health-row">(.*?)</tr>', html, re.S):
        text = " ".join(re.sub(r"<[^>]+>", " ", row).split())
        found[re.sub(r"<[^>]+>", "", re.search(r"<th[^>]*>(.*?)</th>", row, re.S).group(1)).strip()] = text
    return found


@pytest.mark.django_db
def test_the_page_shows_failed_reminders_and_the_oldest_queued_build(cast, client):
    Notification.objects.create(
        key="k:1",
        kind="return_overdue",
        to="a@x.example",
        subject="s",
        body_text="b",
        status=Notification.Status.FAILED,
    )
    Notification.objects.create(
        key="k:2",
        kind="return_overdue",
        to="b@x.example",
        subject="s",
        body_text="b",
        next_attempt_at=timezone.now() + datetime.timedelta(hours=1),
    )
    build = ReportBuild.objects.create(
        audit=cast.audit, requested_by=cast.bm, build_date=timezone.localdate()
    )
    ReportBuild.objects.filter(pk=build.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=95))
    page = rows(login(client, cast.bm).get(URL).content.decode())
    assert (
        page["Reminders not delivered"]
        == "Reminders not delivered Needs attention 1 failed, 1 waiting to retry."
    )
    assert "Queued 1 h 35 min ago (1 queued)." in page["Oldest queued report build"]
    assert page["Oldest queued report build"].startswith("Oldest queued report build Needs attention")
    assert page["Oldest queued e-mail"] == "Oldest queued e-mail OK None queued."
    assert "Embedded mode" in page["Task queue (broker)"]


@pytest.mark.django_db
@pytest.mark.real_celery
def test_an_unreachable_broker_and_no_worker_are_shown_without_delay(cast, client):
    Heartbeat.objects.create(name="sweep:notifications", seen_at=timezone.now() - datetime.timedelta(hours=2))
    previous_url, previous_eager = celery_app.conf.broker_url, celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    point_celery_at(celery_app, f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    try:
        started = time.monotonic()
        page = rows(login(client, cast.bm).get(URL).content.decode())
        assert time.monotonic() - started < 15
    finally:
        point_celery_at(celery_app, previous_url)
        celery_app.conf.task_always_eager = previous_eager
    assert page["Task queue (broker)"].startswith("Task queue (broker) Needs attention Not reachable.")
    assert page["Worker"].startswith("Worker Needs attention No worker answered a ping.")
    assert "more than 20 minutes ago" in page["Beat (periodic jobs)"]


@pytest.mark.redis
@pytest.mark.real_celery
@pytest.mark.django_db(transaction=True)
def test_with_a_real_worker_the_broker_worker_and_beat_are_ok(cast, client):
    from celery.contrib.testing.worker import start_worker

    from notifications.tasks import recover_stale_notifications
    from reports.tasks import sweep_report_builds

    celery_app.conf.task_always_eager = False
    try:
        with start_worker(
            celery_app, pool="threads", concurrency=2, perform_ping_check=False, shutdown_timeout=30
        ):
            recover_stale_notifications.delay()  # as beat would send them
            sweep_report_builds.delay()
            deadline = time.monotonic() + 30
            while Heartbeat.objects.count() < 2 and time.monotonic() < deadline:
                time.sleep(0.3)
            page = rows(login(client, cast.bm).get(URL).content.decode())
    finally:
        celery_app.conf.task_always_eager = True
    assert page["Task queue (broker)"] == "Task queue (broker) OK Reachable."
    assert page["Worker"].startswith("Worker OK 1 answering now")
    assert page["Beat (periodic jobs)"].startswith("Beat (periodic jobs) OK Last run")
    assert (
        "sweep:notifications" in page["Beat (periodic jobs)"]
        and "sweep:reports" in page["Beat (periodic jobs)"]
    )
