"""Exactly once, and never silently lost: claim, retry with backoff, failure recorded, stale recovery."""

import datetime

import pytest
from celery.exceptions import Retry
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from notifications.services import notification_queue, notification_recover_stale
from notifications.tasks import MAX_ATTEMPTS, deliver_notification
from tests.helpers import login

from .backends import FlakyBackend

pytestmark = pytest.mark.django_db


@pytest.fixture
def flaky(settings):
    settings.EMAIL_BACKEND = "tests.notifications.backends.FlakyBackend"
    FlakyBackend.failures_left = 0
    FlakyBackend.calls = 0
    return FlakyBackend


def _queue(key="test:1:due_soon:2027-03-15:someone@agency.example", to="someone@agency.example"):
    return notification_queue(
        key=key,
        kind="return_due_soon",
        to=to,
        subject="Reminder: your return for Case One is due on 15 March 2027",
        template="cases/email/return_reminder",
        context={"kind": "return_due_soon", "pseudonym": "Case One", "due_date": "15 March 2027"},
    )


def test_the_same_key_is_queued_and_sent_once(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first, created = _queue()
        again, created_again = _queue()
    assert created and not created_again and first.pk == again.pk
    assert len(mailoutbox) == 1
    assert Notification.objects.get().status == Notification.Status.SENT


def test_delivery_waits_for_the_commit_and_a_rollback_sends_nothing(
    mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                _queue()
                assert len(mailoutbox) == 0  # not before the commit
                raise RuntimeError("the surrounding work failed")
        except RuntimeError:
            pass
    assert mailoutbox == [] and not Notification.objects.exists()


def test_a_second_delivery_of_the_same_row_sends_nothing(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification, _ = _queue()
    assert deliver_notification.delay(notification.pk).get() == "skipped"
    assert len(mailoutbox) == 1


def test_mail_server_fails_twice_then_succeeds_through_celery_retries(flaky, mailoutbox):
    """The worker's path: autoretry sends the task back with a backoff countdown; we replay each retry
    message as the broker would deliver it."""
    notification, _ = _queue()  # delivery not started: on_commit callbacks do not run in this test
    flaky.failures_left = 2
    signature, countdowns, outcome = deliver_notification.s(notification.pk), [], None
    for _ in range(MAX_ATTEMPTS):
        try:
            outcome = signature.apply(throw=True).get()
            break
        except Retry as retry:
            notification.refresh_from_db()
            assert notification.status == Notification.Status.PENDING  # waiting for its retry
            countdowns.append(retry.when)
            signature = retry.sig
    assert outcome == "sent"
    assert len(countdowns) == 2
    assert 0 <= countdowns[0] <= 30 and 0 <= countdowns[1] <= 60  # exponential backoff with jitter
    notification.refresh_from_db()
    assert len(mailoutbox) == 1
    assert notification.status == Notification.Status.SENT
    assert notification.attempts == 3
    assert notification.last_error == "Attempt 2: SMTPServerDisconnected: Connection unexpectedly closed"


def test_mail_server_fails_twice_then_succeeds_in_embedded_mode(
    flaky, mailoutbox, django_capture_on_commit_callbacks
):
    flaky.failures_left = 2
    with django_capture_on_commit_callbacks(execute=True):
        notification, _ = _queue()
    notification.refresh_from_db()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["someone@agency.example"]
    assert flaky.calls == 3
    assert notification.status == Notification.Status.SENT
    assert notification.attempts == 3
    assert notification.sent_at is not None
    assert notification.last_error == "Attempt 2: SMTPServerDisconnected: Connection unexpectedly closed"


def test_a_permanent_failure_is_recorded_and_shown_on_the_log_page(
    flaky, mailoutbox, django_capture_on_commit_callbacks, cast, client, settings
):
    settings.NOTIFICATION_RETRY_ROUNDS = 0  # no later round left (see test_outage for the rounds)
    flaky.failures_left = 100
    with django_capture_on_commit_callbacks(execute=True):
        notification, _ = _queue()  # the inline run's final error is logged, not raised at the caller
    notification.refresh_from_db()
    assert mailoutbox == []
    assert notification.status == Notification.Status.FAILED
    assert notification.attempts == MAX_ATTEMPTS == flaky.calls
    page = login(client, cast.bm).get(reverse("notifications:log"), {"status": "failed"}).content.decode()
    assert "someone@agency.example" in page
    assert "Failed" in page
    assert f"Attempt {MAX_ATTEMPTS}: SMTPServerDisconnected" in page


def test_an_error_no_retry_can_fix_fails_at_once(settings, mailoutbox, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.notifications.backends.BrokenBackend"
    with django_capture_on_commit_callbacks(execute=True):
        notification, _ = _queue()
    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    assert notification.attempts == 1
    assert "EMAIL_HOST is not configured" in notification.last_error


def _stuck(status, minutes_ago, attempts=1, key="stuck:1"):
    notification, _ = _queue(key=key)  # not delivered: on_commit callbacks are not run here
    Notification.objects.filter(pk=notification.pk).update(
        status=status, attempts=attempts, updated_at=timezone.now() - datetime.timedelta(minutes=minutes_ago)
    )
    return notification


def test_the_sweep_resends_a_row_whose_worker_died(mailoutbox, django_capture_on_commit_callbacks, settings):
    settings.NOTIFICATION_STALE_MINUTES = 30
    dead = _stuck(Notification.Status.SENDING, 31, key="stuck:dead")
    live = _stuck(Notification.Status.SENDING, 5, key="stuck:live")
    lost = _stuck(Notification.Status.PENDING, 45, key="stuck:lost")
    with django_capture_on_commit_callbacks(execute=True):
        assert notification_recover_stale() == 2
    dead.refresh_from_db()
    live.refresh_from_db()
    lost.refresh_from_db()
    assert dead.status == lost.status == Notification.Status.SENT
    assert dead.attempts == 2 and "No result was recorded for the last attempt" in dead.last_error
    assert live.status == Notification.Status.SENDING  # a live attempt is never doubled
    assert len(mailoutbox) == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert notification_recover_stale() == 0
    assert len(mailoutbox) == 2


def test_the_sweep_gives_up_on_a_row_that_used_every_attempt(
    mailoutbox, django_capture_on_commit_callbacks, settings
):
    row = _stuck(
        Notification.Status.SENDING, 120, attempts=MAX_ATTEMPTS * (settings.NOTIFICATION_RETRY_ROUNDS + 1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert notification_recover_stale() == 0
    row.refresh_from_db()
    assert row.status == Notification.Status.FAILED and mailoutbox == []
