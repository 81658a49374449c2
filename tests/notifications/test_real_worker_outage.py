"""A mail outage with a real Celery worker on Redis (PostgreSQL): every reminder due during the outage
is delivered once when the mail server is back, through the real delivery task and the periodic
sweep; a reminder that failed for good is sent again from the log page and by the command."""

import time
from email import message_from_bytes, policy

import pytest
from django.core.management import call_command
from django.db import close_old_connections
from django.urls import reverse

from notifications.models import Notification
from notifications.services import message_id_for
from notifications.tasks import MAX_ATTEMPTS, recover_stale_notifications, run_daily_reminders
from pscb_audit.celery import app as celery_app
from tests.fakes import FakeSmtpServer
from tests.helpers import login

from .conftest import D

EXPECTED = 11  # see the everything_due fixture

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.real_celery,
    pytest.mark.django_db(transaction=True),
]


def _wait_for(condition, what, timeout=90, sweep=False):
    """Poll until condition() holds; with sweep=True, send beat's sweep task every second meanwhile."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if sweep:
            recover_stale_notifications.delay()
        time.sleep(1)
    rows = list(Notification.objects.values_list("key", "status", "attempts", "retry_rounds"))
    raise AssertionError(f"timed out waiting for {what}: {rows}")


@pytest.fixture
def outage(everything_due, settings, monkeypatch):
    """The mail server is down; a round of quick attempts takes a second (no backoff countdown), and a
    later round is due two seconds after the previous one ends."""
    smtp = FakeSmtpServer()
    smtp.use_in(settings)
    settings.REMINDER_DIGEST_WEEKDAY = D.weekday()
    settings.NOTIFICATION_RETRY_AFTER_SECONDS = 2
    settings.NOTIFICATION_RETRY_MAX_SECONDS = 2
    monkeypatch.setattr("celery.app.autoretry.get_exponential_backoff_interval", lambda **kwargs: 0)
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()
    yield smtp
    smtp.down()
    celery_app.conf.task_always_eager = True
    close_old_connections()


def _first_round_over():
    rows = Notification.objects.all()
    return rows.count() == EXPECTED and all(
        n.attempts >= MAX_ATTEMPTS and n.status in (Notification.Status.PENDING, Notification.Status.FAILED)
        for n in rows
    )


def _delivered(smtp):
    return [message_from_bytes(raw, policy=policy.default) for raw in smtp.messages]


def test_reminders_due_during_a_mail_outage_go_out_once_when_mail_is_back(outage, settings):
    from celery.contrib.testing.worker import start_worker

    smtp = outage
    settings.NOTIFICATION_RETRY_ROUNDS = 5
    with start_worker(
        celery_app, pool="threads", concurrency=4, perform_ping_check=False, shutdown_timeout=30
    ):
        run_daily_reminders.delay(D.isoformat())  # beat's morning run, during the outage
        _wait_for(_first_round_over, "the first round of attempts to fail")
        assert smtp.messages == []
        assert Notification.objects.filter(status=Notification.Status.FAILED).count() == 0
        assert all(n.next_attempt_at is not None for n in Notification.objects.all())
        smtp.up()  # mail works again; beat's sweep starts the next round
        _wait_for(
            lambda: Notification.objects.filter(status=Notification.Status.SENT).count() == EXPECTED,
            "every reminder to be sent",
            sweep=True,
        )
        # More sweeps and a second daily run send nothing more.
        run_daily_reminders.delay(D.isoformat())
        for _ in range(3):
            recover_stale_notifications.delay()
            time.sleep(1)
    delivered = _delivered(smtp)
    assert len(delivered) == EXPECTED
    keys = list(Notification.objects.values_list("key", flat=True))
    assert sorted(m["Message-ID"] for m in delivered) == sorted(message_id_for(k) for k in keys)
    assert len({(m["To"], m["Subject"]) for m in delivered}) == EXPECTED


def test_a_failed_reminder_is_sent_again_from_the_page_and_by_the_command(outage, settings, client, cast):
    from celery.contrib.testing.worker import start_worker

    smtp = outage
    settings.NOTIFICATION_RETRY_ROUNDS = 0  # no later round: the first round's failure is final
    with start_worker(
        celery_app, pool="threads", concurrency=4, perform_ping_check=False, shutdown_timeout=30
    ):
        run_daily_reminders.delay(D.isoformat())
        _wait_for(
            lambda: Notification.objects.filter(status=Notification.Status.FAILED).count() == EXPECTED,
            "every reminder to fail",
        )
        smtp.up()
        login(client, cast.bm)
        page = client.get(reverse("notifications:log")).content.decode()
        assert f"Not delivered yet ({EXPECTED})" in page
        one = Notification.objects.order_by("pk").first()
        client.post(reverse("notifications:resend", kwargs={"notification_pk": one.pk}))
        _wait_for(lambda: len(smtp.messages) == 1, "the page's resend to be delivered")
        call_command("resend_notifications", "--failed")
        _wait_for(lambda: len(smtp.messages) == EXPECTED, "the command's resends to be delivered")
        call_command("resend_notifications", "--failed")  # nothing failed any more: nothing goes
        time.sleep(2)
    assert Notification.objects.filter(status=Notification.Status.SENT).count() == EXPECTED
    delivered = _delivered(smtp)
    assert len(delivered) == EXPECTED
    assert delivered[0]["Message-ID"] == message_id_for(one.key)
    assert Notification.objects.get(pk=one.pk).resent_by == cast.bm
