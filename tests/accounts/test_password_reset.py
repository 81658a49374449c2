"""Password reset by e-mail: it does not reveal whether an account exists and does not skip the
second factor."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a new and long passphrase 2026"


def ask_reset(client, email, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("password_reset"), {"email": email})


def test_the_answer_is_the_same_whether_or_not_the_account_exists(
    client, cast, django_capture_on_commit_callbacks
):
    known = ask_reset(client, "bm@test.example", django_capture_on_commit_callbacks)
    unknown = ask_reset(client, "nobody@test.example", django_capture_on_commit_callbacks)
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    page = client.get(unknown["Location"]).content.decode()
    assert "If the address you entered belongs to an account" in page
    assert [m.to for m in mail.outbox] == [["bm@test.example"]]


def test_reset_link_sets_a_password_but_the_second_factor_is_still_asked(
    client, cast, django_capture_on_commit_callbacks
):
    TOTPDevice.objects.create(user=cast.bm, name="Phone", confirmed=True)
    ask_reset(client, "bm@test.example", django_capture_on_commit_callbacks)
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    response = client.post(
        form_page.request["PATH_INFO"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response["Location"] == reverse("password_reset_complete")
    # Not logged in by the reset.
    assert "_auth_user_id" not in client.session
    response = client.post(reverse("login"), {"username": "bm@test.example", "password": NEW_PASSWORD})
    assert response["Location"].startswith(reverse("otp_verify"))
    case_page = client.get(reverse("cases:case_detail", kwargs={"case_pk": cast.case.pk}))
    assert case_page.status_code == 302 and case_page["Location"].startswith(reverse("otp_verify"))
    # The link works once.
    assert "expired or has already been used" in client.get(link, follow=True).content.decode()


def test_reset_refuses_a_common_password(client, cast, django_capture_on_commit_callbacks):
    ask_reset(client, "bm@test.example", django_capture_on_commit_callbacks)
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    response = client.post(
        form_page.request["PATH_INFO"], {"new_password1": "password1234", "new_password2": "password1234"}
    )
    assert response.status_code == 200
    assert "too common" in response.content.decode()
