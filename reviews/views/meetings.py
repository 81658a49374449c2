"""Reflective practice meetings: scheduling, invitations, attendance. The Business Manager runs them;
the audit's panel reads them."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from accesslog.services import access_record
from accounts.permissions import business_manager_required, case_reader_required
from core.forms import add_service_errors

from .. import selectors, services
from ..forms import AttendanceForm, InvitationForm, MeetingForm
from ._common import case_for_reader, or_404


def _lead_warning(request, meeting):
    if selectors.meeting_inside_lead_time(meeting):
        messages.warning(
            request,
            f"This meeting is less than {settings.MEETING_INVITATION_LEAD_DAYS} days away: invitations sent now "
            "are inside the lead time, and practitioners may not be able to attend.",
        )


def _meeting_context(request, meeting, *, invitation_form=None, attendance_form=None):
    invitations = list(meeting.invitations.all())
    rows = [(inv, selectors.invitation_sent_late(inv, meeting)) for inv in invitations]
    context = {
        "meeting": meeting,
        "case": meeting.case,
        "audit": meeting.case.audit,
        "invitation_rows": rows,
        "unsent_count": sum(1 for inv in invitations if inv.sent_at is None),
        "late_count": sum(1 for _, late in rows if late),
        "inside_lead_time": selectors.meeting_inside_lead_time(meeting),
        "lead_days": selectors.lead_time_days(),
        "lead_deadline": selectors.lead_time_deadline(meeting),
        "rates": selectors.meeting_rates(meeting=meeting),
    }
    if request.user.is_business_manager:
        if meeting.status == meeting.Status.SCHEDULED:
            context["invitation_form"] = invitation_form or InvitationForm(meeting=meeting)
        context["attendance_form"] = attendance_form or AttendanceForm(invitations=invitations)
        context["can_record_attendance"] = bool(invitations) and meeting.status != meeting.Status.CANCELLED
    return context


def _meeting_for_reader(request, meeting_pk):
    return or_404(selectors.meeting_detail_for_user(user=request.user, meeting_pk=meeting_pk))


@business_manager_required
def meeting_create(request, case_pk):
    case = case_for_reader(request, case_pk)
    if case.method != case.Method.MEETING:
        messages.error(request, "Reflective practice meetings are for cases whose audit method is a meeting.")
        return redirect("cases:case_detail", case_pk=case.pk)
    form = MeetingForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_schedule(case=case, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Meeting scheduled.")
            _lead_warning(request, meeting)
            return redirect("reviews:meeting_detail", meeting_pk=meeting.pk)
    return render(
        request,
        "reviews/meeting_form.html",
        {
            "form": form,
            "case": case,
            "audit": case.audit,
            "title": f"Schedule a meeting: {case.pseudonym}",
            "lead_days": selectors.lead_time_days(),
        },
        status=400 if request.method == "POST" else 200,
    )


@business_manager_required
def meeting_edit(request, meeting_pk):
    meeting = _meeting_for_reader(request, meeting_pk)
    case = meeting.case
    access_record(request=request, what="meeting", obj=meeting, case=case)
    form = MeetingForm(request.POST or None, instance=meeting, case=case)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.meeting_update(
                meeting=meeting, actor=request.user, panel_attending=data.pop("panel_attending"), **data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Meeting saved.")
            _lead_warning(request, meeting)
            return redirect("reviews:meeting_detail", meeting_pk=meeting.pk)
    return render(
        request,
        "reviews/meeting_form.html",
        {
            "form": form,
            "case": case,
            "audit": case.audit,
            "meeting": meeting,
            "title": f"Edit meeting: {case.pseudonym}",
            "lead_days": selectors.lead_time_days(),
        },
        status=400 if request.method == "POST" else 200,
    )


@case_reader_required
@require_safe
def meeting_detail(request, meeting_pk):
    meeting = _meeting_for_reader(request, meeting_pk)
    access_record(request=request, what="meeting", obj=meeting, case=meeting.case)
    return render(request, "reviews/meeting_detail.html", _meeting_context(request, meeting))


@business_manager_required
@require_POST
def invitation_add(request, meeting_pk):
    meeting = _meeting_for_reader(request, meeting_pk)
    form = InvitationForm(request.POST, meeting=meeting)
    if form.is_valid():
        try:
            services.invitation_add(meeting=meeting, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, f"{form.cleaned_data['name']} added. Send the invitations when the list is ready."
            )
            return redirect("reviews:meeting_detail", meeting_pk=meeting.pk)
    access_record(request=request, what="meeting", obj=meeting, case=meeting.case)
    return render(
        request,
        "reviews/meeting_detail.html",
        _meeting_context(request, meeting, invitation_form=form),
        status=400,
    )


@business_manager_required
@require_POST
def invitations_send(request, meeting_pk):
    meeting = _meeting_for_reader(request, meeting_pk)
    try:
        sent = services.invitations_send(meeting=meeting, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("reviews:meeting_detail", meeting_pk=meeting.pk)
    withheld = meeting.invitations.filter(sent_at__isnull=True).count()
    if sent:
        messages.success(request, f"{len(sent)} invitation{'s' if len(sent) != 1 else ''} sent.")
    elif not withheld:
        messages.info(request, "Every invitation has already been sent.")
    if withheld:
        messages.error(
            request,
            f"{withheld} invitation{'s were' if withheld != 1 else ' was'} withheld by the leak guard: the "
            "terms of reference, venue or another text would carry a term of the case's register. The "
            "notifications log and your e-mail say where; fix the text and send again.",
        )
    _lead_warning(request, meeting)
    return redirect("reviews:meeting_detail", meeting_pk=meeting.pk)


@business_manager_required
@require_POST
def attendance_record(request, meeting_pk):
    meeting = _meeting_for_reader(request, meeting_pk)
    form = AttendanceForm(request.POST, invitations=meeting.invitations.all())
    if form.is_valid():
        try:
            services.attendance_record(meeting=meeting, actor=request.user, records=form.records())
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for pk, errors in exc.error_dict.items():
                    form.add_error(f"reason_{pk}", errors)
            else:
                form.add_error(None, exc)
        else:
            messages.success(request, "Attendance recorded; the meeting is marked held.")
            return redirect("reviews:meeting_detail", meeting_pk=meeting.pk)
    meeting = _meeting_for_reader(request, meeting_pk)
    access_record(request=request, what="meeting", obj=meeting, case=meeting.case)
    return render(
        request,
        "reviews/meeting_detail.html",
        _meeting_context(request, meeting, attendance_form=form),
        status=400,
    )
