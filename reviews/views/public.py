"""The invitee's accept/decline page: no login, reached only through the signed personal link.

A tampered or expired link, or one whose invitation is gone, gets a plain explanation (400/410/404),
never a traceback. An answered link shows the answer recorded and changes nothing.
"""

import hashlib

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accesslog.services import access_record
from core.forms import add_service_errors
from notifications.services import withheld_tell_business_managers
from reports.leakguard import register_hits

from .. import selectors, services
from ..forms import RespondForm
from ..invitations import TokenExpired, TokenInvalid, case_terms, invitation_pk_from_token
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
        pk = invitation_pk_from_token(token)
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
    invitation = selectors.invitation_for_token(pk=pk)
    if invitation is None:
        return _problem(
            request,
            title="Invitation not found",
            message="This invitation has been withdrawn. Please reply to the invitation e-mail if you have questions.",
            status=404,
        )
    meeting = invitation.meeting
    access_record(request=request, what="invitation", obj=invitation, case=meeting.case)
    context = {"invitation": invitation, "meeting": meeting, "case": meeting.case}
    context["withheld"] = _withheld_details(invitation, meeting)
    answered = invitation.response != invitation.Response.PENDING
    closed = meeting.status != ReflectivePracticeMeeting.Status.SCHEDULED
    if answered or closed:
        return render(
            request, "reviews/invitation_respond.html", {**context, "closed": closed and not answered}
        )

    form = RespondForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_respond(
                invitation=invitation,
                response=form.cleaned_data["response"],
                reason=form.cleaned_data["reason"],
            )
        except services.InvitationAlreadyAnswered as exc:
            invitation = exc.args[0]
        except ValidationError as exc:
            add_service_errors(form, exc)
            return render(request, "reviews/invitation_respond.html", {**context, "form": form}, status=400)
        return render(
            request,
            "reviews/invitation_respond.html",
            {**context, "invitation": invitation, "just_answered": True},
        )
    status = 400 if request.method == "POST" else 200
    return render(request, "reviews/invitation_respond.html", {**context, "form": form}, status=status)
