"""A real Celery worker on Redis, on PostgreSQL: the daily job run twice and concurrently (by beat's
task on the worker and by two `send_reminders`-style callers at once) sends each reminder once."""

import threading
import time

import pytest
from django.db import close_old_connections, connection

from notifications.models import Notification
from notifications.reminders import run_daily
from notifications.tasks import deliver_notification, run_daily_reminders
from pscb_audit.celery import app as celery_app

from .conftest import D

EXPECTED = 11  # see the everything_due fixture


def _wait_until_settled(mailoutbox, timeout=60):
    """Until every row is sent or failed and the outbox stops growing."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        open_rows = Notification.objects.filter(
            status__in=(Notification.Status.PENDING, Notification.Status.SENDING)
        ).count()
        if Notification.objects.count() >= EXPECTED and open_rows == 0:
            return
        time.sleep(0.2)
    raise AssertionError(f"not settled: {list(Notification.objects.values_list('key', 'status'))}")


def _run_in_thread(barrier, errors, results):
    try:
        barrier.wait(timeout=10)
        results.append(run_daily(today=D))
    except Exception as exc:  # reported by the test
        errors.append(exc)
    finally:
        connection.close()


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.real_celery
@pytest.mark.django_db(transaction=True)
def test_each_reminder_is_sent_once_by_a_real_worker(everything_due, settings, mailoutbox):
    from celery.contrib.testing.worker import start_worker

    settings.REMINDER_DIGEST_WEEKDAY = D.weekday()
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()
    errors, results = [], []
    try:
        with start_worker(
            celery_app, pool="threads", concurrency=4, perform_ping_check=False, shutdown_timeout=30
        ):
            # Beat fires twice, and two callers run the job by hand at the same moment.
            run_daily_reminders.delay(D.isoformat())
            run_daily_reminders.delay(D.isoformat())
            barrier = threading.Barrier(2)
            threads = [
                threading.Thread(target=_run_in_thread, args=(barrier, errors, results)) for _ in range(2)
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=60)
            _wait_until_settled(mailoutbox)
            # A redelivered message or a second worker asks to deliver every row again: nothing more goes.
            for pk in Notification.objects.values_list("pk", flat=True):
                deliver_notification.delay(pk)
                deliver_notification.delay(pk)
            run_daily_reminders.delay(D.isoformat())
            time.sleep(3)
            _wait_until_settled(mailoutbox)
    finally:
        celery_app.conf.task_always_eager = True
        close_old_connections()
    assert not errors and len(results) == 2
    # Between them the runs queued each reminder at most once (the worker's runs queued the rest).
    assert sum(sum(r.values()) for r in results) <= EXPECTED
    rows = Notification.objects.all()
    assert rows.count() == EXPECTED
    assert rows.filter(status=Notification.Status.SENT).count() == EXPECTED
    assert all(n.attempts == 1 for n in rows)
    assert len(mailoutbox) == EXPECTED
    sent = [(m.to[0], m.subject) for m in mailoutbox]
    assert len(set(sent)) == EXPECTED
