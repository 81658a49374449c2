from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from accounts.permissions import (
    allows,
    can_comment_on_recommendation,
    can_decide_recommendation,
    can_open_recommendation,
    can_respond_to_recommendation,
    permission_required,
)
from cases.selectors import audit_get_for_user_to_edit
from core.forms import add_service_errors

from . import selectors, services
from .export import tracker_csv, tracker_xlsx
from .filters import TrackerFilter
from .forms import BoardMeetingForm, CommentForm, DecisionForm, RecommendationForm, ResponseForm
from .models import Recommendation, RecommendationActivity
from .outbound import tracker_rows_checked
from .tracker import rag_state

# --- Board home and tracker ------------------------------------------------------------------

TRACKER_PAGE_SIZE = 50


class KnownCountPaginator(Paginator):
    """A paginator told its count (the tracker's aggregate already has it): no second COUNT query."""

    def __init__(self, *args, count, **kwargs):
        super().__init__(*args, **kwargs)
        self._known_count = count

    @property
    def count(self):
        return self._known_count


BOARD_HOME_CHANGES_SHOWN = 10


@permission_required("read_published")
@require_safe
def board_home(request):
    """The Board's home: what is due at the next Board meeting, what changed since the last one, the
    published reports (the current version of each marked) and the tracker summary; no case detail."""
    today = timezone.localdate()
    counts = selectors.rag_counts_for_user(user=request.user)
    last_meeting, next_meeting = selectors.board_meetings_around(today=today)
    due = selectors.due_at_next_board_for_user(user=request.user, next_meeting=next_meeting, today=today)
    changes = selectors.changes_since_for_user(
        user=request.user, since=last_meeting.date if last_meeting else None, today=today
    )
    # What changed is a summary: the most recent few of each kind, the rest counted and one click away
    # in the tracker (a batch of assurances must not turn the home page into the whole tracker).
    assured = changes["assured"][:BOARD_HOME_CHANGES_SHOWN]
    overdue = changes["overdue"][:BOARD_HOME_CHANGES_SHOWN]
    # One leak check over every row the page shows (a row that would carry a register term is left out).
    kept = {
        rec.pk
        for rec in tracker_rows_checked(
            list({r.pk: r for r in [*due, *assured, *overdue]}.values()),
            channel="Board home",
        )
    }
    return render(
        request,
        "recommendations/board_home.html",
        {
            "counts": counts,
            "total": sum(n for _, n in counts),
            "chart": _chart(counts),
            "last_meeting": last_meeting,
            "next_meeting": next_meeting,
            "due_next": [r for r in due if r.pk in kept],
            "assured_since": [r for r in assured if r.pk in kept],
            "overdue_since": [r for r in overdue if r.pk in kept],
            "assured_more": len(changes["assured"]) - len(assured),
            "overdue_more": len(changes["overdue"]) - len(overdue),
        },
    )


def _chart(counts, query=None):
    """Bars for a server-rendered SVG (attributes, not style: the CSP forbids inline styles). Each bar
    links to the tracker showing that state, keeping the other filters in `query` (a QueryDict)."""
    biggest = max((n for _, n in counts), default=0) or 1
    tracker = reverse("recommendations:tracker")
    bars = []
    for i, (state, n) in enumerate(counts):
        params = query.copy() if query is not None else QueryDict(mutable=True)
        for key in ("state", "page", "show"):
            params.pop(key, None)
        params["state"] = state.value
        bars.append(
            {
                "state": state,
                "count": n,
                "width": round(300 * n / biggest),
                "y": i * 28,
                "url": f"{tracker}?{params.urlencode()}",
            }
        )
    return bars


def _tracker_filter(request):
    return TrackerFilter(
        request.GET or None,
        queryset=selectors.tracker_queryset_for_user(user=request.user),
        user=request.user,
    )


@permission_required("read_published")
@require_safe
def tracker(request):
    """The recommendations the user may see, open ones unless asked for all, with their RAG state,
    filterable and a page at a time; a chart of the counts per state (one aggregate query)."""
    tracker_filter = _tracker_filter(request)
    counts = tracker_filter.state_counts()
    shown = set(tracker_filter.shown_states())
    paginator = KnownCountPaginator(
        tracker_filter.qs if tracker_filter.valid else Recommendation.objects.none(),
        TRACKER_PAGE_SIZE,
        count=sum(n for state, n in counts if state.value in shown),
    )
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    all_query = query.copy()
    all_query["show"] = "all"
    rows = page.object_list
    if allows(
        request.user, "sit_on_board"
    ):  # the Board is outside every panel: nothing of a register reaches it
        rows = tracker_rows_checked(list(rows), channel="Board's tracker page")
    return render(
        request,
        "recommendations/tracker.html",
        {
            "filter": tracker_filter,
            "page": page,
            "rows": rows,
            "counts": counts,
            "total": sum(n for _, n in counts),
            "chart": _chart(counts, query),
            "query": f"?{query.urlencode()}" if query else "",
            "one_audit": _one_audit(tracker_filter, rows),
            "page_query": f"{query.urlencode()}&" if query else "",
            "show_all_query": all_query.urlencode(),
            "can_open": can_open_recommendation(request.user),
            "due_soon_days": settings.RECOMMENDATION_DUE_SOON_DAYS,
        },
    )


