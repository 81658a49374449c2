"""A mail outage loses nothing: later rounds of attempts, "send again" on the log page and by command,
a stable Message-ID per key, and a "sent" record that survives a database error."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.db import OperationalError, connection
from django.urls import reverse
from django.utils import timezone

from notifications import services
from notifications.models import Notification
from notifications.services import message_id_for, notification_queue, notification_recover_stale
from notifications.tasks import MAX_ATTEMPTS
from tests.helpers import login

from .backends import FlakyBackend

pytestmark = pytest.mark.django_db

TO = "someone@agency.example"


@pytest.fixture
def flaky(settings):
    settings.EMAIL_BACKEND = "tests.notifications.backends.FlakyBackend"
    settings.NOTIFICATION_RETRY_ROUNDS = 3
    settings.NOTIFICATION_RETRY_AFTER_SECONDS = 15 * 60
    settings.NOTIFICATION_RETRY_MAX_SECONDS = 8 * 60 * 60
    FlakyBackend.failures_left = 0
    FlakyBackend.calls = 0
    return FlakyBackend


def _queue(django_capture_on_commit_callbacks, key="return:7:overdue:2027-03-15:" + TO):
    with django_capture_on_commit_callbacks(execute=True):
        notification, _ = notification_queue(
            key=key,
            kind="return_overdue",
            to=TO,
            subject="Reminder: your return for Case One is overdue",
            template="cases/email/return_reminder",
            context={"kind": "return_overdue", "pseudonym": "Case One", "due_date": "15 March 2027"},
        )
    notification.refresh_from_db()
    return notification


def _sweep(django_capture_on_commit_callbacks, at):
    with time_machine.travel(at, tick=False), django_capture_on_commit_callbacks(execute=True):
        return notification_recover_stale()


def test_an_outage_longer_than_a_round_waits_and_the_sweep_sends_it_once_mail_is_back(
    flaky, mailoutbox, django_capture_on_commit_callbacks
):
    flaky.failures_left = MAX_ATTEMPTS  # the whole first round fails
    notification = _queue(django_capture_on_commit_callbacks)
    assert mailoutbox == []
    assert notification.status == Notification.Status.PENDING
    assert notification.retry_rounds == 1 and notification.attempts == MAX_ATTEMPTS
    wait = notification.next_attempt_at - timezone.now()
    assert datetime.timedelta(minutes=14) < wait <= datetime.timedelta(minutes=15)
    # Not due yet: the sweep leaves it alone.
    assert _sweep(django_capture_on_commit_callbacks, timezone.now() + datetime.timedelta(minutes=5)) == 0
    # Mail works again; the next sweep after the wait sends it, once.
    later = timezone.now() + datetime.timedelta(minutes=16)
    assert _sweep(django_capture_on_commit_callbacks, later) == 1
    assert _sweep(django_capture_on_commit_callbacks, later + datetime.timedelta(hours=3)) == 0
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [TO]


def test_later_rounds_back_off_and_end_in_failed(flaky, mailoutbox, django_capture_on_commit_callbacks):
    flaky.failures_left = 10_000
    notification = _queue(django_capture_on_commit_callbacks)
    waits, now = [], timezone.now()
    while True:
        notification.refresh_from_db()
        if notification.status == Notification.Status.FAILED:
            break
        waits.append(round((notification.next_attempt_at - now).total_seconds() / 60))
        now = notification.next_attempt_at + datetime.timedelta(seconds=1)
        assert _sweep(django_capture_on_commit_callbacks, now) == 1
    assert waits == [15, 30, 60]  # doubling, three rounds after the first
    assert notification.attempts == MAX_ATTEMPTS * 4 == flaky.calls
    assert mailoutbox == []


def test_the_business_manager_sends_a_failed_reminder_again_from_the_log_page(
    flaky, mailoutbox, django_capture_on_commit_callbacks, cast, client, settings
):
    settings.NOTIFICATION_RETRY_ROUNDS = 0
    flaky.failures_left = MAX_ATTEMPTS
    notification = _queue(django_capture_on_commit_callbacks)
    assert notification.status == Notification.Status.FAILED
    login(client, cast.bm)
    page = client.get(reverse("notifications:log")).content.decode()
    assert "Not delivered yet (1)" in page and "Send again" in page
    resend = reverse("notifications:resend", kwargs={"notification_pk": notification.pk})
    assert resend in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(resend, follow=True)
    assert f"The e-mail to {TO} is being sent again." in response.content.decode()
    assert "Not delivered yet" not in response.content.decode()
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert notification.resent_by == cast.bm and notification.resent_at is not None
    assert len(mailoutbox) == 1
    # A second click (e.g. a stale page) sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(resend, follow=True)
    assert "only a failed one can be sent again" in response.content.decode()
    assert len(mailoutbox) == 1


def test_an_operator_resends_every_failed_reminder_with_the_command(
    flaky, mailoutbox, django_capture_on_commit_callbacks, settings, capsys
):
    settings.NOTIFICATION_RETRY_ROUNDS = 0
    flaky.failures_left = 2 * MAX_ATTEMPTS
    first = _queue(django_capture_on_commit_callbacks, key="k:1")
    second = _queue(django_capture_on_commit_callbacks, key="k:2")
    assert first.status == second.status == Notification.Status.FAILED
    with django_capture_on_commit_callbacks(execute=True):
        call_command("resend_notifications", "--failed")
    assert "2 e-mails sent again." in capsys.readouterr().out
    assert Notification.objects.filter(status=Notification.Status.SENT).count() == 2
    assert len(mailoutbox) == 2
    with django_capture_on_commit_callbacks(execute=True):
        call_command("resend_notifications", "--failed")
    assert "0 e-mails sent again." in capsys.readouterr().out
    assert len(mailoutbox) == 2


def test_message_id_is_stable_per_key_across_sends(flaky, mailoutbox, django_capture_on_commit_callbacks):
    key = "return:7:overdue:2027-03-15:" + TO
    notification = _queue(django_capture_on_commit_callbacks, key=key)
    other = _queue(django_capture_on_commit_callbacks, key=key.replace("overdue", "due_today"))
    # A resend of the first (e.g. after an uncertain delivery) carries the same Message-ID.
    Notification.objects.filter(pk=notification.pk).update(status=Notification.Status.FAILED)
    with django_capture_on_commit_callbacks(execute=True):
        services.notification_resend(notification=notification)
    ids = [m.message().get("Message-ID") for m in mailoutbox]
    assert ids[0] == ids[2] == message_id_for(key)
    assert ids[1] == message_id_for(other.key) != ids[0]
    assert ids[0].startswith("<") and ids[0].endswith("@pscb-audit.invalid>")


class FailSentUpdate:
    """A database that refuses the first `times` attempts to record "sent" (execute_wrapper)."""

    def __init__(self, times):
        self.left, self.refused = times, 0

    def __call__(self, execute, sql, params, many, context):
        if (
            self.left
            and sql.startswith("UPDATE")
            and "notifications_notification" in sql
            and "sent_at" in sql
        ):
            self.left -= 1
            self.refused += 1
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)


def test_a_database_error_on_the_sent_record_is_retried_and_never_sends_twice(
    mailoutbox, django_capture_on_commit_callbacks, monkeypatch, settings, caplog
):
    monkeypatch.setattr(services, "SENT_RECORD_DELAYS", (0, 0, 0, 0, 0))
    refuse = FailSentUpdate(times=2)
    with connection.execute_wrapper(refuse):
        notification = _queue(django_capture_on_commit_callbacks)
    assert refuse.refused == 2
    assert notification.status == Notification.Status.SENT and notification.attempts == 1
    assert len(mailoutbox) == 1
    assert "notification_sent_recorded" in caplog.text and "after 3 tries" in caplog.text
    assert "worker stopped" not in caplog.text
    # Long after, the sweep finds nothing to send again.
    later = timezone.now() + datetime.timedelta(minutes=settings.NOTIFICATION_STALE_MINUTES + 60)
    assert _sweep(django_capture_on_commit_callbacks, later) == 0
    assert len(mailoutbox) == 1


def test_when_the_database_never_records_sent_the_log_says_so(
    mailoutbox, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    monkeypatch.setattr(services, "SENT_RECORD_DELAYS", (0, 0))
    with connection.execute_wrapper(FailSentUpdate(times=100)):
        notification = _queue(django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 1
    assert notification.status == Notification.Status.SENDING
    assert "the mail server accepted the message but the database could not record it" in caplog.text


@pytest.mark.real_celery
def test_with_the_broker_unreachable_an_email_waits_for_the_worker_and_the_sweep_hands_it_over(
    flaky, mailoutbox, django_capture_on_commit_callbacks, cast, client
):
    from operations.enqueue import WAITING_FOR_WORKER
    from pscb_audit.celery import app as celery_app
    from tests.fakes import free_port, point_celery_at

    previous_url = celery_app.conf.broker_url
    celery_app.conf.task_always_eager = False
    point_celery_at(celery_app, f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    try:
        notification = _queue(django_capture_on_commit_callbacks)  # the caller goes on: no exception
    finally:
        point_celery_at(celery_app, previous_url)
        celery_app.conf.task_always_eager = True  # from here on, embedded mode stands in for the worker
    assert (
        notification.status == Notification.Status.PENDING and notification.last_error == WAITING_FOR_WORKER
    )
    page = login(client, cast.bm).get(reverse("operations:health")).content.decode()
    assert "1 waiting for the worker (the task queue was unreachable)." in page
    # The broker is back (here: embedded mode runs the task): the next sweep hands it over at once.
    assert _sweep(django_capture_on_commit_callbacks, timezone.now()) == 1
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT and notification.last_error == ""
    assert len(mailoutbox) == 1
