"""State changes for audit tools, the tool an audit uses, the answers on a return, moderation and
the overall judgement."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.permissions import can_judge_case, can_moderate_case, can_work_on_return, require
from cases.models import AgencyReturn, Audit, ReturnTransition
from core.text import clean

from .models import (
    AuditTool,
    CaseJudgement,
    Grade,
    ModeratedGrade,
    ReturnAnswer,
    SectionReflection,
    Tool,
    ToolQuestion,
    ToolSection,
    ToolVersion,
)

REFLECTION_MAX_LENGTH = 4000
DEFAULT_TEXT_MAX_LENGTH = 10000


def clean_text(value):
    """Typed text in the one stored form every app uses (core.text.clean), without surrounding space."""
    return clean(value or "").strip()


# --- Tools and versions -----------------------------------------------------------------------


def _copy_version(source, *, tool, number):
    version = ToolVersion.objects.create(tool=tool, number=number)
    for section in source.sections.prefetch_related("questions"):
        questions = list(section.questions.all())
        section.pk = None
        section.version = version
        section.save()
        for question in questions:
            question.pk = None
            question.section = section
            question.save()
    return version


@transaction.atomic
def tool_create(*, actor, name, description=""):
    """A new, empty tool (version 1) for the Business Manager to build."""
    tool = Tool(name=clean_text(name), description=clean_text(description), created_by=actor)
    tool.full_clean()
    tool.save()
    ToolVersion.objects.create(tool=tool, number=1)
    return tool


@transaction.atomic
def tool_copy(*, tool, actor, name=""):
    """Copy a tool (usually from the library) as a new tool of the partnership's own, at version 1."""
    copy = Tool(
        name=clean_text(name) or f"{tool.name} (copy)",
        description=tool.description,
        copied_from=tool,
        created_by=actor,
    )
    copy.full_clean()
    copy.save()
    _copy_version(tool.latest_version, tool=copy, number=1)
    return copy


def tool_version_for_edit(*, tool, actor):
    """The version an edit goes into: the latest, unless it is frozen, in which case its copy as the
    next version (audits on the frozen one keep it). Library tools are never edited. The tool
    records `actor` as the last to change it (tools are not in the change history)."""
    if tool.is_library:
        raise ValidationError("Library tools cannot be changed: copy the tool and edit the copy.")
    Tool.objects.select_for_update().get(pk=tool.pk)
    Tool.objects.filter(pk=tool.pk).update(updated_by=actor, updated_at=timezone.now())
    latest = tool.versions.order_by("-number").first()
    if latest.is_frozen:
        latest = _copy_version(latest, tool=tool, number=latest.number + 1)
    return latest


def _section_in(version, section):
    """The section of `version` that stands where `section` stood (after a copy to a new version)."""
    if section.version_id == version.pk:
        return section
    return version.sections.get(position=section.position)


def _question_in(version, question):
    if question.section.version_id == version.pk:
        return question
    section = _section_in(version, question.section)
    return section.questions.get(position=question.position)


@transaction.atomic
def tool_update(*, tool, actor, name, description=""):
    if tool.is_library:
        raise ValidationError("Library tools cannot be changed: copy the tool and edit the copy.")
    tool.name = clean_text(name)
    tool.description = clean_text(description)
    tool.updated_by = actor
    tool.full_clean()
    tool.save()
    return tool


@transaction.atomic
def section_add(*, tool, actor, title, guidance="", practice_boxes=False):
    version = tool_version_for_edit(tool=tool, actor=actor)
    position = (version.sections.aggregate(n=Max("position"))["n"] or 0) + 1
    section = ToolSection(
        version=version,
        position=position,
        title=clean_text(title),
        guidance=clean_text(guidance),
        practice_boxes=practice_boxes,
    )
    section.full_clean()
    section.save()
    return section


@transaction.atomic
def section_delete(*, section, actor):
    version = tool_version_for_edit(tool=section.version.tool, actor=actor)
    _section_in(version, section).delete()


def _validate_question(question):
    if question.answer_type == ToolQuestion.AnswerType.CHOICE and len(question.choices) < 2:
        raise ValidationError({"choices": "A choice list needs at least two options, one a line."})
    if question.answer_type != ToolQuestion.AnswerType.CHOICE:
        question.choices = []
    if question.answer_type != ToolQuestion.AnswerType.TEXT:
        question.max_length = None
    question.full_clean()


def _choices(text_or_list):
    if isinstance(text_or_list, str):
        text_or_list = text_or_list.splitlines()
    return [c for c in (clean_text(c) for c in text_or_list) if c]