def _one_audit(tracker_filter, rows):
    """True when every row shown is of one audit (filtered to it, or only one has recommendations):
    the audit column would repeat one title, so the caption names it instead."""
    chosen = tracker_filter.form.cleaned_data.get("audit") if tracker_filter.valid else None
    return bool(chosen) or len({r.audit_id for r in rows}) == 1


def _export(request, kind):
    tracker_filter = _tracker_filter(request)
    rows = tracker_rows_checked(tracker_filter.rows, channel=f"tracker {kind.upper()} export")
    selectors.tracker_export_record(request=request, kind=kind)
    stamp = timezone.localdate().isoformat()
    if kind == "csv":
        response = HttpResponse(tracker_csv(rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            tracker_xlsx(rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="recommendation-tracker-{stamp}.{kind}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@permission_required("read_published")
@require_safe
def tracker_export_csv(request):
    """The filtered tracker rows as CSV: exactly the rows the page shows for the same filters."""
    return _export(request, "csv")


@permission_required("read_published")
@require_safe
def tracker_export_xlsx(request):
    """The filtered tracker rows as an Excel workbook."""
    return _export(request, "xlsx")


# --- Board meetings --------------------------------------------------------------------------


@permission_required("manage_audits")
def meeting_list(request):
    """Board meetings, newest first, and a form to add one."""
    form = BoardMeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.board_meeting_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Board meeting added.")
            return redirect("recommendations:meeting_list")
    return render(
        request,
        "recommendations/meeting_list.html",
        {"meetings": selectors.board_meeting_list(), "form": form},
        status=400 if form.is_bound else 200,
    )


@permission_required("manage_audits")
def meeting_edit(request, board_meeting_pk):
    meeting = selectors.board_meeting_get_for_user_to_edit(request=request, pk=board_meeting_pk)
    form = BoardMeetingForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.board_meeting_update(
                meeting=meeting, actor=request.user, date=data["date"], title=data["title"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Board meeting saved. Recommendations due at it follow its date.")
            return redirect("recommendations:meeting_list")
    return render(
        request,
        "_form_page.html",
        {"form": form, "title": f"Edit {meeting}"},
    )


# --- Recommendations -------------------------------------------------------------------------


@permission_required("manage_audits")
def recommendation_create(request, audit_pk):
    audit = audit_get_for_user_to_edit(request=request, pk=audit_pk)
    form = RecommendationForm(request.POST or None, guard_audit=audit)
    if request.method == "POST" and form.is_valid():
        try:
            recommendation = services.recommendation_create(
                audit=audit, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Recommendation ({recommendation.letter}) drafted.")
            return redirect("cases:audit_recommendations", audit_pk=audit.pk)
    return render(
        request,
        "recommendations/recommendation_form.html",
        {"form": form, "audit": audit, "title": "Draft a recommendation"},
    )


@permission_required("manage_audits")
def recommendation_edit(request, recommendation_pk):
    recommendation = selectors.recommendation_get_for_user_to_edit(request=request, pk=recommendation_pk)
    if request.method == "POST":
        form = RecommendationForm(request.POST, guard_audit=recommendation.audit)
    else:
        form = RecommendationForm(initial=RecommendationForm.initial_for(recommendation))
    if request.method == "POST" and form.is_valid():
        try:
            services.recommendation_update(
                recommendation=recommendation, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Recommendation ({recommendation.letter}) saved.")
            return redirect("recommendations:recommendation_detail", recommendation_pk=recommendation.pk)
    return render(
        request,
        "recommendations/recommendation_form.html",
        {
            "form": form,
            "audit": recommendation.audit,
            "recommendation": recommendation,
            "title": f"Edit recommendation ({recommendation.letter})",
        },
    )


@permission_required("manage_audits")
@require_POST
def recommendation_move(request, recommendation_pk):
    recommendation = selectors.recommendation_get_for_user_to_edit(request=request, pk=recommendation_pk)
    try:
        services.recommendation_move(
            recommendation=recommendation, actor=request.user, direction=request.POST.get("direction", "")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Recommendation moved; it is now ({recommendation.letter}).")
    return redirect("cases:audit_recommendations", audit_pk=recommendation.audit_id)


def _detail_context(request, recommendation, **forms):
    user = request.user
    events = recommendation.events.select_related("actor", "actor__agency")
    if allows(user, "use_agency_portal"):
        # A contributor sees status changes and their own agency's responses, not the panel's comments
        # nor another owner agency's activity.
        events = [
            e
            for e in events
            if e.kind
            not in (
                RecommendationActivity.Kind.COMMENTED,
                RecommendationActivity.Kind.PROGRESS_UPDATE,
                RecommendationActivity.Kind.FINAL_RESPONSE,
            )
            or (e.actor and e.actor.agency_id == user.agency_id)
        ]
    can_comment = can_comment_on_recommendation(user, recommendation)
    can_respond = can_respond_to_recommendation(user, recommendation)
    can_decide = can_decide_recommendation(user, recommendation)
    context = {
        "recommendation": recommendation,
        "audit": recommendation.audit,
        "owners": recommendation.owners.order_by("name"),
        "rag": rag_state(recommendation=recommendation),
        "responses": selectors.response_list_for_user(user=user, recommendation=recommendation),
        "events": events,
        "comments": recommendation.comments.select_related("author") if can_comment else [],
        "can_comment": can_comment,
        "can_respond": can_respond,
        "comment_form": forms.get("comment_form") or (CommentForm() if can_comment else None),
        "can_decide": can_decide,
        "decision_form": forms.get("decision_form") or (DecisionForm() if can_decide else None),
    }
    return context


@permission_required("read_case_data")
@require_safe
def recommendation_detail(request, recommendation_pk):
    """A recommendation with its responses, evidence, comments (panel) and history."""
    recommendation = selectors.recommendation_get_for_user(request=request, pk=recommendation_pk)
    return render(
        request, "recommendations/recommendation_detail.html", _detail_context(request, recommendation)
    )


def recommendation_page_again(request, recommendation, **forms):
    """The recommendation's page once more with a form posted to another URL (a panel's, say) and its
    errors, status 400: the page's error summary lists them and what was typed is kept."""
    context = _detail_context(request, recommendation, **forms)
    context.update({name: form for name, form in forms.items() if name not in context})
    return render(request, "recommendations/recommendation_detail.html", context, status=400)


@permission_required("comment_on_recommendations")
@require_POST
def recommendation_comment(request, recommendation_pk):
    # A refused comment shows the recommendation's page again: the read is logged.
    recommendation = selectors.recommendation_get_for_user_to_comment(request=request, pk=recommendation_pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        services.recommendation_comment_add(
            recommendation=recommendation, actor=request.user, body=form.cleaned_data["body"]
        )
        messages.success(request, "Comment added.")
        return redirect(
            reverse("recommendations:recommendation_detail", kwargs={"recommendation_pk": recommendation.pk})
            + "#comments-h"
        )
    return render(
        request,
        "recommendations/recommendation_detail.html",
        _detail_context(request, recommendation, comment_form=form),
        status=400,
    )


@permission_required("manage_audits")
@require_POST
def recommendation_decide(request, recommendation_pk):
    """Mark assured, ask for more, or close: always with a reason."""
    # A refused decision shows the recommendation's page again: the read is logged.
    recommendation = selectors.recommendation_get_for_user_to_edit(
        request=request, pk=recommendation_pk, what="recommendation"
    )
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.recommendation_decide(
                recommendation=recommendation, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, f"Recommendation ({recommendation.letter}): {recommendation.get_status_display()}."
            )
            return redirect("recommendations:recommendation_detail", recommendation_pk=recommendation.pk)
    recommendation.refresh_from_db()
    return render(
        request,
        "recommendations/recommendation_detail.html",
        _detail_context(request, recommendation, decision_form=form),
        status=400,
    )


@permission_required("use_agency_portal")
def recommendation_respond(request, recommendation_pk):
    """An owner agency's contributor posts a progress update or the final response, with evidence.
    Recommendations their agency does not own are 404."""
    recommendation = selectors.recommendation_get_for_user_to_respond(request=request, pk=recommendation_pk)
    form = ResponseForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.response_post(recommendation=recommendation, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                "Final response sent." if form.cleaned_data["is_final"] else "Progress update posted.",
            )
            return redirect("recommendations:recommendation_detail", recommendation_pk=recommendation.pk)
    return render(
        request,
        "recommendations/response_form.html",
        {"form": form, "recommendation": recommendation, "audit": recommendation.audit},
        status=400 if form.is_bound else 200,
    )


@permission_required("read_case_data")
@require_safe
def evidence_download(request, evidence_pk):
    """Serve an evidence file as an attachment, only to those allowed, and log the download."""
    evidence = selectors.evidence_get_for_user(request=request, pk=evidence_pk)
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
