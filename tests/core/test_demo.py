import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.demo import DEMO_PASSWORD
from accounts.models import Role, User
from cases.demo import TITLE as DEMO_TITLE
from cases.models import Audit, IdentifyingTerm
from tests.helpers import login

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent_and_follows_the_seed():
    call_command("load_demo", force=True)
    counts = (Audit.objects.count(), User.objects.count(), IdentifyingTerm.objects.count())
    call_command("load_demo", force=True)
    assert (Audit.objects.count(), User.objects.count(), IdentifyingTerm.objects.count()) == counts
    audit = Audit.objects.get(title=DEMO_TITLE)
    cases = list(audit.cases.order_by("number"))
    assert [c.pseudonym for c in cases] == ["Case One", "Case Two", "Case Three", "Case Four"]
    assert [c.method for c in cases] == ["meeting", "paper", "paper", "meeting"]
    assert audit.panel_memberships.count() == 5
    assert all(c.identifying_terms.exists() for c in cases)
    assert {u.role for u in User.objects.all()} == set(Role.values)


def test_each_printed_demo_login_works(client, capsys):
    """Each printed login (password and one-time code) reaches that role's home page."""
    import re

    from accounts.views import HOME_FOR_ROLE

    call_command("load_demo", force=True)
    call_command("demo_logins", force=True)
    printed = capsys.readouterr().out
    logins = re.findall(r"(\S+@\S+)\s+code (\S+)", printed)
    printed_users = [User.objects.get(email=email) for email, _code in logins]
    # One login per role, and one per agency for the contributors (each sees only their agency).
    assert {u.role for u in printed_users} == set(Role.values)
    contributor_agencies = [u.agency_id for u in printed_users if u.role == Role.AGENCY_CONTRIBUTOR]
    assert sorted(contributor_agencies) == sorted(
        set(
            User.objects.filter(role=Role.AGENCY_CONTRIBUTOR, is_active=True).values_list(
                "agency_id", flat=True
            )
        )
    )
    assert len(contributor_agencies) > 1
    for email, code in logins:
        client.logout()
        user = User.objects.get(email=email)
        response = client.post(reverse("login"), {"username": email, "password": DEMO_PASSWORD}, follow=True)
        if code != "(no":
            assert response.redirect_chain[-1][0].startswith(reverse("otp_verify")), email
            response = client.post(response.redirect_chain[-1][0], {"token": code}, follow=True)
        assert response.status_code == 200, email
        assert response.redirect_chain[-1][0] == reverse(HOME_FOR_ROLE[user.role]), email
    # A code works once.
    email, code = next((e, c) for e, c in logins if c != "(no")
    client.logout()
    client.post(reverse("login"), {"username": email, "password": DEMO_PASSWORD})
    response = client.post(reverse("otp_verify"), {"token": code})
    assert response.status_code == 200 and not client.session.get("otp_device_id")


def test_business_manager_sees_the_demo_audit_with_four_cases(client):
    call_command("load_demo", force=True)
    # Password and second factor, as a Business Manager needs both to read cases.
    login(client, User.objects.get(email="bm@pscb.example"))
    audit = Audit.objects.get(title=DEMO_TITLE)
    html = client.get(reverse("cases:audit_cases", kwargs={"audit_pk": audit.pk})).content.decode()
    for name in ("Case One", "Case Two", "Case Three", "Case Four"):
        assert name in html
