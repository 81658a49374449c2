"""Lockout after repeated failures (django-axes): per username and address, and a slower limit per
username from any address; a password reset lifts it."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _three_failures(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = 1  # hour


def attempt(client, email, password):
    return client.post(reverse("login"), {"username": email, "password": password})


def test_account_locks_after_the_configured_failures(client, cast):
    for _ in range(2):
        response = attempt(client, "bm@test.example", "wrong-password-123")
        assert response.status_code == 200
        assert "Please enter a correct" in response.content.decode()
    response = attempt(client, "BM@test.example ", "wrong-password-123")  # same account, other spelling
    assert response.status_code == 429
    # Even the right password is refused while locked.
    response = attempt(client, "bm@test.example", PASSWORD)
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_username(client, cast):
    for _ in range(3):
        attempt(client, "bm@test.example", "wrong-password-123")
    response = attempt(client, "panel@test.example", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(cast.panel.pk)


def test_lockout_ends_after_the_cool_off(client, cast):
    for _ in range(3):
        attempt(client, "bm@test.example", "wrong-password-123")
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=1, minutes=1)):
        response = attempt(client, "bm@test.example", PASSWORD)
    assert response.status_code == 302


def test_unknown_addresses_are_locked_the_same_way(client, cast):
    """A lockout does not tell an attacker whether the account exists."""
    for _ in range(3):
        attempt(client, "nobody@test.example", "wrong-password-123")
    assert attempt(client, "nobody@test.example", "wrong-password-123").status_code == 429


def attempt_from(client, address, email, password):
    return client.post(reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=address)


def test_someone_elses_failures_do_not_lock_the_owner_out_from_their_own_address(client, cast):
    for _ in range(3):
        attempt_from(client, "203.0.113.9", "bm@test.example", "wrong-password-123")
    assert attempt_from(client, "203.0.113.9", "bm@test.example", PASSWORD).status_code == 429
    response = attempt_from(client, "198.51.100.7", "bm@test.example", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(cast.bm.pk)


def test_failures_spread_over_many_addresses_lock_the_account_at_the_slower_limit(client, cast, settings):
    settings.AXES_USERNAME_FAILURE_LIMIT = 6
    for n in range(3):
        for _ in range(2):
            response = attempt_from(client, f"203.0.113.{n}", "bm@test.example", "wrong-password-123")
        assert response.status_code == (429 if n == 2 else 200)
    response = attempt_from(client, "198.51.100.7", "bm@test.example", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_password_reset_is_the_way_back_from_a_lockout(
    client, cast, settings, django_capture_on_commit_callbacks
):
    import re

    from django.core import mail

    settings.AXES_USERNAME_FAILURE_LIMIT = 3
    for n in range(3):
        attempt_from(client, f"203.0.113.{n}", "bm@test.example", "wrong-password-123")
    locked = attempt_from(client, "198.51.100.7", "bm@test.example", PASSWORD)
    assert locked.status_code == 429
    assert reverse("password_reset") in locked.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": "bm@test.example"})
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+/)", mail.outbox[-1].body).group(1)
    form_page = client.get(link, follow=True)
    new = "a brand new long passphrase 2026"
    client.post(form_page.request["PATH_INFO"], {"new_password1": new, "new_password2": new})
    response = attempt_from(client, "198.51.100.7", "bm@test.example", new)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(cast.bm.pk)
