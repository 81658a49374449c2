"""The audit's pages: an overview with its stages as a task list, and one page per stage.

Every page is for the audit's readers (the Business Manager and its panel), read through
`audit_get_for_user` (404 outside the scope, the read written to the access log); the Business
Manager's actions on a page are shown to the Business Manager only, as on the single page before.
The sections of the later apps (reviews, recommendations, audit tools) are their own template tags,
included by name, so this app imports none of them.
"""

from django.db.models import Count
from django.shortcuts import render
from django.views.decorators.http import require_safe

from accounts.permissions import can_manage_audit, permission_required

from . import selectors
from .audit_pages import AUDIT_PAGES, audit_pages_nav
from .forms import PanelMembershipForm


def _stage_page(request, audit, name, template, **context):
    title = dict(AUDIT_PAGES)[name]
    return render(
        request,
        template,
        {
            "audit": audit,
            "stage_title": title,
            "stage_page": name,
            "audit_nav": audit_pages_nav(audit, name),
            **context,
        },
    )


@permission_required("read_cases")
@require_safe
def audit_detail(request, audit_pk):
    """The overview: the audit's details, its stages with a status each, and its place in the programme."""
    audit = selectors.audit_get_for_user(request=request, pk=audit_pk)
    return render(
        request,
        "cases/audit_detail.html",
        {"audit": audit, "audit_nav": audit_pages_nav(audit, "cases:audit_detail")},
    )


def audit_cases_context(audit):
    return {
        "cases": audit.cases.annotate(return_count=Count("returns", distinct=True))
        .prefetch_related("agencies")
        .order_by("number")
    }


@permission_required("read_cases")
@require_safe
def audit_cases(request, audit_pk):
    audit = selectors.audit_get_for_user(request=request, pk=audit_pk, what="audit_cases")
    return _stage_page(
        request, audit, "cases:audit_cases", "cases/audit_cases.html", **audit_cases_context(audit)
    )


@permission_required("read_cases")
@require_safe
def audit_returns(request, audit_pk):
    audit = selectors.audit_get_for_user(request=request, pk=audit_pk, what="audit_returns")
    return _stage_page(
        request,
        audit,
        "cases:audit_returns",
        "cases/audit_returns.html",
        returns_matrix=selectors.return_matrix_for_audit(user=request.user, audit=audit),
    )


@permission_required("read_cases")
@require_safe
def audit_grades(request, audit_pk):
    audit = selectors.audit_get_for_user(request=request, pk=audit_pk, what="audit_grades")
    return _stage_page(request, audit, "cases:audit_grades", "cases/audit_grades.html")


def audit_panel_context(request, audit, form=None):
    context = {"panel": audit.panel_memberships.select_related("user")}
    if can_manage_audit(request.user, audit):
        context["panel_form"] = form or PanelMembershipForm(audit=audit)
    return context


@permission_required("read_cases")
@require_safe
def audit_panel(request, audit_pk):
    audit = selectors.audit_get_for_user(request=request, pk=audit_pk, what="audit_panel")
    return _stage_page(
        request, audit, "cases:audit_panel", "cases/audit_panel.html", **audit_panel_context(request, audit)
    )


def render_audit_panel(request, audit, form, *, status):
    """The panel page again with a refused form (the caller has logged the read)."""
    response = _stage_page(
        request,
        audit,
        "cases:audit_panel",
        "cases/audit_panel.html",
        form=form,
        **audit_panel_context(request, audit, form),
    )
    response.status_code = status
    return response


@permission_required("read_cases")
@require_safe
def audit_meetings(request, audit_pk):
    audit = selectors.audit_get_for_user(request=request, pk=audit_pk, what="audit_meetings")
    return _stage_page(request, audit, "cases:audit_meetings", "cases/audit_meetings.html")


@permission_required("read_cases")
@require_safe
def audit_findings(request, audit_pk):
    audit = selectors.audit_get_for_user(request=request, pk=audit_pk, what="audit_findings")
    return _stage_page(request, audit, "cases:audit_findings", "cases/audit_findings.html")


@permission_required("read_cases")
@require_safe
def audit_recommendations(request, audit_pk):
    audit = selectors.audit_get_for_user(request=request, pk=audit_pk, what="audit_recommendations")
    return _stage_page(request, audit, "cases:audit_recommendations", "cases/audit_recommendations.html")


@permission_required("read_cases")
@require_safe
def audit_assurance(request, audit_pk):
    audit = selectors.audit_get_for_user(request=request, pk=audit_pk, what="audit_assurance")
    return _stage_page(request, audit, "cases:audit_assurance", "cases/audit_assurance.html")
