"""Reads of audit tools, answers, moderation and grade statistics, scoped by the user who asks."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from accesslog.models import AccessLogEntry
from accesslog.services import get_for_user
from accounts.models import Role
from cases.models import AgencyReturn
from cases.selectors import audit_list_for_user, case_list_for_user, return_list_for_user

from .models import (
    GOOD_OR_BETTER,
    AuditTool,
    CaseJudgement,
    Grade,
    ModeratedGrade,
    ReturnAnswer,
    SectionReflection,
    Tool,
    ToolQuestion,
    ToolSection,
)
from .services import tool_questions_for_return

REVIEWABLE = (AgencyReturn.Status.SUBMITTED, AgencyReturn.Status.ACCEPTED)


def tool_list_for_user(*, user):
    """Tools are built and chosen by the Business Manager."""
    if user.role != Role.BUSINESS_MANAGER:
        return Tool.objects.none()
    return Tool.objects.all()


# --- Accessors: one object, scoped to the user, 404 otherwise, the read written to the access log ----
# Tools are questions, not case data: their accessors log nothing.


def tool_get_for_user(*, request, pk):
    """A tool the user may open (the Business Manager builds and chooses tools)."""
    return get_for_user(tool_list_for_user(user=request.user), request=request, what=None, pk=pk)


def tool_get_for_user_to_edit(*, request, pk):
    """A tool the user may change: the same scope (library tools refuse changes in the services)."""
    return get_for_user(tool_list_for_user(user=request.user), request=request, what=None, pk=pk)


def section_get_for_user_to_edit(*, request, tool, pk):
    """A section of a tool the user may change (`tool` from tool_get_for_user_to_edit)."""
    return get_for_user(
        ToolSection.objects.select_related("version__tool"),
        request=request,
        what=None,
        pk=pk,
        version__tool=tool,
    )


def question_get_for_user_to_edit(*, request, tool, pk):
    """A question of a tool the user may change (`tool` from tool_get_for_user_to_edit)."""
    return get_for_user(
        ToolQuestion.objects.select_related("section__version__tool"),
        request=request,
        what=None,
        pk=pk,
        section__version__tool=tool,
    )


def grades_audit_get_for_user(*, request, pk):
    """The audit whose graded answers the user may export (the Business Manager, its panel): logged
    as an export."""
    return get_for_user(
        audit_list_for_user(user=request.user),
        request=request,
        what="grades_csv",
        audit=lambda audit: audit,
        action=AccessLogEntry.Action.EXPORT,
        pk=pk,
    )


def version_sections(version):
    """A version's sections with their questions, in order, in two queries."""
    return list(
        version.sections.order_by("position", "pk").prefetch_related(
            Prefetch("questions", queryset=ToolQuestion.objects.order_by("position", "pk"))
        )
    )


def audit_tool_get(*, audit):
    return AuditTool.objects.filter(audit=audit).select_related("version__tool").first()


# --- A return's answers -----------------------------------------------------------------------


@dataclass
class QuestionRow:
    question: ToolQuestion
    answer: ReturnAnswer | None
    moderation: ModeratedGrade | None = None

    @property
    def display(self):
        return answer_display(self.question, self.answer)


@dataclass
class SectionBlock:
    section: ToolSection
    rows: list = field(default_factory=list)
    reflection: SectionReflection | None = None


def answer_display(question, answer):
    if answer is None or answer.is_blank:
        return ""
    if question.answer_type == ToolQuestion.AnswerType.DATE:
        return answer.date.strftime("%-d %B %Y")
    labels = dict(question.option_choices)
    return labels.get(answer.value, answer.value)


