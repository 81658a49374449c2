"""The demo data shows returns in every state, so the matrix and the timeline have something to show."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from cases.demo import TITLE as DEMO_TITLE
from cases.models import AgencyReturn, Audit, ChronologyEntry, IdentifyingTerm, ReturnTransition
from tests.helpers import login

pytestmark = pytest.mark.django_db


def test_demo_returns_cover_every_state_and_load_once(client):
    call_command("load_demo", force=True)
    counts = (AgencyReturn.objects.count(), ChronologyEntry.objects.count(), ReturnTransition.objects.count())
    call_command("load_demo", force=True)
    assert (
        AgencyReturn.objects.count(),
        ChronologyEntry.objects.count(),
        ReturnTransition.objects.count(),
    ) == counts
    returns = list(AgencyReturn.objects.filter(case__audit__title=DEMO_TITLE))
    assert {"requested", "draft", "submitted", "accepted", "returned"} <= {r.status for r in returns}
    assert any(r.is_overdue for r in returns)
    # Chronologies name no one: no identifying term appears in any entry.
    text = " ".join(
        f"{e.what_happened} {e.who_involved} {e.source} {e.significance}".lower()
        for e in ChronologyEntry.objects.all()
    )
    assert not [t.value for t in IdentifyingTerm.objects.all() if t.value.lower() in text]

    audit = Audit.objects.get(title=DEMO_TITLE)
    login(client, User.objects.get(email="panel@pscb.example"))
    page = client.get(reverse("cases:audit_returns", kwargs={"audit_pk": audit.pk}))
    assert page.context["returns_matrix"].total == len(returns)
    case_one = audit.cases.get(number=1)
    response = client.get(reverse("cases:case_timeline", kwargs={"case_pk": case_one.pk}))
    timeline = response.context["timeline"]
    assert len(timeline.agencies) >= 3 and any(d.multi_agency for d in timeline.days) and timeline.gaps

    login(client, User.objects.get(email="contributor@csc.example"))
    portal = client.get(reverse("cases:portal"))
    assert portal.context["to_do"] and portal.context["done"]
    # The demo contributor opens a return and sees who the case is about (the shared register entries).
    own = portal.context["to_do"][0]
    page = client.get(reverse("cases:return_edit", kwargs={"return_pk": own.pk})).content.decode()
    shared = IdentifyingTerm.objects.filter(case=own.case, share_with_agencies=True)
    assert shared and all(t.value in page for t in shared)
