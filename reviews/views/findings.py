"""Findings per case (learning points, assurance, confidential actions) for the panel and the Business
Manager, and the confidential-actions pages, where an owner agency's contributors see and answer their
own agency's actions and nothing else of the findings."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.permissions import permission_required
from core.confirmation import Row, announce, confirmation_page
from core.forms import add_service_errors
from core.templatetags.core_tags import roman  # the filter: a position outside 1..3999 shows as itself

from .. import selectors, services
from ..forms import ActionResponseForm, AgencyActionForm, AssuranceForm, LearningPointForm
from ..models import AgencyAction, CaseAssurance


def _findings_url(case, anchor=""):
    return reverse("reviews:findings", kwargs={"case_pk": case.pk}) + anchor


def _findings_context(case, *, point_form=None, assurance_form=None, action_form=None):
    assurance = CaseAssurance.objects.filter(case=case).select_related("recorded_by").first()
    return {
        "case": case,
        "audit": case.audit,
        "points": selectors.learning_point_list(case=case),
        "assurance": assurance,
        "actions": selectors.case_action_list(case=case),
        "point_form": point_form or LearningPointForm(),
        "assurance_form": assurance_form or AssuranceForm(instance=assurance, case=case),
        "action_form": action_form or AgencyActionForm(case=case),
    }


def _render_findings(request, case, status=200, **forms):
    return render(request, "reviews/findings.html", _findings_context(case, **forms), status=status)


@permission_required("read_cases")
@require_safe
def findings(request, case_pk):
    case = selectors.case_review_get_for_user(request=request, pk=case_pk, what="findings")
    return _render_findings(request, case)


@permission_required("read_cases")
@require_POST
def learning_point_add(request, case_pk):
    # A refused form shows the findings page again: the read is logged.
    case = selectors.case_review_get_for_user(request=request, pk=case_pk, what="findings")
    form = LearningPointForm(request.POST, guard_audit=case.audit)
    if form.is_valid():
        services.learning_point_add(case=case, actor=request.user, **form.cleaned_data)
        messages.success(request, "Learning point added.")
        return redirect(_findings_url(case, "#learning"))
    return _render_findings(request, case, status=400, point_form=form)


def _point_for_reader(request, case_pk, point_pk, what="learning_point"):
    case = selectors.case_review_get_for_user(request=request, pk=case_pk, what=None)
    return case, selectors.learning_point_get_for_user_to_edit(
        request=request, case=case, pk=point_pk, what=what
    )


@permission_required("read_cases")
def learning_point_edit(request, case_pk, point_pk):
    case, point = _point_for_reader(request, case_pk, point_pk)
    form = LearningPointForm(request.POST or None, instance=point, guard_audit=case.audit)
    if request.method == "POST" and form.is_valid():
        services.learning_point_update(point=point, actor=request.user, **form.cleaned_data)
        messages.success(request, "Learning point saved.")
        return redirect(_findings_url(case, f"#point-{point.pk}"))
    return render(
        request,
        "reviews/learning_point_form.html",
        {"form": form, "case": case, "audit": case.audit, "point": point},
        status=400 if request.method == "POST" else 200,
    )


@permission_required("read_cases")
@require_POST
def learning_point_move(request, case_pk, point_pk):
    case, point = _point_for_reader(request, case_pk, point_pk, what=None)
    try:
        services.learning_point_move(point=point, actor=request.user, direction=request.POST.get("direction"))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(_findings_url(case, "#learning"))


@permission_required("read_cases")
@require_http_methods(["GET", "POST"])
def learning_point_delete(request, case_pk, point_pk):
    """GET: the confirmation page, showing the point; POST: remove it and renumber the others."""
    case, point = _point_for_reader(request, case_pk, point_pk)
    number = roman(point.position)
    if request.method == "GET":
        return confirmation_page(
            request,
            caption=f"{case.pseudonym}, {case.audit}",
            title=f"Remove learning point {number}?",
            summary=[Row("Kind", point.get_kind_display()), Row("Learning point", point.text)],
            paragraphs=[
                "The points after it are renumbered. The report's next draft leaves it out; the history "
                "keeps a record of its text, who removed it and when.",
            ],
            button="Remove learning point",
            cancel_url=_findings_url(case, "#learning"),
        )
    services.learning_point_delete(point=point, actor=request.user)
    announce(
        request,
        title=f"Learning point {number} removed",
        next_steps=[
            "The other learning points of this case are renumbered. Build the report's draft again to see "
            "them as the Board will.",
        ],
    )
    return redirect(_findings_url(case, "#learning"))


@permission_required("read_cases")
@require_POST
def assurance_edit(request, case_pk):
    # A refused form shows the findings page again: the read is logged.
    case = selectors.case_review_get_for_user(request=request, pk=case_pk, what="findings")
    form = AssuranceForm(request.POST, case=case, guard_audit=case.audit)
    if form.is_valid():
        try:
            services.assurance_record(case=case, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Assurance saved.")
            return redirect(_findings_url(case, "#assurance"))
    return _render_findings(request, case, status=400, assurance_form=form)


@permission_required("read_cases")
@require_POST
def action_add(request, case_pk):
    # A refused form shows the findings page again: the read is logged.
    case = selectors.case_review_get_for_user(request=request, pk=case_pk, what="findings")
    form = AgencyActionForm(request.POST, case=case)
    if form.is_valid():
        services.agency_action_add(case=case, actor=request.user, **form.cleaned_data)
        messages.success(request, "Confidential action added.")
        return redirect(_findings_url(case, "#actions"))
    return _render_findings(request, case, status=400, action_form=form)


@permission_required("read_cases")
def action_edit(request, case_pk, action_pk):
    case = selectors.case_review_get_for_user(request=request, pk=case_pk, what=None)
    action = selectors.agency_action_get_for_user_to_edit(request=request, case=case, pk=action_pk)
    form = AgencyActionForm(request.POST or None, instance=action, case=case)
    if request.method == "POST" and form.is_valid():
        services.agency_action_update(action=action, actor=request.user, **form.cleaned_data)
        messages.success(request, "Action saved.")
        return redirect(_findings_url(case, "#actions"))
    return render(
        request,
        "reviews/action_form.html",
        {"form": form, "case": case, "audit": case.audit, "action": action},
        status=400 if request.method == "POST" else 200,
    )


# --- Confidential actions across audits ---------------------------------------------------------


@permission_required("read_case_data")
@require_safe
def action_list(request):
    """Contributors: their own agency's actions. Panel and Business Manager: the actions they monitor."""
    actions = selectors.agency_action_list_get_for_user(request=request).order_by("status", "due_date", "pk")
    context = {
        "actions": actions,
        "today": timezone.localdate(),
        "open_statuses": [
            AgencyAction.Status.OPEN,
            AgencyAction.Status.IN_PROGRESS,
            AgencyAction.Status.RESPONDED,
        ],
    }
    return render(request, "reviews/action_list.html", context)


@permission_required("use_agency_portal")
def action_respond(request, action_pk):
    action = selectors.agency_action_get_for_user(request=request, pk=action_pk)
    form = ActionResponseForm(
        request.POST or None,
        initial={"response": action.agency_response, "completed": action.status == action.Status.COMPLETED},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.agency_action_respond(action=action, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Your response has been recorded. The audit group will review it.")
            return redirect("reviews:action_list")
    return render(
        request,
        "reviews/action_respond.html",
        {"form": form, "action": action},
        status=400 if request.method == "POST" else 200,
    )