@transaction.atomic
def question_add(
    *, section, actor, text, answer_type, required=False, help_text="", max_length=None, choices=()
):
    """Add a question at the end of a section (in a new version if the current one is frozen)."""
    version = tool_version_for_edit(tool=section.version.tool, actor=actor)
    section = _section_in(version, section)
    position = (section.questions.aggregate(n=Max("position"))["n"] or 0) + 1
    question = ToolQuestion(
        section=section,
        position=position,
        text=clean_text(text),
        help_text=clean_text(help_text),
        answer_type=answer_type,
        required=required,
        max_length=max_length,
        choices=_choices(choices),
    )
    _validate_question(question)
    question.save()
    return question


@transaction.atomic
def question_update(
    *, question, actor, text, answer_type, required=False, help_text="", max_length=None, choices=()
):
    version = tool_version_for_edit(tool=question.section.version.tool, actor=actor)
    question = _question_in(version, question)
    question.text = clean_text(text)
    question.help_text = clean_text(help_text)
    question.answer_type = answer_type
    question.required = required
    question.max_length = max_length
    question.choices = _choices(choices)
    _validate_question(question)
    question.save()
    return question


@transaction.atomic
def question_delete(*, question, actor):
    version = tool_version_for_edit(tool=question.section.version.tool, actor=actor)
    _question_in(version, question).delete()


# --- The audit's tool -------------------------------------------------------------------------


@transaction.atomic
def audit_tool_choose(*, audit, tool, actor, grades_annex=False):
    """Set the tool an audit uses (its latest version). Once the audit's version is frozen the tool
    cannot change; only the report annex choice can."""
    Audit.objects.select_for_update().get(pk=audit.pk)
    current = AuditTool.objects.filter(audit=audit).select_related("version").first()
    if current and AgencyReturn.objects.filter(case__audit=audit).exists():
        if tool.pk != current.version.tool_id:
            raise ValidationError(
                {"tool": "Returns have been requested on this audit's tool; it can no longer be changed."}
            )
        current.grades_annex = grades_annex
        current.save(update_fields=["grades_annex", "updated_at"])
        return current
    version = tool.versions.order_by("-number").first()
    if current is None:
        current = AuditTool(audit=audit, version=version, chosen_by=actor, grades_annex=grades_annex)
    else:
        current.version, current.chosen_by, current.grades_annex = version, actor, grades_annex
    current.full_clean()
    current.save()
    if AgencyReturn.objects.filter(case__audit=audit).exists():
        # Returns were asked for before a tool was chosen: the version is fixed from now on.
        audit_tool_freeze(case=audit.cases.first(), actor=actor)
    return current


def audit_tool_freeze(*, case, actor):
    """Freeze the audit's tool version (called when a return is requested, by whoever requested it):
    from now on edits to the tool make a new version, and this audit keeps the one it has."""
    audit_tool = AuditTool.objects.filter(audit_id=case.audit_id).select_related("version").first()
    if audit_tool and not audit_tool.version.is_frozen:
        ToolVersion.objects.filter(pk=audit_tool.version_id, frozen_at__isnull=True).update(
            frozen_at=timezone.now(), frozen_by=actor, updated_at=timezone.now()
        )


# --- Answers on a return ----------------------------------------------------------------------


def tool_questions_for_return(agency_return):
    """The questions the return answers on its tool page: the audit's tool version, except those
    bound to the return's own texts (answered in its main form). Empty when the audit has no tool."""
    audit_tool = AuditTool.objects.filter(audit_id=agency_return.case.audit_id).first()
    if audit_tool is None:
        return ToolQuestion.objects.none()
    return (
        ToolQuestion.objects.filter(section__version_id=audit_tool.version_id, return_field="")
        .select_related("section")
        .order_by("section__position", "position", "pk")
    )


def _parse_answer(question, raw):
    """(value, date) from what was typed, or raise ValidationError with the user's words."""
    raw = clean_text(raw if isinstance(raw, str) else ("" if raw is None else str(raw)))
    kind = question.answer_type
    if not raw:
        return "", None
    if kind == ToolQuestion.AnswerType.DATE:
        for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
            try:
                return "", datetime.datetime.strptime(raw, fmt).date()
            except ValueError:
                continue
        raise ValidationError("Enter a real date, for example 27/3/2026.")
    if kind == ToolQuestion.AnswerType.TEXT:
        limit = question.max_length or DEFAULT_TEXT_MAX_LENGTH
        if len(raw) > limit:
            raise ValidationError(f"Use {limit} characters or fewer (you used {len(raw)}).")
        return raw, None
    allowed = [value for value, _ in question.option_choices]
    if raw not in allowed:
        raise ValidationError("Choose one of the options.")
    return raw, None


def _check_worker(agency_return, actor):
    require(can_work_on_return(actor, agency_return))


