"""The demo's graded audit: on the generic tool, returns self-graded and moderated, the chair's
judgements, and one immediate safeguarding concern acknowledged and resolved."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from audittools.demo import TITLE
from audittools.models import CaseJudgement, ModeratedGrade, ReturnAnswer
from cases.models import AgencyReturn, Audit
from reviews.models import SafeguardingConcern
from tests.helpers import login

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_graded_moderated_audit_and_a_resolved_concern(client):
    call_command("load_demo", force=True)
    counts = (
        ReturnAnswer.objects.count(),
        ModeratedGrade.objects.count(),
        SafeguardingConcern.objects.count(),
    )
    call_command("load_demo", force=True)
    assert (
        ReturnAnswer.objects.count(),
        ModeratedGrade.objects.count(),
        SafeguardingConcern.objects.count(),
    ) == counts
    audit = Audit.objects.get(title=TITLE)
    assert audit.tool.version.tool.library_key == "generic-macfa" and audit.tool.version.is_frozen
    assert audit.status == Audit.Status.PANEL_REVIEW
    returns = AgencyReturn.objects.filter(case__audit=audit)
    assert returns.count() == 6 and all(r.status == "accepted" for r in returns)
    moderated = ModeratedGrade.objects.filter(answer__agency_return__case__audit=audit)
    assert moderated.count() == 6 and moderated.exclude(reason="").count() == 3
    assert CaseJudgement.objects.filter(case__audit=audit).count() == 2
    concern = SafeguardingConcern.objects.get(case__audit=audit)
    assert concern.status == "resolved" and concern.action_taken

    login(client, User.objects.get(email="bm@pscb.example"))
    page = client.get(reverse("cases:audit_grades", kwargs={"audit_pk": audit.pk})).content.decode()
    assert "Agreement between self-grades and moderated grades: <strong>50%</strong>" in page
    # No identifying term of the demo register appears in any answer.
    text = " ".join(ReturnAnswer.objects.values_list("value", flat=True)).lower()
    terms = audit.cases.values_list("identifying_terms__value", flat=True)
    assert not [t for t in terms if t and t.lower() in text]
