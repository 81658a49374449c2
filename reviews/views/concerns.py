"""Immediate safeguarding concerns: raised by the panel or a contributor, acknowledged and acted on by
the agency, resolved by the Business Manager or panel. Every page is scoped and access-logged."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from accounts.permissions import can_resolve_concern, can_respond_to_concern, permission_required
from core.forms import add_service_errors

from .. import concerns as services
from .. import selectors
from ..forms import ConcernAcknowledgeForm, ConcernForm


@permission_required("read_case_data")
def concern_raise(request, case_pk):
    case = selectors.concern_case_get_for_user(request=request, pk=case_pk)
    agencies = services.agencies_to_act(case)
    initial = {"urgency": "immediate"}
    if request.GET.get("agency", "").isdigit():
        initial["agency"] = int(request.GET["agency"])
    form = ConcernForm(request.POST or None, agencies=agencies, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            concern = services.concern_raise(case=case, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"Concern raised. The Business Manager and {concern.agency.name}'s senior manager have been "
                "e-mailed with a link to it.",
            )
            return redirect("reviews:concern_detail", concern_pk=concern.pk)
    return render(
        request,
        "reviews/concern_form.html",
        {"case": case, "audit": case.audit, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@permission_required("read_case_data")
@require_safe
def concern_list(request):
    concerns = selectors.concern_list_get_for_user(request=request)
    return render(request, "reviews/concern_list.html", {"concerns": concerns})


def _detail(request, concern, *, ack_form=None, status=200):
    may_respond = can_respond_to_concern(request.user, concern)
    return render(
        request,
        "reviews/concern_detail.html",
        {
            "concern": concern,
            "case": concern.case,
            "audit": concern.case.audit,
            "may_respond": may_respond and concern.status != concern.Status.RESOLVED,
            "may_resolve": concern.status == concern.Status.ACKNOWLEDGED
            and can_resolve_concern(request.user, concern),
            "ack_form": ack_form
            or ConcernAcknowledgeForm(
                initial={
                    "acknowledged_on": concern.acknowledged_on or timezone.localdate(),
                    "action_taken": concern.action_taken,
                    "action_taken_on": concern.action_taken_on,
                }
            ),
        },
        status=status,
    )


@permission_required("read_case_data")
@require_safe
def concern_detail(request, concern_pk):
    return _detail(request, selectors.concern_get_for_user(request=request, pk=concern_pk))


@permission_required("read_case_data")
@require_POST
def concern_acknowledge(request, concern_pk):
    # A refused form shows the concern again: the read is logged.
    concern = selectors.concern_get_for_user(request=request, pk=concern_pk)
    if not can_respond_to_concern(request.user, concern):
        raise PermissionDenied
    form = ConcernAcknowledgeForm(request.POST)
    if form.is_valid():
        try:
            services.concern_acknowledge(concern=concern, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Acknowledgement recorded.")
            return redirect("reviews:concern_detail", concern_pk=concern.pk)
    return _detail(request, concern, ack_form=form, status=400)


@permission_required("read_case_data")
@require_POST
def concern_resolve(request, concern_pk):
    concern = selectors.concern_get_for_user(request=request, pk=concern_pk)
    try:
        services.concern_resolve(concern=concern, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Concern resolved.")
    return redirect("reviews:concern_detail", concern_pk=concern.pk)
