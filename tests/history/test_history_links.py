"""Change history is viewable on each record: the Business Manager's record pages link to the history
of every tracked record they show, nobody else sees the link, and the history page answers for each
of the ten tracked models (with before/after values on PostgreSQL, where the triggers record them)."""

import pytest
from django.urls import reverse

from audittools.models import SectionReflection
from audittools.services import case_judgement_record, grade_moderate
from cases.models import AgencyReturn, ChronologyEntry
from history.models import EVENT_MODELS
from recommendations.models import Recommendation
from reviews.models import AgencyAction, CaseAssurance, LearningPoint
from tests.authz import test_matrix as matrix
from tests.factories import CaseAssuranceFactory, ChronologyEntryFactory
from tests.helpers import login

pytestmark = pytest.mark.django_db


def history_url(obj):
    return reverse(
        "history:record_history",
        kwargs={"app_label": obj._meta.app_label, "model_name": obj._meta.model_name, "object_pk": obj.pk},
    )


@pytest.fixture
def records(cast):
    for module in matrix._rule_modules():
        if hasattr(module, "extend_cast"):
            module.extend_cast(cast)
    AgencyReturn.objects.filter(pk=cast.agency_return.pk).update(status=AgencyReturn.Status.SUBMITTED)
    cast.entry = ChronologyEntryFactory(agency_return=cast.agency_return, what_happened="Home visit.")
    cast.assurance = CaseAssuranceFactory(case=cast.case, statement="The child was safe.")
    cast.response = cast.evidence.response
    cast.membership = cast.panel.panel_memberships.get(audit=cast.audit)
    section = cast.answer.question.section
    cast.reflection = SectionReflection.objects.create(
        agency_return=cast.agency_return, section=section, good_practice="Seen alone."
    )
    cast.moderation = grade_moderate(answer=cast.answer, actor=cast.panel, grade="good")
    cast.judgement = case_judgement_record(case=cast.case, actor=cast.panel, grade="good")
    cast.audit_tool = cast.audit.tool
    return cast


PAGES = [
    ("cases:audit_detail", {"audit_pk": "audit"}, ["audit"]),
    ("cases:audit_panel", {"audit_pk": "audit"}, ["membership"]),
    ("role_grants", {}, ["panel"]),
    ("cases:case_detail", {"case_pk": "case"}, ["case", "term"]),
    ("cases:return_detail", {"return_pk": "agency_return"}, ["agency_return", "entry"]),
    ("reviews:findings", {"case_pk": "case"}, ["point", "assurance", "action"]),
    ("reviews:learning_point_edit", {"case_pk": "case", "point_pk": "point"}, ["point"]),
    ("reviews:action_edit", {"case_pk": "case", "action_pk": "action"}, ["action"]),
    (
        "recommendations:recommendation_detail",
        {"recommendation_pk": "recommendation"},
        ["recommendation", "response"],
    ),
    ("cases:audit_grades", {"audit_pk": "audit"}, ["audit_tool"]),
    ("audittools:return_tool", {"return_pk": "agency_return"}, ["answer", "reflection"]),
    ("reviews:case_review", {"case_pk": "case"}, ["moderation", "judgement"]),
    ("reviews:concern_detail", {"concern_pk": "concern"}, ["concern"]),
]


@pytest.mark.parametrize("url_name,kwargs,shown", PAGES, ids=[p[0] for p in PAGES])
def test_record_pages_link_to_the_history_of_each_record_for_the_business_manager(
    client, records, url_name, kwargs, shown
):
    url = reverse(url_name, kwargs={k: getattr(records, v).pk for k, v in kwargs.items()})
    login(client, records.bm)
    html = client.get(url).content.decode()
    for name in shown:
        assert f'href="{history_url(getattr(records, name))}"' in html, name
    login(client, records.panel)
    response = client.get(url)
    # A page only the Business Manager opens (Roles) is refused outright; the others show no link.
    assert response.status_code == (403 if url_name == "role_grants" else 200)
    assert "/history/" not in response.content.decode()


def test_every_tracked_model_is_linked_from_some_page():
    """The tracked models are exactly those the pages above link."""
    linked = {
        "audit": "cases.audit",
        "case": "cases.case",
        "term": "cases.identifyingterm",
        "agency_return": "cases.agencyreturn",
        "entry": "cases.chronologyentry",
        "point": "reviews.learningpoint",
        "assurance": "reviews.caseassurance",
        "action": "reviews.agencyaction",
        "recommendation": "recommendations.recommendation",
        "response": "recommendations.recommendationresponse",
        "membership": "cases.panelmembership",
        "panel": "accounts.user",
        "audit_tool": "audittools.audittool",
        "answer": "audittools.returnanswer",
        "reflection": "audittools.sectionreflection",
        "moderation": "audittools.moderatedgrade",
        "judgement": "audittools.casejudgement",
        "concern": "reviews.safeguardingconcern",
    }
    assert {n for _, _, shown in PAGES for n in shown} == set(linked)
    assert {f"{a}.{m}" for a, m in EVENT_MODELS} == set(linked.values())


@pytest.mark.parametrize(
    "name",
    [
        "audit",
        "case",
        "term",
        "agency_return",
        "entry",
        "point",
        "assurance",
        "action",
        "recommendation",
        "response",
        "membership",
        "panel",
        "audit_tool",
        "answer",
        "reflection",
        "moderation",
        "judgement",
        "concern",
    ],
)
def test_the_history_page_answers_for_each_tracked_model(client, records, name):
    login(client, records.bm)
    response = client.get(history_url(getattr(records, name)))
    assert response.status_code == 200
    assert "History" in response.content.decode()


EDITS = {
    "entry": (ChronologyEntry, "what_happened", "Home visit by the social worker."),
    "point": (LearningPoint, "text", "A rewritten learning point."),
    "assurance": (CaseAssurance, "statement", "The panel was assured after all."),
    "action": (AgencyAction, "description", "A rewritten confidential action."),
    "recommendation": (Recommendation, "text", "A rewritten recommendation."),
}


@pytest.mark.postgres
@pytest.mark.parametrize("name", sorted(EDITS))
def test_history_shows_the_edit_of_each_kind_of_finding(client, records, name):
    model, field, value = EDITS[name]
    obj = getattr(records, name)
    before = getattr(model.objects.get(pk=obj.pk), field)
    model.objects.filter(pk=obj.pk).update(**{field: value})
    login(client, records.bm)
    html = client.get(history_url(obj)).content.decode()
    assert "Changed on" in html and "Created on" in html
    assert f'<td class="govuk-table__cell after">{value}</td>' in html
    assert f'<td class="govuk-table__cell before">{before}</td>' in html
