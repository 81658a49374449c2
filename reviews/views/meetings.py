"""Reflective practice meetings: scheduling, invitations, attendance. The Business Manager runs them;
the audit's panel reads them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from accounts.permissions import can_manage_audit, permission_required
from core.confirmation import announce
from core.forms import add_service_errors

from .. import selectors, services
from ..forms import AttendanceForm, InvitationEditForm, InvitationForm, MeetingForm


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
    if can_manage_audit(request.user, meeting.case.audit):
        if meeting.status == meeting.Status.SCHEDULED:
            context["invitation_form"] = invitation_form or InvitationForm(meeting=meeting)
        context["attendance_form"] = attendance_form or AttendanceForm(invitations=invitations)
        context["can_record_attendance"] = selectors.attendance_recordable(meeting) and bool(invitations)
        context["can_change_invitees"] = selectors.invitees_changeable(meeting)
    return context


@permission_required("manage_audits")
def meeting_create(request, case_pk):
    case = selectors.case_review_get_for_user_to_edit(request=request, pk=case_pk, what="case")
    if case.method != case.Method.MEETING:
        messages.error(request, "Reflective practice meetings are for cases whose audit method is a meeting.")
        return redirect("cases:case_detail", case_pk=case.pk)
    form = MeetingForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("confirm_inside_lead_time", None)
        try:
            meeting = services.meeting_schedule(case=case, actor=request.user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Meeting scheduled. Next, invite the practitioners.")
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


@permission_required("manage_audits")
def meeting_edit(request, meeting_pk):
    meeting = selectors.meeting_get_for_user_to_edit(request=request, pk=meeting_pk)
    case = meeting.case
    form = MeetingForm(request.POST or None, instance=meeting, case=case)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("confirm_inside_lead_time", None)
        try:
            meeting = services.meeting_update(
                meeting=meeting, actor=request.user, panel_attending=data.pop("panel_attending"), **data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            resent = len(meeting.resent)
            if resent:
                messages.success(
                    request,
                    f"Meeting moved. {resent} invitation{'s' if resent != 1 else ''} sent again with the new "
                    "details and a calendar update that moves the event.",
                )
            else:
                messages.success(request, "Meeting saved.")
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


@permission_required("read_cases")
@require_safe
def meeting_detail(request, meeting_pk):
    meeting = selectors.meeting_get_for_user(request=request, pk=meeting_pk)
    return render(request, "reviews/meeting_detail.html", _meeting_context(request, meeting))


@permission_required("manage_audits")
@require_POST
def invitation_add(request, meeting_pk):
    # A refused form shows the meeting page again: the read is logged.
    meeting = selectors.meeting_get_for_user_to_edit(request=request, pk=meeting_pk)
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
    return render(
        request,
        "reviews/meeting_detail.html",
        _meeting_context(request, meeting, invitation_form=form),
        status=400,
    )


@permission_required("manage_audits")
@require_POST
def invitations_send(request, meeting_pk):
    meeting = selectors.meeting_get_for_user_to_edit(request=request, pk=meeting_pk, what=None)
    try:
        sent = services.invitations_send(meeting=meeting, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("reviews:meeting_detail", meeting_pk=meeting.pk)
    level, text = _sent_message(meeting, sent)
    messages.add_message(request, level, text)
    return redirect("reviews:meeting_detail", meeting_pk=meeting.pk)


def _sent_message(meeting, sent):
    """One message after sending: how many went, how many the leak guard kept back, and whether they
    went inside the lead time (the page itself shows the details)."""
    withheld = meeting.invitations.filter(sent_at__isnull=True).count()
    parts = []
    if sent:
        parts.append(f"{len(sent)} invitation{'s' if len(sent) != 1 else ''} sent")
    elif not withheld:
        parts.append("Every invitation has already been sent")
    if withheld:
        parts.append(
            f"{withheld} invitation{'s were' if withheld != 1 else ' was'} withheld by the leak guard "
            "(the notifications log says which text to fix)"
        )
    text = "; ".join(parts) + "."
    level = messages.WARNING if withheld else (messages.SUCCESS if sent else messages.INFO)
    return level, text[0].upper() + text[1:]


def _invitation(request, meeting_pk, invitation_pk, what=None):
    meeting = selectors.meeting_get_for_user_to_edit(request=request, pk=meeting_pk, what=what)
    invitation = selectors.invitation_get_for_user_to_edit(request=request, meeting=meeting, pk=invitation_pk)
    return meeting, invitation


@permission_required("manage_audits")
def invitation_edit(request, meeting_pk, invitation_pk):
    """Correct an invitee; a new address is sent a new invitation (the old link stops working)."""
    meeting, invitation = _invitation(request, meeting_pk, invitation_pk, what="meeting")
    form = InvitationEditForm(request.POST or None, instance=invitation, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_update(
                invitation=invitation, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if invitation.sent_at is None:
                messages.success(
                    request, f"{invitation.name}'s details saved. Send the invitation to the new address."
                )
            else:
                messages.success(request, f"{invitation.name}'s details saved.")
            return redirect(
                reverse("reviews:meeting_detail", kwargs={"meeting_pk": meeting.pk}) + "#invitations"
            )
    return render(
        request,
        "reviews/invitation_edit.html",
        {
            "form": form,
            "meeting": meeting,
            "invitation": invitation,
            "case": meeting.case,
            "audit": meeting.case.audit,
        },
        status=400 if request.method == "POST" else 200,
    )


@permission_required("manage_audits")
def invitation_remove(request, meeting_pk, invitation_pk):
    """Check page, then remove: the invitee's link then says the invitation was withdrawn."""
    # The check page shows the meeting and the invitee: that read is logged.
    meeting, invitation = _invitation(
        request, meeting_pk, invitation_pk, what="meeting" if request.method != "POST" else None
    )
    if request.method == "POST":
        try:
            services.invitation_remove(invitation=invitation, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            announce(
                request,
                title=f"{invitation.name} removed from the meeting.",
                next_steps=[
                    "Their invitation link now says the invitation was withdrawn. Nobody is e-mailed: tell "
                    "them yourself if they expect to come."
                    if invitation.sent_at
                    else "No invitation had been sent to them, so nobody is told.",
                ],
            )
        return redirect(reverse("reviews:meeting_detail", kwargs={"meeting_pk": meeting.pk}) + "#invitations")
    return render(
        request,
        "reviews/invitation_remove.html",
        {"meeting": meeting, "invitation": invitation, "case": meeting.case, "audit": meeting.case.audit},
    )


@permission_required("manage_audits")
@require_POST
def invitation_resend(request, meeting_pk, invitation_pk):
    meeting, invitation = _invitation(request, meeting_pk, invitation_pk)
    try:
        went = services.invitation_resend(invitation=invitation, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if went:
            messages.success(
                request,
                f"Invitation sent again to {invitation.email} with a new link; the earlier link no longer works.",
            )
        else:
            messages.error(
                request,
                "The leak guard withheld the invitation: the notifications log says which text to fix.",
            )
    return redirect(reverse("reviews:meeting_detail", kwargs={"meeting_pk": meeting.pk}) + "#invitations")


@permission_required("manage_audits")
@require_POST
def attendance_record(request, meeting_pk):
    meeting = selectors.meeting_get_for_user_to_edit(request=request, pk=meeting_pk, what=None)
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
                if not selectors.attendance_recordable(meeting):
                    # The form is not on the page before the start: say why here.
                    messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Attendance recorded; the meeting is marked held.")
            return redirect("reviews:meeting_detail", meeting_pk=meeting.pk)
    # The refused form shows the meeting page again, read afresh: that read is logged.
    meeting = selectors.meeting_get_for_user_to_edit(request=request, pk=meeting_pk)
    return render(
        request,
        "reviews/meeting_detail.html",
        _meeting_context(request, meeting, attendance_form=form),
        status=400,
    )
