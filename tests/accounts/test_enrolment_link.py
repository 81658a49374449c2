"""First-use enrolment needs a one-time, short-lived link sent to the account's e-mail address:
someone who has only the password cannot set up their own authenticator on the account."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def password_login(client, email):
    return client.post(reverse("login"), {"username": email, "password": PASSWORD})


def ask_for_link(client, callbacks):
    with callbacks(execute=True):
        client.post(reverse("otp_setup"), {"action": "send_link"})
    return re.search(r"https?://[^/\s]+(/accounts/two-factor/enrol/\S+/)", mail.outbox[-1].body).group(1)


def shows_key(client):
    html = client.get(reverse("otp_setup")).content.decode()
    return "totp-secret" in html or "<svg" in html


def test_a_password_alone_never_shows_the_enrolment_key(client, cast):
    password_login(client, "bm@test.example")
    assert not shows_key(client)
    response = client.post(reverse("otp_setup"), {"token": "123456"})
    assert "totp-secret" not in response.content.decode()
    assert not TOTPDevice.objects.filter(user=cast.bm).exists()


def test_the_link_goes_to_the_accounts_own_address_and_opens_enrolment(
    client, cast, django_capture_on_commit_callbacks
):
    password_login(client, "bm@test.example")
    path = ask_for_link(client, django_capture_on_commit_callbacks)
    assert mail.outbox[-1].to == ["bm@test.example"]
    assert client.get(path)["Location"] == reverse("otp_setup")
    assert shows_key(client)


def test_the_link_works_once(client, cast, django_capture_on_commit_callbacks):
    password_login(client, "bm@test.example")
    path = ask_for_link(client, django_capture_on_commit_callbacks)
    client.get(path)
    client.post(reverse("logout"))
    password_login(client, "bm@test.example")
    response = client.get(path)
    assert response.status_code == 410
    assert not shows_key(client)


def test_the_link_expires(client, cast, django_capture_on_commit_callbacks, settings):
    password_login(client, "bm@test.example")
    path = ask_for_link(client, django_capture_on_commit_callbacks)
    with time_machine.travel(
        timezone.now() + datetime.timedelta(minutes=settings.ENROLMENT_LINK_MINUTES + 1)
    ):
        response = client.get(path)
        assert response.status_code == 410
        assert "expired" in response.content.decode()
        assert not shows_key(client)


def test_a_new_link_cancels_the_old_one(client, cast, django_capture_on_commit_callbacks):
    password_login(client, "bm@test.example")
    old = ask_for_link(client, django_capture_on_commit_callbacks)
    new = ask_for_link(client, django_capture_on_commit_callbacks)
    assert client.get(old).status_code == 410
    assert client.get(new).status_code == 302


def test_someone_elses_link_does_not_open_enrolment(client, cast, django_capture_on_commit_callbacks):
    password_login(client, "panel@test.example")
    path = ask_for_link(client, django_capture_on_commit_callbacks)
    client.post(reverse("logout"))
    password_login(client, "bm@test.example")
    assert client.get(path).status_code == 400
    assert not shows_key(client)


def test_a_link_opened_before_logging_in_works_after_the_password(
    client, cast, django_capture_on_commit_callbacks
):
    password_login(client, "bm@test.example")
    path = ask_for_link(client, django_capture_on_commit_callbacks)
    client.post(reverse("logout"))
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    password_login(client, "bm@test.example")
    assert shows_key(client)


def test_the_demo_logins_still_work_without_a_link(db):
    """`make run` prints a one-time code per role: those users verify, they do not enrol."""
    import io

    from django.core.management import call_command
    from django.test import Client

    call_command("load_demo", force=True, stdout=io.StringIO())
    out = io.StringIO()
    call_command("demo_logins", force=True, stdout=out)
    line = next(line for line in out.getvalue().splitlines() if "bm@pscb.example" in line)
    code = line.split("code ")[-1].strip()
    client = Client()
    response = client.post(
        reverse("login"), {"username": "bm@pscb.example", "password": "northbridge-demo-2026"}
    )
    assert response["Location"].startswith(reverse("otp_verify"))
    response = client.post(reverse("otp_verify"), {"token": code})
    assert response.status_code == 302
    assert client.get(reverse("cases:audit_list")).status_code == 200