@transaction.atomic
def return_answers_save(*, agency_return, actor, answers, reflections=None):
    """Save the return's answers to its tool's questions (a draft: blanks allowed). `answers`:
    {question_pk: typed value}; `reflections`: {section_pk: (good practice, areas for development)}.
    Every answer is checked first; one wrong answer saves nothing."""
    _check_worker(agency_return, actor)
    current = AgencyReturn.objects.select_for_update().get(pk=agency_return.pk)
    if current.status not in AgencyReturn.OPEN_STATUSES:
        raise ValidationError(
            f"This return is {current.get_status_display().lower()} and can no longer be changed."
        )
    questions = {q.pk: q for q in tool_questions_for_return(current)}
    errors, parsed = {}, {}
    for pk, raw in answers.items():
        question = questions.get(int(pk))
        if question is None:
            continue
        try:
            parsed[question.pk] = _parse_answer(question, raw)
        except ValidationError as exc:
            errors[f"q{question.pk}"] = exc.messages
    sections = {q.section_id: q.section for q in questions.values() if q.section.practice_boxes}
    cleaned_reflections = {}
    for pk, (good, areas) in (reflections or {}).items():
        if int(pk) not in sections:
            continue
        good, areas = clean_text(good), clean_text(areas)
        for name, text in (("good", good), ("areas", areas)):
            if len(text) > REFLECTION_MAX_LENGTH:
                errors[f"s{pk}_{name}"] = [f"Use {REFLECTION_MAX_LENGTH} characters or fewer."]
        cleaned_reflections[int(pk)] = (good, areas)
    if errors:
        raise ValidationError(errors)
    for pk, (value, date) in parsed.items():
        answer = ReturnAnswer.objects.filter(agency_return=current, question_id=pk).first()
        if answer is None:
            if value or date:
                ReturnAnswer.objects.create(agency_return=current, question_id=pk, value=value, date=date)
        elif (answer.value, answer.date) != (value, date):
            answer.value, answer.date = value, date
            answer.save(update_fields=["value", "date", "updated_at"])
    for pk, (good, areas) in cleaned_reflections.items():
        SectionReflection.objects.update_or_create(
            agency_return=current,
            section_id=pk,
            defaults={"good_practice": good, "areas_for_development": areas},
        )
    if current.status == AgencyReturn.Status.REQUESTED:
        ReturnTransition.objects.create(
            agency_return=current,
            from_status=current.status,
            to_status=AgencyReturn.Status.DRAFT,
            actor=actor,
            on_behalf=actor.is_business_manager,
        )
        current.status = AgencyReturn.Status.DRAFT
        # The chronology editor's optimistic lock (version) is left alone: answers are their own rows.
        current.save(update_fields=["status", "updated_at"])
    return current


def return_answers_check(agency_return):
    """Errors that stop a submit: each required tool question left unanswered, by its words."""
    questions = list(tool_questions_for_return(agency_return).filter(required=True))
    if not questions:
        return {}
    answered = {
        a.question_id
        for a in ReturnAnswer.objects.filter(agency_return=agency_return, question__in=questions)
        if not a.is_blank
    }
    missing = [q for q in questions if q.pk not in answered]
    if not missing:
        return {}
    return {
        "__all__": [f"Audit tool, {q.section.title}: answer “{q.text}” before you submit." for q in missing]
    }


# --- Moderation -------------------------------------------------------------------------------


@transaction.atomic
def grade_moderate(*, answer, actor, grade, reason=""):
    """The panel records its grade for an agency's self-graded answer. A grade different from the
    agency's needs a reason; the same grade confirms it."""
    answer = ReturnAnswer.objects.select_related("question", "agency_return__case").get(pk=answer.pk)
    require(can_moderate_case(actor, answer.agency_return.case))
    if answer.question.answer_type != ToolQuestion.AnswerType.GRADE:
        raise ValidationError("Only graded questions are moderated.")
    if answer.agency_return.status not in (AgencyReturn.Status.SUBMITTED, AgencyReturn.Status.ACCEPTED):
        raise ValidationError("The panel moderates submitted returns only.")
    if grade not in Grade.values:
        raise ValidationError({"grade": "Choose a grade."})
    reason = clean_text(reason)
    if grade != answer.value and not reason:
        raise ValidationError({"reason": "Give the reason the panel's grade differs from the agency's."})
    moderation = ModeratedGrade.objects.select_for_update().filter(answer=answer).first()
    if moderation is None:
        moderation = ModeratedGrade(answer=answer)
    moderation.self_grade = answer.value
    moderation.grade = grade
    moderation.reason = reason
    moderation.moderated_by = actor
    moderation.full_clean()
    moderation.save()
    return moderation


@transaction.atomic
def case_judgement_record(*, case, actor, grade, summary=""):
    """The chair of the audit's panel (or the Business Manager) records the overall judgement."""
    require(can_judge_case(actor, case))
    if grade not in Grade.values:
        raise ValidationError({"grade": "Choose the overall judgement."})
    judgement = CaseJudgement.objects.select_for_update().filter(case=case).first() or CaseJudgement(
        case=case
    )
    judgement.grade = grade
    judgement.summary = clean_text(summary)
    judgement.recorded_by = actor
    judgement.full_clean()
    judgement.save()
    return judgement
