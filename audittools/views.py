"""Tool library and builder, the audit's tool, the tool questions on a return, moderation, the
overall judgement and the grades export."""

import csv
import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.permissions import can_edit_return, can_read_return_content, permission_required
from cases.selectors import audit_get_for_user_to_edit, case_get_for_user
from core.confirmation import Row, announce, confirmation_page
from core.forms import add_service_errors
from core.spreadsheet import export_cell
from reviews.views.review import review_page_again

from . import selectors, services
from .forms import (
    AuditToolForm,
    JudgementForm,
    ModerationForm,
    QuestionForm,
    ReturnToolForm,
    SectionForm,
    ToolForm,
)
from .models import Grade

# --- The library and the builder --------------------------------------------------------------


@permission_required("manage_audits")
def tool_list(request):
    """The library and the partnership's own tools; a new tool is started here."""
    form = ToolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        tool = services.tool_create(actor=request.user, **form.cleaned_data)
        messages.success(request, f"Tool “{tool.name}” created: add its sections and questions.")
        return redirect("audittools:tool_detail", tool_pk=tool.pk)
    tools = selectors.tool_list_for_user(user=request.user).prefetch_related("versions")
    return render(
        request,
        "audittools/tool_list.html",
        {"tools": tools, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def _tool_context(tool, *, failed_section=None, question_form=None, **extra):
    version = tool.latest_version
    sections = selectors.version_sections(version)
    for section in sections:
        # One add-a-question form per section, each with its own prefix (unique ids on the page).
        if failed_section == section.pk:
            section.question_form = question_form
        else:
            section.question_form = QuestionForm(prefix=f"s{section.pk}")
    return {
        "tool": tool,
        "version": version,
        "versions": tool.versions.order_by("-number").prefetch_related("audits__audit"),
        "sections": sections,
        "failed_section": failed_section,
        "tool_form": extra.pop("tool_form", None) or ToolForm(instance=tool),
        "section_form": extra.pop("section_form", None) or SectionForm(),
        **extra,
    }


@permission_required("manage_audits")
def tool_detail(request, tool_pk):
    """A tool's latest version, section by section, with the forms that build it."""
    tool = (
        selectors.tool_get_for_user_to_edit(request=request, pk=tool_pk)
        if request.method == "POST"
        else selectors.tool_get_for_user(request=request, pk=tool_pk)
    )
    if request.method == "POST":
        form = ToolForm(request.POST, instance=tool)
        if form.is_valid():
            try:
                services.tool_update(tool=tool, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, "Tool saved.")
            return redirect("audittools:tool_detail", tool_pk=tool.pk)
        return render(request, "audittools/tool_detail.html", _tool_context(tool, tool_form=form), status=400)
    return render(request, "audittools/tool_detail.html", _tool_context(tool))


@permission_required("manage_audits")
@require_POST
def tool_copy(request, tool_pk):
    tool = selectors.tool_get_for_user(request=request, pk=tool_pk)
    copy = services.tool_copy(tool=tool, actor=request.user)
    messages.success(request, f"Copied as “{copy.name}”: edit it to suit your audit's theme.")
    return redirect("audittools:tool_detail", tool_pk=copy.pk)


def _edit_result(request, tool, call, success):
    try:
        call()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success)
    return redirect("audittools:tool_detail", tool_pk=tool.pk)


@permission_required("manage_audits")
@require_POST
def section_add(request, tool_pk):
    tool = selectors.tool_get_for_user_to_edit(request=request, pk=tool_pk)
    form = SectionForm(request.POST)
    if not form.is_valid():
        return render(
            request, "audittools/tool_detail.html", _tool_context(tool, section_form=form), status=400
        )
    return _edit_result(
        request,
        tool,
        lambda: services.section_add(tool=tool, actor=request.user, **form.cleaned_data),
        "Section added.",
    )


def _section(request, tool_pk, section_pk):
    tool = selectors.tool_get_for_user_to_edit(request=request, pk=tool_pk)
    return tool, selectors.section_get_for_user_to_edit(request=request, tool=tool, pk=section_pk)


def _version_note(version):
    """What an edit of a tool does to the audits already using it."""
    if version.is_frozen:
        return (
            f"Audits already using version {version.number} keep it unchanged; the change goes into "
            f"version {version.number + 1}, which audits choosing this tool from now on use."
        )
    return f"No audit has requested returns on version {version.number} yet, so the change is made in it."


def _confirm_removal(request, tool, *, title, summary, button, paragraphs, done, call):
    """GET: the confirmation page for removing part of a tool; POST: remove it (library tools refuse)."""
    tool_url = reverse("audittools:tool_detail", kwargs={"tool_pk": tool.pk})
    if request.method == "GET":
        problems = (
            [{"text": "Library tools cannot be changed: copy the tool and edit the copy.", "url": tool_url}]
            if tool.is_library
            else []
        )
        return confirmation_page(
            request,
            caption=tool.name,
            title=title,
            summary=summary,
            paragraphs=paragraphs,
            problems=problems,
            button=button,
            cancel_url=tool_url,
        )
    try:
        call()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        announce(request, title=done, next_steps=paragraphs[-1:])
    return redirect(tool_url)


@permission_required("manage_audits")
@require_http_methods(["GET", "POST"])
def section_delete(request, tool_pk, section_pk):
    tool, section = _section(request, tool_pk, section_pk)
    count = section.questions.count()
    return _confirm_removal(
        request,
        tool,
        title=f"Remove the section ‘{section.title}’?",
        summary=[Row("Section", section.title), Row("Questions in it", str(count))],
        paragraphs=[
            f"The section and its {count} question{pluralize(count)} are removed from the tool.",
            _version_note(section.version),
        ],
        button="Remove section",
        done="Section removed",
        call=lambda: services.section_delete(section=section, actor=request.user),
    )


@permission_required("manage_audits")
@require_POST
def question_add(request, tool_pk, section_pk):
    tool, section = _section(request, tool_pk, section_pk)
    form = QuestionForm(request.POST, prefix=f"s{section.pk}")
    if not form.is_valid():
        return render(
            request,
            "audittools/tool_detail.html",
            _tool_context(tool, question_form=form, failed_section=section.pk),
            status=400,
        )
    return _edit_result(
        request,
        tool,
        lambda: services.question_add(section=section, actor=request.user, **form.service_kwargs()),
        "Question added.",
    )


def _question(request, tool_pk, question_pk):
    tool = selectors.tool_get_for_user_to_edit(request=request, pk=tool_pk)
    question = selectors.question_get_for_user_to_edit(request=request, tool=tool, pk=question_pk)
    return tool, question


@permission_required("manage_audits")
def question_edit(request, tool_pk, question_pk):
    tool, question = _question(request, tool_pk, question_pk)
    form = QuestionForm(request.POST or None, instance=question)
    if request.method == "POST" and form.is_valid():
        try:
            services.question_update(question=question, actor=request.user, **form.service_kwargs())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Question saved.")
            return redirect("audittools:tool_detail", tool_pk=tool.pk)
    return render(
        request,
        "audittools/question_form.html",
        {"tool": tool, "question": question, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@permission_required("manage_audits")
@require_http_methods(["GET", "POST"])
def question_delete(request, tool_pk, question_pk):
    tool, question = _question(request, tool_pk, question_pk)
    return _confirm_removal(
        request,
        tool,
        title="Remove this question?",
        summary=[
            Row("Section", question.section.title),
            Row("Question", question.text),
            Row("Answer", question.get_answer_type_display()),
        ],
        paragraphs=["Returns will no longer ask it.", _version_note(question.section.version)],
        button="Remove question",
        done="Question removed",
        call=lambda: services.question_delete(question=question, actor=request.user),
    )


# --- The audit's tool -------------------------------------------------------------------------


@permission_required("manage_audits")
def audit_tool_edit(request, audit_pk):
    audit = audit_get_for_user_to_edit(request=request, pk=audit_pk)
    current = selectors.audit_tool_get(audit=audit)
    tools = selectors.tool_list_for_user(user=request.user)
    form = AuditToolForm(request.POST or None, instance=current, tools=tools)
    if request.method == "POST" and form.is_valid():
        try:
            services.audit_tool_choose(
                audit=audit,
                tool=form.cleaned_data["tool"],
                actor=request.user,
                grades_annex=form.cleaned_data["grades_annex"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The audit's tool is saved.")
            return redirect("cases:audit_detail", audit_pk=audit.pk)
    return render(
        request,
        "audittools/audit_tool_form.html",
        {"audit": audit, "form": form, "current": current},
        status=400 if request.method == "POST" else 200,
    )


@permission_required("read_cases")
@require_safe
def grades_export(request, audit_pk):
    """Every graded answer of the audit, self-grade and moderated grade, for the quality-assurance
    subgroup. Grades only: no free text."""
    audit = selectors.grades_audit_get_for_user(request=request, pk=audit_pk)
    _, answers = selectors.graded_answers(audit=audit)
    labels = dict(Grade.choices)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Case", "Agency", "Domain", "Question", "Self-grade", "Moderated grade", "Final grade"])
    for a in answers:
        moderation = getattr(a, "moderation", None)
        writer.writerow(
            export_cell(v)
            for v in (
                a.agency_return.case.pseudonym,
                a.agency_return.agency.name,
                a.question.section.title,
                a.question.text,
                labels.get(a.value, ""),
                labels.get(moderation.grade, "") if moderation else "",
                labels.get(a.final_grade, ""),
            )
        )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{audit.pk}-grades.csv"'
    return response


# --- The tool's questions on a return ---------------------------------------------------------


@permission_required("read_case_data")
def return_tool(request, return_pk):
    """The audit tool's questions for one return: editable by its agency (or the Business Manager on
    its behalf) while the return is open; read-only after, with the panel's moderated grades and
    reasons shown to the agency on its own return."""
    agency_return = selectors.return_tool_get_for_user(request=request, pk=return_pk)
    can_edit = can_edit_return(request.user, agency_return)
    hidden = not can_read_return_content(request.user, agency_return)
    blocks = selectors.return_tool_blocks(
        agency_return=agency_return,
        with_moderation=agency_return.status in selectors.REVIEWABLE,
    )
    form = ReturnToolForm(request.POST or None, blocks=blocks)
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        status = 400
        if form.is_valid():
            try:
                services.return_answers_save(
                    agency_return=agency_return,
                    actor=request.user,
                    answers=form.answers(),
                    reflections=form.reflections(),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request, "Answers saved. Submit the return from its main page when it is complete."
                )
                return redirect("audittools:return_tool", return_pk=agency_return.pk)
    return render(
        request,
        "audittools/return_tool.html",
        {
            "agency_return": agency_return,
            "case": agency_return.case,
            "audit": agency_return.case.audit,
            "blocks": blocks,
            "form": form,
            "can_edit": can_edit,
            "hidden": hidden,
        },
        status=status,
    )


# --- Moderation and the overall judgement -----------------------------------------------------


def _review_url(case):
    return reverse("reviews:case_review", kwargs={"case_pk": case.pk}) + "#moderation"


@permission_required("read_cases")
@require_POST
def grade_moderate(request, case_pk, answer_pk):
    case, answer = selectors.moderation_answer_get_for_user_to_edit(
        request=request, case_pk=case_pk, answer_pk=answer_pk
    )
    form = ModerationForm(request.POST)
    if form.is_valid():
        try:
            services.grade_moderate(answer=answer, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(
                request,
                f"{answer.agency_return.agency.name}, “{answer.question.text}”: " + " ".join(exc.messages),
            )
        else:
            messages.success(request, f"Moderated grade saved for {answer.agency_return.agency.name}.")
    else:
        messages.error(request, "Choose the panel's grade.")
    return redirect(_review_url(case))


@permission_required("read_cases")
@require_POST
def case_judgement(request, case_pk):
    case = case_get_for_user(request=request, pk=case_pk, what="case_judgement")
    form = JudgementForm(request.POST)
    if not form.is_valid():
        return review_page_again(request, case, judgement_form=form)
    try:
        services.case_judgement_record(case=case, actor=request.user, **form.cleaned_data)
    except PermissionDenied:
        messages.error(request, "Only the chair of the panel records the overall judgement.")
    except ValidationError as exc:
        add_service_errors(form, exc)
        return review_page_again(request, case, judgement_form=form)
    else:
        messages.success(request, "Overall judgement recorded.")
    return redirect(_review_url(case))
