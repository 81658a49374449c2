"""Two-factor authentication: who must pass it, enrolment, verification, codes that work once."""

import re
import time

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD
from tests.helpers import login, login_password_only

pytestmark = pytest.mark.django_db


def case_url(cast):
    return reverse("cases:case_detail", kwargs={"case_pk": cast.case.pk})


def code_for(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def password_login(client, email, password=PASSWORD):
    return client.post(reverse("login"), {"username": email, "password": password})


def test_business_manager_without_a_second_factor_cannot_reach_case_data(client, cast):
    login_password_only(client, cast.bm)
    response = client.get(case_url(cast))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("otp_setup"))
    assert "Zephyrine" not in client.get(case_url(cast), follow=True).content.decode()


def test_an_unconfirmed_device_is_not_a_second_factor(client, cast):
    TOTPDevice.objects.create(user=cast.bm, name="Half set up", confirmed=False)
    login_password_only(client, cast.bm)
    response = client.get(case_url(cast))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("otp_setup"))


@pytest.mark.parametrize(
    "persona,url_name",
    [
        ("bm", "cases:audit_list"),
        ("panel", "cases:audit_list"),
        ("contributor", "cases:portal"),
        ("admin", "admin:index"),
    ],
)
def test_enrolled_user_must_enter_a_code_before_their_pages(client, cast, persona, url_name):
    user = getattr(cast, persona)
    TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
    login_password_only(client, user)
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("otp_verify")) or "login" in response["Location"]
    assert client.get(reverse(url_name), follow=True).request["PATH_INFO"] == reverse("otp_verify")


def test_board_member_may_work_without_a_second_factor(client, cast):
    login_password_only(client, cast.board)
    assert client.get(reverse("recommendations:board_home")).status_code == 200


def test_board_member_who_enrolled_must_use_it(client, cast):
    TOTPDevice.objects.create(user=cast.board, name="Phone", confirmed=True)
    login_password_only(client, cast.board)
    response = client.get(reverse("recommendations:board_home"))
    assert response["Location"].startswith(reverse("otp_verify"))


def open_enrolment(client, callbacks, next_url=""):
    """Ask for the enrolment link on the setup page and open it from the e-mail, as the user does."""
    with callbacks(execute=True):
        page = client.post(reverse("otp_setup"), {"action": "send_link", "next": next_url})
    assert "Link sent" in page.content.decode()
    path = re.search(r"https?://[^/\s]+(/accounts/two-factor/enrol/\S+/)", mail.outbox[-1].body).group(1)
    response = client.get(path)
    assert response.status_code == 302 and response["Location"] == reverse("otp_setup")
    return path


def test_full_login_enrols_then_reaches_the_case(client, cast, django_capture_on_commit_callbacks):
    response = password_login(client, "bm@test.example")
    assert response["Location"].startswith(reverse("otp_setup"))
    first = client.get(response["Location"]).content.decode()
    # The password alone shows no key: the link e-mailed to the account's address is needed.
    assert "<svg" not in first and "totp-secret" not in first
    open_enrolment(client, django_capture_on_commit_callbacks)
    page = client.get(reverse("otp_setup"))
    html = page.content.decode()
    assert "<svg" in html and "<script>" not in html
    device = TOTPDevice.objects.get(user=cast.bm, confirmed=False)
    secret = re.search(r'<code class="totp-secret">([A-Z2-7=]+)</code>', html).group(1)
    assert secret.rstrip("=") and device.config_url.count(secret.rstrip("=")) == 1

    response = client.post(page.request["PATH_INFO"] + "?next=" + case_url(cast), {"token": code_for(device)})
    assert response.status_code == 302
    codes_page = client.get(response["Location"]).content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", codes_page)
    assert len(codes) == 10
    assert set(StaticToken.objects.filter(device__user=cast.bm).values_list("token", flat=True)) == set(codes)
    # Shown once only.
    assert "<li><code>" not in client.get(reverse("two_factor")).content.decode()
    response = client.get(case_url(cast))
    assert response.status_code == 200
    assert "Zephyrine Quillfeather" in response.content.decode()


def test_wrong_enrolment_code_keeps_the_user_out(client, cast, django_capture_on_commit_callbacks):
    password_login(client, "bm@test.example")
    open_enrolment(client, django_capture_on_commit_callbacks)
    client.get(reverse("otp_setup"))
    response = client.post(reverse("otp_setup"), {"token": "000000"})
    assert response.status_code == 200
    assert "That code did not match" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=cast.bm, confirmed=True).exists()
    assert client.get(case_url(cast)).status_code == 302