def return_tool_blocks(*, agency_return, with_moderation=False):
    """The return's tool questions by section, with its answers (and the panel's moderated grades
    when asked: the agency sees only its own return's, the panel every return of its audits)."""
    questions = list(tool_questions_for_return(agency_return))
    answers = {
        a.question_id: a
        for a in ReturnAnswer.objects.filter(agency_return=agency_return).select_related(
            *(["moderation"] if with_moderation else [])
        )
    }
    reflections = {r.section_id: r for r in SectionReflection.objects.filter(agency_return=agency_return)}
    blocks, by_section = [], {}
    for question in questions:
        block = by_section.get(question.section_id)
        if block is None:
            block = by_section[question.section_id] = SectionBlock(
                section=question.section, reflection=reflections.get(question.section_id)
            )
            blocks.append(block)
        answer = answers.get(question.pk)
        moderation = getattr(answer, "moderation", None) if (with_moderation and answer) else None
        block.rows.append(QuestionRow(question=question, answer=answer, moderation=moderation))
    return blocks


def return_tool_get_for_user(*, request, pk):
    """A return whose tool page the user may open (404 outside the user's scope), the read logged."""
    return get_for_user(
        return_list_for_user(user=request.user),
        request=request,
        what="return_tool",
        case=lambda agency_return: agency_return.case,
        pk=pk,
    )


# --- Moderation on the case review page --------------------------------------------------------


@dataclass
class ModerationRow:
    question: ToolQuestion
    cells: list  # [(agency_return, answer or None, moderation or None)] in the order of `returns`


def case_moderation(*, case):
    """Every graded question of the audit's tool, with each submitted return's self-grade and the
    panel's moderated grade, side by side (a fixed number of queries)."""
    audit_tool = audit_tool_get(audit=case.audit)
    if audit_tool is None:
        return None
    returns = list(
        case.returns.filter(status__in=REVIEWABLE).select_related("agency").order_by("agency__name")
    )
    questions = list(
        ToolQuestion.objects.filter(
            section__version_id=audit_tool.version_id, answer_type=ToolQuestion.AnswerType.GRADE
        )
        .select_related("section")
        .order_by("section__position", "position")
    )
    answers = {
        (a.agency_return_id, a.question_id): a
        for a in ReturnAnswer.objects.filter(
            agency_return__in=returns, question__in=questions
        ).select_related("moderation")
    }
    rows = []
    for question in questions:
        cells = []
        for r in returns:
            answer = answers.get((r.pk, question.pk))
            cells.append((r, answer, getattr(answer, "moderation", None) if answer else None))
        rows.append(ModerationRow(question=question, cells=cells))
    judgement = CaseJudgement.objects.filter(case=case).select_related("recorded_by").first()
    return {"audit_tool": audit_tool, "returns": returns, "rows": rows, "judgement": judgement}


def moderation_answer_get_for_user_to_edit(*, request, case_pk, answer_pk):
    """A graded answer on a submitted return of a case the user reviews (404 otherwise), the read
    logged."""
    case = get_object_or_404(case_list_for_user(user=request.user), pk=case_pk)
    answer = get_for_user(
        ReturnAnswer.objects.select_related("question", "agency_return"),
        request=request,
        what="moderation",
        case=lambda answer: case,
        pk=answer_pk,
        agency_return__case=case,
        agency_return__status__in=REVIEWABLE,
        question__answer_type=ToolQuestion.AnswerType.GRADE,
    )
    return case, answer


# --- Grade statistics -------------------------------------------------------------------------


@dataclass
class GradeCount:
    label: str
    counts: list  # [(Grade, n)] in scale order
    total: int

    @property
    def good_or_better(self):
        return sum(n for g, n in self.counts if g in GOOD_OR_BETTER)


def _count(label, grades):
    c = Counter(grades)
    return GradeCount(label=label, counts=[(Grade(g), c[g]) for g in Grade.values], total=sum(c.values()))


def graded_answers(*, audit):
    """Graded answers of submitted and accepted returns of the audit, with the final grade (the
    panel's where it moderated, the agency's own otherwise)."""
    audit_tool = audit_tool_get(audit=audit)
    if audit_tool is None:
        return None, []
    answers = list(
        ReturnAnswer.objects.filter(
            agency_return__case__audit=audit,
            agency_return__status__in=REVIEWABLE,
            question__section__version_id=audit_tool.version_id,
            question__answer_type=ToolQuestion.AnswerType.GRADE,
        )
        .exclude(value="")
        .select_related("question__section", "agency_return__agency", "agency_return__case", "moderation")
        .order_by("agency_return__case__number", "agency_return__agency__name", "question__section__position")
    )
    for a in answers:
        moderation = getattr(a, "moderation", None)
        a.final_grade = moderation.grade if moderation else a.value
    return audit_tool, answers


