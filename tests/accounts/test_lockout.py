"""Lockout after repeated failures (django-axes, per username)."""

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
