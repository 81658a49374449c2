"""The report's optional grades annex, read back from the PDF: aggregate counts per domain only; no
free-text answer, no moderation reason and no register term ever reaches it; it goes through the
leak guard like every other text; immediate concerns appear as counts only."""

import pytest

from audittools.models import ReturnAnswer, Tool, ToolQuestion
from audittools.services import audit_tool_choose, grade_moderate, question_add, section_add, tool_copy
from cases.models import AgencyReturn
from reports.services import render_report
from tests.factories import SafeguardingConcernFactory

from .conftest import TODAY, flat, pdf_text

pytestmark = pytest.mark.django_db

PLANTED = "Jayden Marlowe told the health visitor about the shed at 14 Larkspur Close."
FREE_TEXT = "Our worker visited the family every fortnight without fail."
REASON = "The panel noted the strategy meeting minutes were never shared."


def _answer(agency_return, question, value):
    return ReturnAnswer.objects.create(agency_return=agency_return, question=question, value=value)


@pytest.fixture
def graded(cast, seeded):
    audit_tool_choose(
        audit=seeded.audit,
        tool=Tool.objects.get(library_key="generic-macfa"),
        actor=cast.bm,
        grades_annex=True,
    )
    version = Tool.objects.get(library_key="generic-macfa").latest_version
    questions = ToolQuestion.objects.filter(section__version=version)
    grade_q = {q.section.title: q for q in questions.filter(answer_type="grade").select_related("section")}
    text_q = questions.filter(answer_type="text").first()
    case1_return = cast.agency_return  # submitted
    case2_return = AgencyReturn.objects.get(case=seeded.cases[2])  # accepted
    voice = "The child's voice and lived experience"
    _answer(case1_return, grade_q[voice], "good")
    _answer(case2_return, grade_q[voice], "requires_improvement")
    recognition = _answer(case1_return, grade_q["Recognition of need and risk"], "outstanding")
    _answer(case2_return, grade_q["Recognition of need and risk"], "good")
    _answer(case1_return, text_q, PLANTED)
    _answer(case2_return, text_q, FREE_TEXT)
    grade_moderate(answer=recognition, actor=cast.panel, grade="good", reason=REASON)
    return seeded


def test_the_annex_prints_counts_only_and_never_free_text(graded):
    _, pdf = render_report(audit=graded.audit, build_date=TODAY)
    body = flat(pdf_text(pdf))
    annex = body.split("Annex: grades")[-1]
    assert "Recognition of need and risk 2 of 2 cases 0 2 0 0" in annex  # outstanding moderated to good
    assert "The child's voice and lived experience 1 of 2 cases 0 1 1 0" in annex
    for private in (
        "Jayden",
        "Marlowe",
        "Larkspur",
        "fortnight",
        "strategy meeting minutes",
        "Riverton Police",
    ):
        assert private not in annex
    for private in ("Jayden Marlowe", "Larkspur", FREE_TEXT, REASON):
        assert private not in body


def test_without_the_option_there_is_no_annex(cast, graded):
    audit_tool_choose(
        audit=graded.audit,
        tool=Tool.objects.get(library_key="generic-macfa"),
        actor=cast.bm,
        grades_annex=False,
    )
    _, pdf = render_report(audit=graded.audit, build_date=TODAY)
    assert "Annex: grades" not in flat(pdf_text(pdf))


def test_a_register_term_in_a_domain_title_is_caught_by_the_leak_guard(build_of, cast, seeded):
    tool = tool_copy(tool=Tool.objects.get(library_key="voice-of-the-child"), actor=cast.bm)
    section = section_add(tool=tool, actor=cast.bm, title="Jayden Marlowe's school")
    question = question_add(section=section, actor=cast.bm, text="Grade it.", answer_type="grade")
    audit_tool_choose(audit=seeded.audit, tool=tool, actor=cast.bm, grades_annex=True)
    _answer(cast.agency_return, question, "good")
    build = build_of(seeded.audit, cast.bm)
    # The only place the term is printed is the annex's domain title: the guard finds it there.
    hits = list(build.hits.values_list("section", "matched"))
    assert hits and all("Jayden Marlowe" in matched for _, matched in hits)
    assert "Annex: grades" in {section for section, _ in hits}


def test_the_clean_annex_passes_the_leak_guard(build_of, cast, graded):
    build = build_of(graded.audit, cast.bm)
    assert not build.hits.filter(section="Annex: grades").exists()


def test_the_report_states_only_how_many_concerns_were_raised_and_resolved(cast, graded):
    SafeguardingConcernFactory(
        case=cast.case, agency=cast.agency, raised_by=cast.panel, description="Bruising seen on Jayden's arm."
    )
    SafeguardingConcernFactory(
        case=graded.cases[2],
        agency=cast.agency,
        raised_by=cast.panel,
        description="Locked out overnight.",
        status="resolved",
        acknowledged_on=TODAY,
    )
    _, pdf = render_report(audit=graded.audit, build_date=TODAY)
    body = flat(pdf_text(pdf))
    assert "2 immediate safeguarding concerns were referred back" in body
    assert "1 of 2 has been resolved" in body
    assert "Bruising" not in body and "Locked out" not in body
