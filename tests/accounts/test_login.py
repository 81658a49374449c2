import pytest
from django.urls import reverse

from accounts.models import Role, User
from tests.factories import PASSWORD
from tests.helpers import login

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "persona,landing",
    [
        ("bm", "worklist:attention"),
        ("panel", "worklist:attention"),
        ("contributor", "worklist:attention"),
        ("board", "recommendations:board_home"),
        ("admin", "admin:index"),
    ],
)
def test_each_role_lands_on_its_home_page(client, cast, persona, landing):
    login(client, getattr(cast, persona))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse(landing)


def test_login_by_email_is_case_insensitive(client, cast):
    response = client.post(reverse("login"), {"username": "BM@test.example", "password": PASSWORD})
    assert response.status_code == 302
    # The password was accepted: next comes the second factor (enrolment, as the BM has no device).
    assert response["Location"].startswith(reverse("otp_setup"))
    assert client.session["_auth_user_id"] == str(cast.bm.pk)


def test_contributor_must_have_an_agency():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        User.objects.create_user(
            email="x@example.org", password="a-long-password-1", full_name="X", role=Role.AGENCY_CONTRIBUTOR
        )


def test_common_password_refused():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password("password1234")
    validate_password("a long passphrase nobody guesses 2026")
