"""The retention page: the Business Manager places and lifts legal holds."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Audit
from history.models import LegalHold
from tests.helpers import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(cast):
    Audit.objects.filter(pk=cast.audit.pk).update(
        status=Audit.Status.CLOSED, closed_at=timezone.now() - datetime.timedelta(days=800)
    )
    cast.audit.refresh_from_db()
    return cast.audit


def test_retention_page_lists_closed_audits_with_due_dates_and_what_is_due(client, cast, closed):
    login(client, cast.bm)
    html = client.get(reverse("history:retention")).content.decode()
    assert "Audit under test" in html and "Another audit" not in html
    due = (closed.closed_at + datetime.timedelta(days=365)).astimezone()
    assert f"Identifying terms: due for purging {due.day} {due:%B %Y}" in html
    assert "identifying terms — 1 record(s)" in html


def test_place_and_lift_a_legal_hold(client, cast, closed):
    login(client, cast.bm)
    url = reverse("history:legal_hold_place", kwargs={"audit_pk": closed.pk})
    response = client.post(url, {f"hold-{closed.pk}-reason": "Civil claim notified"})
    assert response.status_code == 302
    hold = LegalHold.objects.get(audit=closed)
    assert (hold.placed_by, hold.reason, hold.is_active) == (cast.bm, "Civil claim notified", True)
    html = client.get(reverse("history:retention")).content.decode()
    assert "held: A legal hold is in place." in html

    response = client.post(reverse("history:legal_hold_lift", kwargs={"hold_pk": hold.pk}))
    hold.refresh_from_db()
    assert response.status_code == 302 and hold.lifted_by == cast.bm and not hold.is_active


def test_a_hold_needs_a_reason_and_keeps_what_was_typed(client, cast, closed):
    login(client, cast.bm)
    url = reverse("history:legal_hold_place", kwargs={"audit_pk": closed.pk})
    response = client.post(url, {f"hold-{closed.pk}-reason": "   "})
    assert response.status_code == 400
    assert "Enter why the data must be kept" in response.content.decode()
    assert not LegalHold.objects.exists()
    client.post(url, {f"hold-{closed.pk}-reason": "Inquiry"})
    response = client.post(url, {f"hold-{closed.pk}-reason": "Second <b>hold</b>"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "already under a legal hold" in html and "Second &lt;b&gt;hold&lt;/b&gt;" in html
    assert LegalHold.objects.count() == 1
