"""The audit programme, case sampling, re-audits with grades side by side, follow-ups of assured
recommendations, and the read-only quality-assurance role."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from audittools.models import AuditTool, Grade, ModeratedGrade, Tool, ToolQuestion, ToolSection, ToolVersion
from cases.models import Audit
from learning import services
from learning.models import CaseSampling, ProgrammeEntry, ReAudit
from tests.factories import (
    AgencyReturnFactory,
    AuditFactory,
    CaseFactory,
    LearningPointFactory,
    RecommendationFactory,
    ReturnAnswerFactory,
)
from tests.helpers import login

from .conftest import publish

pytestmark = pytest.mark.django_db


def entry(cast, themes, **kw):
    fields = {
        "year": 2027,
        "title": "Neglect re-audit",
        "theme": themes["Neglect"],
        "reason": ProgrammeEntry.Reason.EARLIER_AUDIT,
        "quarter": 2,
        "lead": cast.bm,
        "status": ProgrammeEntry.Status.PLANNED,
    }
    fields.update(kw)
    return services.programme_entry_save(actor=cast.bm, **fields)


def test_business_manager_plans_a_year_and_opens_an_audit_from_an_entry(client, cast, themes):
    planned = entry(cast, themes)
    login(client, cast.bm)
    page = client.get(reverse("learning:programme"), {"year": 2027})
    assert page.status_code == 200 and "Neglect re-audit" in page.content.decode()
    response = client.post(reverse("learning:programme_entry_open", kwargs={"entry_pk": planned.pk}))
    audit = Audit.objects.get(title="Neglect re-audit")
    assert response.status_code == 302 and response["Location"].endswith(f"/audits/{audit.pk}/")
    planned.refresh_from_db()
    assert planned.audit == audit and planned.status == ProgrammeEntry.Status.IN_PROGRESS
    assert (audit.period_start, audit.period_end) == (datetime.date(2027, 7, 1), datetime.date(2027, 9, 30))
    assert list(audit.themes.all()) == [themes["Neglect"]]
    with pytest.raises(ValidationError):
        services.programme_entry_open_audit(entry=planned, actor=cast.bm)


def test_programme_entry_form_and_its_rules(client, cast, themes):
    login(client, cast.bm)
    response = client.post(
        reverse("learning:programme_entry_create"),
        {
            "year": 2027,
            "title": "Thresholds audit",
            "theme": themes["Thresholds"].pk,
            "reason": "inspection",
            "quarter": 5,
            "status": "planned",
        },
    )
    assert response.status_code == 400
    response = client.post(
        reverse("learning:programme_entry_create"),
        {
            "year": 2027,
            "title": "Thresholds audit",
            "theme": themes["Thresholds"].pk,
            "reason": "inspection",
            "quarter": 4,
            "status": "slipped",
        },
    )
    assert response.status_code == 302
    assert ProgrammeEntry.objects.get(title="Thresholds audit").get_status_display() == "Slipped"
    with pytest.raises(PermissionDenied):
        services.programme_entry_save(
            actor=cast.panel, year=2027, title="x", theme=themes["Neglect"], reason="other", quarter=1
        )


def test_cases_record_how_they_were_sampled(client, cast):
    login(client, cast.bm)
    url = reverse("learning:audit_learning", kwargs={"audit_pk": cast.audit.pk})
    client.post(
        url,
        {
            "action": "sampling",
            "case": cast.case.pk,
            "cohort": "All strategy discussions in March",
            "threshold": "early_help",
        },
    )
    sampling = CaseSampling.objects.get(case=cast.case)
    assert sampling.get_threshold_display() == "Early help" and sampling.recorded_by == cast.bm
    login(client, cast.panel)
    page = client.get(url).content.decode()
    assert "All strategy discussions in March" in page and "Save sampling" not in page
    login(client, cast.panel_other)
    assert client.get(url).status_code == 404


def _graded_tool():
    tool = Tool.objects.create(name="Neglect tool")
    version = ToolVersion.objects.create(tool=tool, number=1)
    section = ToolSection.objects.create(version=version, position=1, title="Recognising neglect")
    ToolQuestion.objects.create(
        section=section, position=1, text="How well was neglect recognised?", answer_type="grade"
    )
    return version


def test_reaudit_reuses_the_tool_and_shows_grades_side_by_side(client, cast):
    version = _graded_tool()
    earlier = AuditFactory(
        title="Neglect audit 2025",
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 6, 30),
    )
    AuditTool.objects.create(audit=earlier, version=version, chosen_by=cast.bm)
    old_case = CaseFactory(audit=earlier, number=1)
    old_return = AgencyReturnFactory(case=old_case, agency=cast.agency, status="accepted")
    ReturnAnswerFactory(agency_return=old_return, value=Grade.INADEQUATE)
    retested = RecommendationFactory(audit=earlier)

    services.reaudit_mark(audit=cast.audit, earlier=earlier, actor=cast.bm, recommendations=[retested])
    assert AuditTool.objects.get(audit=cast.audit).version == version
    new_return = AgencyReturnFactory(case=cast.case, agency=cast.other_agency, status="submitted")
    answer = ReturnAnswerFactory(agency_return=new_return, value=Grade.GOOD)
    ModeratedGrade.objects.create(
        answer=answer,
        self_grade="good",
        grade="outstanding",
        reason="Better than it says",
        moderated_by=cast.panel,
    )

    login(client, cast.bm)
    page = client.get(reverse("learning:audit_learning", kwargs={"audit_pk": cast.audit.pk})).content.decode()
    assert "Neglect audit 2025" in page and "same tool version" in page
    assert "Recognising neglect" in page
    assert "0 / 0 / 0 / 1 (0 of 1 good or better)" in page
    assert "1 / 0 / 0 / 0 (1 of 1 good or better)" in page
    assert ReAudit.objects.get(audit=cast.audit).recommendations.get() == retested
    with pytest.raises(ValidationError):
        services.reaudit_mark(audit=earlier, earlier=cast.audit, actor=cast.bm)


def test_follow_up_chain_on_an_assured_recommendation(client, cast):
    rec = RecommendationFactory(audit=cast.other_audit, status="assured", created_by=cast.bm)
    login(client, cast.bm)
    client.post(
        reverse("learning:recommendation_follow_up", kwargs={"recommendation_pk": rec.pk}),
        {"reaudit_by": "31/03/2028", "audit": cast.audit.pk},
    )
    rec.refresh_from_db()
    assert rec.follow_up.reaudit_by == datetime.date(2028, 3, 31) and rec.follow_up.audit == cast.audit
    page = client.get(
        reverse("recommendations:recommendation_detail", kwargs={"recommendation_pk": rec.pk})
    ).content.decode()
    assert "Did it stick?" in page and "Re-audit by 31 March 2028" in page and "Followed up by" in page
    # The follow-up audit's page links back to the recommendation.
    audit_page = client.get(
        reverse("cases:audit_detail", kwargs={"audit_pk": cast.audit.pk})
    ).content.decode()
    assert (
        reverse("recommendations:recommendation_detail", kwargs={"recommendation_pk": rec.pk}) in audit_page
    )


def test_a_long_follow_up_chain_is_read_in_as_many_queries_as_a_short_one(cast, django_assert_num_queries):
    from learning.selectors import follow_up_chain

    audits = [cast.other_audit, cast.audit] + [
        AuditFactory(
            title=f"Follow-up audit {year}",
            period_start=datetime.date(year, 1, 1),
            period_end=datetime.date(year, 6, 30),
        )
        for year in (2027, 2028, 2029)
    ]
    recs = []
    for earlier, later in zip(audits, audits[1:], strict=False):
        # The second recommendation (by position) is the one followed up: the chain takes the first
        # followed-up one of each audit, not the first recommendation.
        RecommendationFactory(audit=earlier, position=1, created_by=cast.bm)
        rec = RecommendationFactory(audit=earlier, position=2, status="assured", created_by=cast.bm)
        services.recommendation_follow_up_set(recommendation=rec, actor=cast.bm, audit=later)
        recs.append(rec)
    link = ReAudit.objects.create(audit=audits[1], earlier=audits[0], created_by=cast.bm)
    link.recommendations.set([recs[0]])
    last = recs[-1]
    with django_assert_num_queries(3):
        short = follow_up_chain(recommendation=last)
    with django_assert_num_queries(3):
        chain = follow_up_chain(recommendation=recs[0])
    assert [c["recommendation"].pk for c in short] == [last.pk]
    assert [c["recommendation"].pk for c in chain] == [r.pk for r in recs]
    assert [c["follow_up"].audit.title for c in chain] == [a.title for a in audits[1:]]
    assert [[r.audit_id for r in c["retested"]] for c in chain] == [[audits[1].pk], [], [], []]
    with django_assert_num_queries(3):
        assert len(follow_up_chain(recommendation=recs[0], depth=2)) == 2
    # A chain that comes back on itself stops where it started.
    services.recommendation_follow_up_set(recommendation=last, actor=cast.bm, audit=audits[0])
    looped = follow_up_chain(recommendation=recs[0], depth=10)
    assert [c["recommendation"].pk for c in looped] == [r.pk for r in recs]


def test_quality_assurance_sees_programme_aggregates_and_published_learning_only(client, cast, themes):
    entry(cast, themes, year=2026)
    hidden = LearningPointFactory(case=cast.case, text="Curiosity in an unpublished audit.", position=1)
    shown = LearningPointFactory(case=cast.other_case, text="Curiosity in a published audit.", position=1)
    publish(cast.other_audit, cast.bm)
    login(client, cast.qa)
    assert client.get(reverse("home"))["Location"] == reverse("learning:programme")
    assert "Neglect re-audit" in client.get(reverse("learning:programme"), {"year": 2026}).content.decode()
    assert client.get(reverse("learning:recurring")).status_code == 200
    results = client.get(reverse("learning:library"), {"q": "curiosity"}).context["result"].results
    assert [(r.kind, r.pk) for r in results] == [("learning_point", shown.pk)]
    assert hidden.pk not in [r.pk for r in results]
    assert all(not r.case_url for r in results)
    # No case detail anywhere.
    for name, kwargs in (
        ("cases:case_detail", {"case_pk": cast.other_case.pk}),
        ("reviews:findings", {"case_pk": cast.other_case.pk}),
        ("cases:audit_detail", {"audit_pk": cast.other_audit.pk}),
    ):
        assert client.get(reverse(name, kwargs=kwargs)).status_code in (403, 404)


def test_an_owner_agency_sees_the_chain_without_links_to_pages_it_cannot_open(client, cast):
    rec = RecommendationFactory(
        audit=cast.other_audit, status="assured", owners=[cast.agency], created_by=cast.bm
    )
    services.recommendation_follow_up_set(recommendation=rec, actor=cast.bm, audit=cast.audit)
    login(client, cast.contributor)
    page = client.get(
        reverse("recommendations:recommendation_detail", kwargs={"recommendation_pk": rec.pk})
    ).content.decode()
    assert "Followed up by Audit under test" in page
    assert reverse("learning:audit_learning", kwargs={"audit_pk": cast.audit.pk}) not in page
    assert "Save follow-up" not in page