def audit_grade_summary(*, user, audit):
    """Grade distributions per domain (section) and per agency, and how often the panel agreed with
    the agencies' self-grades. None for users who may not read the audit."""
    if not audit_list_for_user(user=user).filter(pk=audit.pk).exists():
        return None
    audit_tool, answers = graded_answers(audit=audit)
    if audit_tool is None:
        return {"audit_tool": None}
    by_domain, by_agency = defaultdict(list), defaultdict(list)
    domain_order = []
    for a in answers:
        title = a.question.section.title
        if title not in by_domain:
            domain_order.append(title)
        by_domain[title].append(a.final_grade)
        by_agency[a.agency_return.agency.name].append(a.final_grade)
    moderated = [a.moderation for a in answers if getattr(a, "moderation", None)]
    agreed = sum(1 for m in moderated if m.agrees)
    judgements = Counter(CaseJudgement.objects.filter(case__audit=audit).values_list("grade", flat=True))
    return {
        "audit_tool": audit_tool,
        "domains": [_count(t, by_domain[t]) for t in domain_order],
        "agencies": [_count(n, by_agency[n]) for n in sorted(by_agency)],
        "moderated": len(moderated),
        "agreed": agreed,
        "agreement_rate": round(100 * agreed / len(moderated)) if moderated else None,
        "judgements": [(Grade(g), judgements[g]) for g in Grade.values],
        "grades": list(Grade),
    }


def grades_annex(*, audit):
    """Counts only, per domain, for the published report: no agency, no case, no free text. None when
    the audit has no tool or did not ask for the annex."""
    audit_tool, answers = graded_answers(audit=audit)
    if audit_tool is None or not audit_tool.grades_annex:
        return None
    cases_by_domain = defaultdict(lambda: defaultdict(list))
    order = []
    for a in answers:
        title = a.question.section.title
        if title not in cases_by_domain:
            order.append(title)
        cases_by_domain[title][a.agency_return.case_id].append(a.final_grade)
    lines = []
    for title in order:
        per_case = cases_by_domain[title]
        # A case is "good or better" in a domain when every final grade given for it there is.
        good = sum(1 for grades in per_case.values() if all(g in GOOD_OR_BETTER for g in grades))
        flat = [g for grades in per_case.values() for g in grades]
        lines.append(
            {"domain": title, "cases": len(per_case), "good_or_better": good, **_count(title, flat).__dict__}
        )
    return lines


def case_answers_grid(*, case):
    """Every tool question with each submitted return's answer (and the panel's grade), side by side,
    section by section: the case pack's table. None when the audit has no tool."""
    audit_tool = audit_tool_get(audit=case.audit)
    if audit_tool is None:
        return None
    returns = list(
        case.returns.filter(status__in=REVIEWABLE).select_related("agency").order_by("agency__name")
    )
    questions = list(
        ToolQuestion.objects.filter(section__version_id=audit_tool.version_id, return_field="")
        .select_related("section")
        .order_by("section__position", "position")
    )
    answers = {
        (a.agency_return_id, a.question_id): a
        for a in ReturnAnswer.objects.filter(agency_return__in=returns).select_related("moderation")
    }
    sections, current = [], None
    for question in questions:
        if current is None or current["section"].pk != question.section_id:
            current = {"section": question.section, "rows": []}
            sections.append(current)
        cells = []
        for r in returns:
            answer = answers.get((r.pk, question.pk))
            cells.append(
                {
                    "display": answer_display(question, answer),
                    "grade": answer.value if answer and question.answer_type == "grade" else "",
                    "moderation": getattr(answer, "moderation", None) if answer else None,
                }
            )
        current["rows"].append({"question": question, "cells": cells})
    return {"audit_tool": audit_tool, "returns": returns, "sections": sections}
