"""Sections the audit tools add to other apps' pages (audit, case review, return), and grade display."""

from django import template

from accounts.permissions import allows, can_judge_case
from cases.models import AgencyReturn

from .. import selectors
from ..forms import JudgementForm, ModerationForm
from ..models import GRADE_CSS, Grade

register = template.Library()


@register.filter
def grade_label(value):
    try:
        return Grade(value).label
    except ValueError:
        return ""


@register.filter
def grade_css(value):
    return GRADE_CSS.get(value, "")


@register.inclusion_tag("audittools/_audit_section_body.html")
def audit_tool_section(audit, user):
    """The audit's tool, and for readers its grade distributions and the moderation agreement rate."""
    summary = selectors.audit_grade_summary(user=user, audit=audit)
    return {"audit": audit, "user": user, "summary": summary}


@register.inclusion_tag("audittools/_case_review_section_body.html", takes_context=True)
def case_moderation_section(context, case, user):
    """Self-grades side by side per question, the panel's moderation forms, the overall judgement
    (the judgement form as posted, with its errors, when the page is shown again after a mistake)."""
    data = selectors.case_moderation(case=case)
    if data is None:
        return {"visible": False}
    posted = context.get("judgement_form")
    return {
        "visible": True,
        "case": case,
        "user": user,
        "may_judge": can_judge_case(user, case),
        "judgement_form": posted
        if isinstance(posted, JudgementForm)
        else JudgementForm(
            initial={"grade": data["judgement"].grade, "summary": data["judgement"].summary}
            if data["judgement"]
            else None
        ),
        "moderation_form": ModerationForm(),
        "grades": Grade.choices,
        **data,
    }


@register.inclusion_tag("audittools/_return_links_body.html")
def return_tool_links(agency_return, user):
    """Links from a return to its tool questions and to raise an immediate safeguarding concern. No
    query: the return's pages keep their query budget (the tool page says when there is no tool)."""
    return {
        "agency_return": agency_return,
        "may_raise": allows(user, "read_case_data"),
        "open": agency_return.status in AgencyReturn.OPEN_STATUSES,
    }


@register.filter
def field_for(form, question):
    return form[f"q{question.pk}"]


@register.filter
def section_boxes(form, block):
    return form.section_fields(block)[1]


@register.inclusion_tag("audittools/_case_pack_answers.html")
def case_pack_answers(case):
    """The case pack's side-by-side table of tool answers and grades (panel and Business Manager)."""
    return {"grid": selectors.case_answers_grid(case=case)}
