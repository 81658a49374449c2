"""Sessions: idle and absolute timeouts, a new key at log-in, server-side end at log-out and on
deactivation."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD
from tests.helpers import login

pytestmark = pytest.mark.django_db


def case_url(cast):
    return reverse("cases:case_detail", kwargs={"case_pk": cast.case.pk})


def is_login_redirect(response):
    return response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_an_idle_session_expires(client, cast):
    login(client, cast.bm)
    assert client.get(case_url(cast)).status_code == 200
    idle = datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE + 60)
    with time_machine.travel(timezone.now() + idle):
        assert is_login_redirect(client.get(case_url(cast)))


def test_activity_keeps_a_session_alive_until_the_absolute_limit(client, cast):
    login(client, cast.bm)
    start = timezone.now()
    step = datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE - 120)
    elapsed = datetime.timedelta(0)
    while elapsed + step < datetime.timedelta(seconds=settings.SESSION_ABSOLUTE_TIMEOUT):
        elapsed += step
        with time_machine.travel(start + elapsed):
            assert client.get(case_url(cast)).status_code == 200, elapsed
    with time_machine.travel(start + elapsed + step):
        assert is_login_redirect(client.get(case_url(cast)))


def test_the_session_cookie_ends_with_the_browser(client, cast):
    response = client.post(reverse("login"), {"username": "board@test.example", "password": PASSWORD})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert not cookie["max-age"] and not cookie["expires"]
    assert cookie["httponly"]


def test_logging_in_gives_a_new_session_key(client, cast):
    session = client.session
    session["before_login"] = True
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    old_key = session.session_key
    client.post(reverse("login"), {"username": "board@test.example", "password": PASSWORD})
    assert client.session.session_key != old_key
    assert not Session.objects.filter(session_key=old_key).exists()


def test_logging_out_ends_the_session_on_the_server(client, cast):
    login(client, cast.bm)
    key = client.session.session_key
    client.post(reverse("logout"))
    assert not Session.objects.filter(session_key=key).exists()
    # The old cookie replayed is worth nothing.
    client.cookies[settings.SESSION_COOKIE_NAME] = key
    assert is_login_redirect(client.get(case_url(cast)))


def test_deactivating_a_user_ends_all_their_sessions(client, cast):
    from django.test import Client

    other_browser = Client()
    login(client, cast.panel)
    login(other_browser, cast.panel)
    login(Client(), cast.bm)
    keys = [client.session.session_key, other_browser.session.session_key]
    cast.panel.is_active = False
    cast.panel.save()
    assert not Session.objects.filter(session_key__in=keys).exists()
    assert Session.objects.count() == 1  # the Business Manager's is untouched
    assert is_login_redirect(client.get(case_url(cast)))
