"""Separation of duties: the Administrator manages accounts but never grants access to case data (to
anyone, itself included), never becomes a superuser and never reads second-factor keys; a Business
Manager grants roles in the app, and each grant is recorded, e-mailed to every Business Manager and
kept in the change history."""

import io
import re

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role, RoleGrant, User
from tests.factories import UserFactory
from tests.helpers import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, cast):
    """The administrator as the demo sets it up: users, agencies, Board meetings, and view/delete on
    second-factor devices."""
    from accounts.demo import _grant_admin_reference_data

    _grant_admin_reference_data(cast.admin)
    return login(client, cast.admin)


def change_form_data(user, **changes):
    data = {
        "email": user.email,
        "full_name": user.full_name,
        "job_title": user.job_title,
        "role": user.role,
        "agency": user.agency_id or "",
        "is_active": "on" if user.is_active else "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def change_url(user):
    return reverse("admin:accounts_user_change", args=[user.pk])


@pytest.mark.parametrize("role", [Role.BUSINESS_MANAGER, Role.PANEL_MEMBER, Role.AGENCY_CONTRIBUTOR])
def test_administrator_cannot_give_itself_a_case_data_role(admin_client, cast, role):
    response = admin_client.post(
        change_url(cast.admin), change_form_data(cast.admin, role=role, agency=cast.agency.pk)
    )
    assert response.status_code == 200  # the form again, with the refusal
    assert "Select a valid choice" in response.content.decode()
    cast.admin.refresh_from_db()
    assert cast.admin.role == Role.ADMINISTRATOR
    assert admin_client.get(reverse("cases:case_detail", kwargs={"case_pk": cast.case.pk})).status_code == 403


def test_administrator_cannot_give_anyone_a_case_data_role(admin_client, cast):
    response = admin_client.post(
        change_url(cast.board), change_form_data(cast.board, role=Role.BUSINESS_MANAGER)
    )
    assert response.status_code == 200
    cast.board.refresh_from_db()
    assert cast.board.role == Role.BOARD_MEMBER
    assert not RoleGrant.objects.exists()


def test_administrator_cannot_create_a_business_manager_account(admin_client, cast):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "sleeper@test.example",
            "full_name": "Sleeper Account",
            "role": Role.BUSINESS_MANAGER,
            "usable_password": "true",
            "password1": "a long enough passphrase 77",
            "password2": "a long enough passphrase 77",
        },
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="sleeper@test.example").exists()
    # A Board member account it may create.
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "new.board@test.example",
            "full_name": "New Board",
            "role": Role.BOARD_MEMBER,
            "usable_password": "true",
            "password1": "a long enough passphrase 77",
            "password2": "a long enough passphrase 77",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(email="new.board@test.example").role == Role.BOARD_MEMBER


def test_administrator_cannot_become_superuser(admin_client, cast):
    page = admin_client.get(change_url(cast.admin)).content.decode()
    assert 'name="is_superuser"' not in page
    assert 'name="user_permissions"' not in page and 'name="groups"' not in page
    response = admin_client.post(
        change_url(cast.admin), change_form_data(cast.admin, is_superuser="on", is_staff="on")
    )
    assert response.status_code == 302
    cast.admin.refresh_from_db()
    assert cast.admin.is_superuser is False


def test_administrator_cannot_take_over_a_business_manager_account(admin_client, cast):
    """Changing the address (then resetting the password) or setting the password directly would hand
    the administrator the Business Manager's access."""
    response = admin_client.post(
        change_url(cast.bm), change_form_data(cast.bm, email="admin-owned@test.example")
    )
    cast.bm.refresh_from_db()
    assert cast.bm.email == "bm@test.example"
    page = admin_client.get(change_url(cast.bm)).content.decode()
    assert 'name="email"' not in page and 'name="role"' not in page
    response = admin_client.post(
        reverse("admin:auth_user_password_change", args=[cast.bm.pk]),
        {
            "password1": "admin knows this one 2026",
            "password2": "admin knows this one 2026",
            "usable_password": "true",
        },
    )
    assert response.status_code == 403
    cast.bm.refresh_from_db()
    assert not cast.bm.check_password("admin knows this one 2026")


def test_administrator_sees_no_second_factor_key(admin_client, cast):
    device = TOTPDevice.objects.create(user=cast.bm, name="Phone", confirmed=True)
    key = device.key
    page = admin_client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk])).content.decode()
    assert key not in page and key.upper() not in page
    assert "qrcode" not in page.lower()
    for view in ("config", "qrcode"):
        response = admin_client.get(reverse(f"admin:otp_totp_totpdevice_{view}", args=[device.pk]))
        assert response.status_code in (403, 404)
        assert key not in response.content.decode()


def grant(client, user, role, reason="Joins the audit group", agency=None):
    return client.post(
        reverse("role_grants"),
        {"user": user.pk, "role": role, "reason": reason, "agency": agency.pk if agency else ""},
    )