@time_machine.travel("2026-11-25 10:00:05Z", tick=False)
def test_a_code_works_once(client, cast):
    device = TOTPDevice.objects.create(user=cast.bm, name="Phone", confirmed=True)
    code = code_for(device)
    response = password_login(client, "bm@test.example")
    assert response["Location"].startswith(reverse("otp_verify"))
    response = client.post(reverse("otp_verify") + "?next=" + case_url(cast), {"token": code})
    assert response.status_code == 302 and response["Location"] == case_url(cast)
    assert client.get(case_url(cast)).status_code == 200

    # Someone who watched the code being typed tries it again, in the same 30 seconds.
    client.post(reverse("logout"))
    password_login(client, "bm@test.example")
    response = client.post(reverse("otp_verify"), {"token": code})
    assert response.status_code == 200
    assert "That code was not accepted" in response.content.decode()
    assert client.get(case_url(cast)).status_code == 302


def test_a_backup_code_works_once(client, cast):
    from accounts.two_factor import backup_codes_renew

    TOTPDevice.objects.create(user=cast.panel, name="Phone", confirmed=True)
    code = backup_codes_renew(user=cast.panel)[0]
    password_login(client, "panel@test.example")
    assert client.post(reverse("otp_verify"), {"token": code.upper()}).status_code == 302
    assert client.get(case_url(cast)).status_code == 200
    client.post(reverse("logout"))
    password_login(client, "panel@test.example")
    with time_machine.travel(60, tick=False):  # past the throttle of any earlier failure
        response = client.post(reverse("otp_verify"), {"token": code})
    assert "That code was not accepted" in response.content.decode()


def test_failed_codes_slow_further_tries(client, cast):
    device = TOTPDevice.objects.create(user=cast.bm, name="Phone", confirmed=True)
    password_login(client, "bm@test.example")
    with time_machine.travel(time.time(), tick=False):
        client.post(reverse("otp_verify"), {"token": "111111"})
        client.post(reverse("otp_verify"), {"token": "222222"})
        # Even the right code is refused while throttled.
        response = client.post(reverse("otp_verify"), {"token": code_for(device)})
        assert response.status_code == 200
    device.refresh_from_db()
    assert device.throttling_failure_count >= 1
    with time_machine.travel(time.time() + 5, tick=False):
        response = client.post(reverse("otp_verify"), {"token": code_for(device)})
        assert response.status_code == 302


def test_new_backup_codes_replace_the_old(client, cast):
    from accounts.two_factor import backup_codes_renew

    old = backup_codes_renew(user=cast.bm)
    login(client, cast.bm)
    client.post(reverse("two_factor"))
    new = set(StaticToken.objects.filter(device__user=cast.bm).values_list("token", flat=True))
    assert len(new) == 10 and not new & set(old)


def test_admin_site_needs_a_verified_second_factor(client, cast):
    cast.admin.is_superuser = True
    cast.admin.save()
    login_password_only(client, cast.admin)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert client.get(reverse("admin:index"), follow=True).request["PATH_INFO"] in (
        reverse("otp_setup"),
        reverse("otp_verify"),
    )
    login(client, cast.admin)
    assert client.get(reverse("admin:index")).status_code == 200


def test_admin_site_never_shows_its_own_password_form(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_demo_administrator_can_remove_but_not_add_second_factor_devices(client):
    from django.core.management import call_command

    from accounts.models import User

    call_command("load_demo", force=True)
    admin = User.objects.get(email="admin@pscb.example")
    lost = TOTPDevice.objects.create(
        user=User.objects.get(email="bm@pscb.example"), name="Lost", confirmed=True
    )
    login(client, admin)
    assert client.get(reverse("admin:otp_totp_totpdevice_add")).status_code == 403
    response = client.post(reverse("admin:otp_totp_totpdevice_delete", args=[lost.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=lost.pk).exists()


def test_the_session_key_is_renewed_when_the_second_factor_passes(client, cast):
    device = TOTPDevice.objects.create(user=cast.bm, name="Phone", confirmed=True)
    password_login(client, "bm@test.example")
    before = client.session.session_key
    response = client.post(reverse("otp_verify"), {"token": code_for(device)})
    assert response.status_code == 302
    after = client.session.session_key
    assert after != before
    # The key known before the second factor no longer opens anything.
    from django.contrib.sessions.backends.db import SessionStore

    assert not SessionStore().exists(before)
    assert client.get(case_url(cast)).status_code == 200
