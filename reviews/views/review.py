"""The case review page (returns, timeline, notes), circulation of the pack, and the pack PDF."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.permissions import can_manage_audit, permission_required
from cases.timeline import case_timeline, timeline_link_prefix, timeline_position
from core.forms import add_service_errors

from .. import pack, selectors, services
from ..forms import CirculateForm, NoteForm


def _review_context(request, case, note_form=None, circulate_form=None, judgement_form=None):
    """The review page's context; a form posted with mistakes is passed back to be shown with them."""
    return {
        "case": case,
        "audit": case.audit,
        "returns": selectors.review_returns(case=case, with_entries=False),
        "pending": selectors.pending_returns(case=case),
        "timeline": case_timeline(
            case=case, link_prefix=timeline_link_prefix(request), **timeline_position(request)
        ),
        "notes": selectors.note_list(case=case),
        "note_form": note_form or NoteForm(),
        "review_mark": selectors.review_mark_for(case=case, user=request.user),
        "circulate_form": circulate_form
        or (
            CirculateForm(initial={"circulated_on": timezone.localdate()})
            if can_manage_audit(request.user, case.audit)
            else None
        ),
        "judgement_form": judgement_form,
    }


def review_page_again(request, case, **forms):
    """The review page once more, with a form posted to another URL and its errors (status 400):
    the error summary links to the fields, and what was typed is kept."""
    return render(request, "reviews/case_review.html", _review_context(request, case, **forms), status=400)


@permission_required("read_cases")
@require_safe
def case_review(request, case_pk):
    case = selectors.case_review_get_for_user(request=request, pk=case_pk)
    return render(request, "reviews/case_review.html", _review_context(request, case))


@permission_required("read_cases")
@require_POST
def note_add(request, case_pk):
    case = selectors.case_review_get_for_user(request=request, pk=case_pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.case_note_add(case=case, author=request.user, body=form.cleaned_data["body"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Note added.")
            return redirect(reverse("reviews:case_review", kwargs={"case_pk": case.pk}) + "#notes")
    return render(
        request, "reviews/case_review.html", _review_context(request, case, note_form=form), status=400
    )


@permission_required("read_cases")
def note_edit(request, case_pk, note_pk):
    """Only the note's author may edit it (anyone else: 404); the previous text is kept."""
    note = selectors.note_get_for_user_to_edit(request=request, case_pk=case_pk, pk=note_pk)
    case = note.case
    form = NoteForm(request.POST or None, initial={"body": note.body})
    if request.method == "POST" and form.is_valid():
        services.case_note_edit(note=note, actor=request.user, body=form.cleaned_data["body"])
        messages.success(request, "Note saved.")
        return redirect(reverse("reviews:case_review", kwargs={"case_pk": case.pk}) + f"#note-{note.pk}")
    return render(
        request,
        "reviews/note_edit.html",
        {"form": form, "note": note, "case": case, "audit": case.audit},
        status=400 if request.method == "POST" else 200,
    )


@permission_required("manage_audits")
@require_POST
def case_pack_circulate(request, case_pk):
    case = selectors.case_review_get_for_user_to_edit(request=request, pk=case_pk)
    form = CirculateForm(request.POST)
    if not form.is_valid():
        return review_page_again(request, case, circulate_form=form)
    day = form.cleaned_data["circulated_on"]
    if day == timezone.localdate():
        circulated_at = timezone.now()
    else:
        circulated_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))
    _, sent = services.case_pack_circulate(case=case, actor=request.user, circulated_at=circulated_at)
    messages.success(
        request,
        f"Case pack marked circulated on {day:%-d %B %Y}; {sent} panel member{'s' if sent != 1 else ''} e-mailed.",
    )
    return redirect("reviews:case_review", case_pk=case.pk)


@permission_required("read_cases")
@require_POST
def case_review_mark(request, case_pk):
    """A panel member marks the circulated case read (it leaves their "Needs your attention" list)."""
    case = selectors.case_review_get_for_user(request=request, pk=case_pk, what=None)
    try:
        services.case_review_mark(case=case, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{case.pseudonym} marked as reviewed by you.")
    return redirect("reviews:case_review", case_pk=case.pk)


@permission_required("read_cases")
@require_safe
def case_pack_pdf(request, case_pk):
    """The reader's case pack: the stored PDF of the current version, or (while the worker prepares
    it) the page that shows its progress."""
    case = selectors.case_review_get_for_user(request=request, pk=case_pk, what=None)
    pdf = pack.case_pack_download(request=request, case=case)
    if pdf is None:
        return redirect("reviews:case_pack_status", case_pk=case.pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    slug = case.pseudonym.lower().replace(" ", "-")
    response["Content-Disposition"] = f'attachment; filename="case-pack-{slug}.pdf"'
    return response


@permission_required("read_cases")
@require_http_methods(["GET", "HEAD", "POST"])
def case_pack_status(request, case_pk):
    """How far the reader's case pack has got; a failed one can be tried again (POST)."""
    case = selectors.case_review_get_for_user(request=request, pk=case_pk, what="case_pack_status")
    if request.method == "POST":
        pack.case_pack_prepare(case=case, reader=request.user, retry=True)
        return redirect("reviews:case_pack_status", case_pk=case.pk)
    build = pack.case_pack_current(case=case, reader=request.user)
    template = (
        "reviews/_case_pack_status.html"
        if request.headers.get("HX-Request")
        else "reviews/case_pack_status.html"
    )
    return render(request, template, {"case": case, "build": build})