def test_business_manager_grant_is_recorded_and_emailed_to_every_business_manager(
    client, cast, django_capture_on_commit_callbacks
):
    second_bm = UserFactory(email="bm2@test.example", full_name="Second Manager", role=Role.BUSINESS_MANAGER)
    login(client, cast.bm)
    with django_capture_on_commit_callbacks(execute=True):
        response = grant(client, cast.board, Role.PANEL_MEMBER, reason="Named Nurse joins the panel")
    assert response.status_code == 302
    cast.board.refresh_from_db()
    assert cast.board.role == Role.PANEL_MEMBER
    record = RoleGrant.objects.get()
    assert (record.user, record.previous_role, record.role, record.granted_by) == (
        cast.board,
        Role.BOARD_MEMBER,
        Role.PANEL_MEMBER,
        cast.bm,
    )
    assert record.reason == "Named Nurse joins the panel"
    assert sorted(m.to[0] for m in mail.outbox) == ["bm2@test.example", "bm@test.example"]
    body = mail.outbox[0].body
    assert "Bo Board" in body and "Panel member" in body and "Beatrice Manager" in body
    assert "Named Nurse joins the panel" in body
    page = client.get(reverse("role_grants")).content.decode()
    assert "Named Nurse joins the panel" in page
    assert second_bm.full_name in page


def test_a_contributor_grant_needs_an_agency_and_a_reason(client, cast):
    login(client, cast.bm)
    response = grant(client, cast.board, Role.AGENCY_CONTRIBUTOR, reason="Safeguarding lead")
    assert response.status_code == 400
    assert "An agency contributor must belong to an agency." in response.content.decode()
    response = grant(client, cast.board, Role.AGENCY_CONTRIBUTOR, reason="", agency=cast.agency)
    assert response.status_code == 400
    assert "Enter why they need this role" in response.content.decode()
    cast.board.refresh_from_db()
    assert cast.board.role == Role.BOARD_MEMBER


def test_nobody_grants_a_role_to_themselves(client, cast):
    other_bm = UserFactory(email="bm2@test.example", full_name="Second Manager", role=Role.BUSINESS_MANAGER)
    login(client, other_bm)
    grant(client, cast.bm, Role.BOARD_MEMBER)  # allowed: another person
    cast.bm.refresh_from_db()
    assert cast.bm.role == Role.BOARD_MEMBER
    response = grant(client, other_bm, Role.ADMINISTRATOR)
    assert response.status_code == 400
    other_bm.refresh_from_db()
    assert other_bm.role == Role.BUSINESS_MANAGER


@pytest.mark.parametrize("persona", ["panel", "contributor", "board", "admin"])
def test_only_a_business_manager_opens_the_roles_page(client, cast, persona):
    login(client, getattr(cast, persona))
    assert grant(client, cast.board, Role.PANEL_MEMBER).status_code == 403
    cast.board.refresh_from_db()
    assert cast.board.role == Role.BOARD_MEMBER


def test_first_business_manager_is_made_on_the_server(db, django_capture_on_commit_callbacks, settings):
    settings.SITE_URL = "https://audit.example"
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("create_business_manager", "first.bm@test.example", "First Manager", stdout=out)
    user = User.objects.get(email="first.bm@test.example")
    assert user.role == Role.BUSINESS_MANAGER
    assert RoleGrant.objects.get(user=user).granted_by is None
    reset = next(m for m in mail.outbox if "/accounts/reset/" in m.body)
    assert reset.to == ["first.bm@test.example"]
    assert re.search(r"https://audit\.example/accounts/reset/\S+/", reset.body)
    with pytest.raises(CommandError, match="already exists"):
        call_command("create_business_manager", "second.bm@test.example", "Second Manager", stdout=out)
    assert not User.objects.filter(email="second.bm@test.example").exists()


@pytest.mark.postgres
def test_role_and_panel_changes_are_in_the_change_history(client, cast, django_capture_on_commit_callbacks):
    from cases.models import PanelMembership

    login(client, cast.bm)
    with django_capture_on_commit_callbacks(execute=True):
        grant(client, cast.board, Role.PANEL_MEMBER, reason="Joins the panel")
    page = client.get(
        reverse(
            "history:record_history",
            kwargs={"app_label": "accounts", "model_name": "user", "object_pk": cast.board.pk},
        )
    ).content.decode()
    assert "Board member" in page and "Panel member" in page
    assert "Beatrice Manager" in page
    membership = PanelMembership.objects.create(audit=cast.audit, user=cast.board, panel_role="Named Nurse")
    PanelMembership.objects.filter(pk=membership.pk).update(panel_role="Designated Nurse")
    page = client.get(
        reverse(
            "history:record_history",
            kwargs={"app_label": "cases", "model_name": "panelmembership", "object_pk": membership.pk},
        )
    ).content.decode()
    assert "Named Nurse" in page and "Designated Nurse" in page
