"""The invitee's accept/decline page: no login, reached only through the signed personal link.

A tampered or expired link, one replaced by a newer invitation, or one whose invitation is gone gets
a plain explanation (400/410/404), never a traceback. The invitee may change their answer until the
meeting starts; after that the link shows the answer recorded and changes nothing.
"""

import hashlib

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from cases.registers import case_terms
from core.forms import add_service_errors
from notifications.guard import register_hits
from notifications.services import withheld_tell_business_managers

from .. import selectors, services
from ..forms import RespondForm
from ..invitations import TokenExpired, TokenInvalid, invitation_ref_from_token
from ..models import ReflectivePracticeMeeting


def _problem(request, *, title, message, status):
    return render(
        request, "reviews/invitation_problem.html", {"title": title, "message": message}, status=status
    )


def _withheld_details(invitation, meeting):
    """True when the page's meeting details (venue, terms of reference, names) would carry a term of
    the case's register: they are then not shown, and the Business Manager is told where, once."""
    shown = {
        "venue": meeting.venue,
        "terms of reference": meeting.terms_of_reference,
        "invitation": f"{invitation.role} {invitation.agency.name} {meeting.case.pseudonym}",
    }
    terms = case_terms(meeting.case)
    findings = [
        (f"RSVP page's {where}", hit) for where, text in shown.items() for hit in register_hits(text, terms)
    ]
    if not findings:
        return False
    digest = hashlib.sha256(repr(sorted((w, h.key) for w, h in findings)).encode()).hexdigest()[:16]
    withheld_tell_business_managers(
        key=f"rsvp:{invitation.pk}:{digest}",
        what=f"the details on the answer page of an invitation to {invitation.email}",
        findings=findings,
        about=meeting,
    )
    return True


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def invitation_respond(request, token):
    try:
        pk, link_version = invitation_ref_from_token(token)
    except TokenExpired:
        return _problem(
            request,
            title="This link has expired",
            message="Your invitation link is too old to use. Please reply to the invitation e-mail instead.",
            status=410,
        )
    except TokenInvalid:
        return _problem(
            request,
            title="This link is not valid",
            message="The link may have been copied incompletely. Please use the link in your invitation "
            "e-mail exactly as it was sent, or reply to the e-mail.",
            status=400,
        )
    invitation = selectors.invitation_for_token(request=request, pk=pk)
    if invitation is None:
        return _problem(
            request,
            title="Invitation not found",
            message="This invitation has been withdrawn. Please reply to the invitation e-mail if you have questions.",
            status=404,
        )
    if link_version != invitation.link_version:
        return _problem(
            request,
            title="This link has been replaced",
            message="A newer invitation to this meeting was sent, with a new link: please use the link in the "
            "most recent invitation e-mail. This one no longer works.",
            status=410,
        )
    meeting = invitation.meeting
    context = {"invitation": invitation, "meeting": meeting, "case": meeting.case}
    context["withheld"] = _withheld_details(invitation, meeting)
    closed = (
        meeting.status != ReflectivePracticeMeeting.Status.SCHEDULED or meeting.starts_at <= timezone.now()
    )
    if closed:
        return render(request, "reviews/invitation_respond.html", {**context, "closed": True})

    initial = {}
    if invitation.response != invitation.Response.PENDING:
        initial = {"response": invitation.response, "reason": invitation.response_reason}
    form = RespondForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_respond(
                invitation=invitation,
                response=form.cleaned_data["response"],
                reason=form.cleaned_data["reason"],
            )
        except services.InvitationClosed:
            return render(request, "reviews/invitation_respond.html", {**context, "closed": True})
        except ValidationError as exc:
            add_service_errors(form, exc)
            return render(request, "reviews/invitation_respond.html", {**context, "form": form}, status=400)
        return render(
            request,
            "reviews/invitation_respond.html",
            {
                **context,
                "invitation": invitation,
                "just_answered": True,
                "form": RespondForm(
                    initial={"response": invitation.response, "reason": invitation.response_reason}
                ),
            },
        )
    status = 400 if request.method == "POST" else 200
    return render(request, "reviews/invitation_respond.html", {**context, "form": form}, status=status)
