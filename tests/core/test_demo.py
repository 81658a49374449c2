import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.demo import DEMO_PASSWORD
from accounts.models import Role, User
from cases.models import Audit, IdentifyingTerm
from tests.helpers import login

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent_and_follows_the_seed():
    call_command("load_demo", force=True)
    counts = (Audit.objects.count(), User.objects.count(), IdentifyingTerm.objects.count())
    call_command("load_demo", force=True)
    assert (Audit.objects.count(), User.objects.count(), IdentifyingTerm.objects.count()) == counts
    audit = Audit.objects.get()
    cases = list(audit.cases.order_by("number"))
    assert [c.pseudonym for c in cases] == ["Case One", "Case Two", "Case Three", "Case Four"]
    assert [c.method for c in cases] == ["meeting", "paper", "paper", "meeting"]
    assert audit.panel_memberships.count() == 5
    assert all(c.identifying_terms.exists() for c in cases)
    assert {u.role for u in User.objects.all()} == set(Role.values)


def test_each_printed_demo_login_works(client, capsys):
    call_command("load_demo", force=True)
    call_command("demo_logins")
    printed = capsys.readouterr().out
    emails = [word for word in printed.split() if "@" in word and "." in word]
    assert len(emails) == len(Role.values)
    for email in emails:
        client.logout()
        response = client.post(reverse("login"), {"username": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, email
        assert client.get(reverse("home")).status_code == 302


def test_business_manager_sees_the_demo_audit_with_four_cases(client):
    call_command("load_demo", force=True)
    # Password and second factor, as a Business Manager needs both to read cases.
    login(client, User.objects.get(email="bm@pscb.example"))
    audit = Audit.objects.get()
    html = client.get(reverse("cases:audit_detail", kwargs={"audit_pk": audit.pk})).content.decode()
    for name in ("Case One", "Case Two", "Case Three", "Case Four"):
        assert name in html
