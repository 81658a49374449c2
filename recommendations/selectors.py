"""Reads of recommendations, responses and evidence, always scoped by the user who asks.

Who sees what:
- Business Manager: everything.
- Panel member: the recommendations of audits whose panel they sit on, with every response,
  evidence file and comment.
- Agency contributor: the recommendations their agency owns, and only their own agency's responses
  and evidence (an agency is a tenant; a joint recommendation does not open one agency's evidence
  to another). They never see the panel's comments.
- Board member: every recommendation on the tracker (text, owners, deadline, status, state), but no
  responses, evidence or comments: those may hold case detail, and the Board sees none.
"""

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery

from accesslog.models import AccessLogEntry
from accesslog.services import access_record, get_for_user
from accounts.models import Role
from accounts.permissions import can_manage_audit
from cases.models import Agency, Audit

from .models import BoardMeeting, EvidenceFile, Recommendation, RecommendationResponse
from .tracker import RagState, with_rag_state


def recommendation_list_for_user(*, user):
    """Recommendations on the tracker for this user (Board members see all of them)."""
    recommendations = Recommendation.objects.select_related("audit", "deadline_meeting")
    if user.role in (Role.BUSINESS_MANAGER, Role.BOARD_MEMBER):
        return recommendations
    if user.role == Role.PANEL_MEMBER:
        return recommendations.filter(audit__panel_memberships__user=user)
    if user.role == Role.AGENCY_CONTRIBUTOR:
        return recommendations.filter(owners=user.agency_id)
    return recommendations.none()


def recommendation_detail_list_for_user(*, user):
    """Recommendations whose page (responses, evidence) this user may open: not the Board."""
    if user.role == Role.BOARD_MEMBER:
        return Recommendation.objects.none()
    return recommendation_list_for_user(user=user)


def recommendation_respondable_for_user(*, user):
    """Recommendations this user may respond to: a contributor's own agency's, nobody else's."""
    if user.role != Role.AGENCY_CONTRIBUTOR:
        return Recommendation.objects.none()
    return recommendation_list_for_user(user=user)


def recommendation_commentable_for_user(*, user):
    """The Business Manager and the audit's panel comment on recommendations."""
    if user.role not in (Role.BUSINESS_MANAGER, Role.PANEL_MEMBER):
        return Recommendation.objects.none()
    return recommendation_list_for_user(user=user)


def response_list_for_user(*, user, recommendation):
    responses = recommendation.responses.select_related("agency", "author").prefetch_related(
        Prefetch("evidence", queryset=EvidenceFile.objects.order_by("created_at", "pk"))
    )
    if user.role == Role.AGENCY_CONTRIBUTOR:
        return responses.filter(agency_id=user.agency_id)
    if user.role in (Role.BUSINESS_MANAGER, Role.PANEL_MEMBER):
        return responses
    return RecommendationResponse.objects.none()


def evidence_list_for_user(*, user):
    """Evidence downloads: the Business Manager, the audit's panel, the uploading agency's contributors."""
    evidence = EvidenceFile.objects.select_related("response__recommendation")
    if user.role == Role.BUSINESS_MANAGER:
        return evidence
    if user.role == Role.PANEL_MEMBER:
        return evidence.filter(response__recommendation__audit__panel_memberships__user=user)
    if user.role == Role.AGENCY_CONTRIBUTOR:
        return evidence.filter(
            response__agency_id=user.agency_id, response__recommendation__owners=user.agency_id
        )
    return evidence.none()


# --- Accessors: one object, scoped to the user, 404 otherwise, the read written to the access log ----


def _audit_of(recommendation):
    return recommendation.audit


def recommendation_get_for_user(*, request, pk, what="recommendation"):
    """A recommendation whose page (responses, evidence) the user may open: not the Board."""
    return get_for_user(
        recommendation_detail_list_for_user(user=request.user),
        request=request,
        what=what,
        audit=_audit_of,
        pk=pk,
    )


def recommendation_get_for_user_to_edit(*, request, pk, what=None):
    """A recommendation the user may change, move or decide on (the Business Manager). Its own text
    is not case data; a page that shows its responses names `what`."""
    recommendations = (
        recommendation_list_for_user(user=request.user)
        if can_manage_audit(request.user)
        else Recommendation.objects.none()
    )
    return get_for_user(recommendations, request=request, what=what, audit=_audit_of, pk=pk)


def recommendation_get_for_user_to_comment(*, request, pk, what="recommendation"):
    return get_for_user(
        recommendation_commentable_for_user(user=request.user),
        request=request,
        what=what,
        audit=_audit_of,
        pk=pk,
    )


def recommendation_get_for_user_to_respond(*, request, pk, what="recommendation"):
    """A recommendation the contributor's agency owns; any other is 404."""
    return get_for_user(
        recommendation_respondable_for_user(user=request.user),
        request=request,
        what=what,
        audit=_audit_of,
        pk=pk,
    )


def evidence_get_for_user(*, request, pk):
    """An evidence file the user may download, the download written to the access log."""
    return get_for_user(
        evidence_list_for_user(user=request.user).select_related("response__recommendation__audit"),
        request=request,
        what="recommendation_evidence",
        audit=lambda evidence: evidence.response.recommendation.audit,
        action=AccessLogEntry.Action.DOWNLOAD,
        pk=pk,
    )


def board_meeting_get_for_user_to_edit(*, request, pk):
    meetings = BoardMeeting.objects.all() if can_manage_audit(request.user) else BoardMeeting.objects.none()
    return get_for_user(meetings, request=request, what=None, pk=pk)


def tracker_export_record(*, request, kind):
    """Write the export of the tracker (`kind`: csv or xlsx) to the access log."""
    access_record(request=request, what=f"recommendation_tracker_{kind}", action=AccessLogEntry.Action.EXPORT)


def audit_recommendations(*, audit):
    """An audit's recommendations in letter order, ready for its page (owners prefetched)."""
    return with_rag_state(
        audit.recommendations.select_related("deadline_meeting")
        .prefetch_related("owners")
        .annotate(response_count=Count("responses", distinct=True))
        .order_by("position", "pk")
    )


def _latest_response(user):
    """The latest response's date and kind (progress update or final), never its text: what the Board
    may know of the responses. A contributor sees their own agency's only (an agency is a tenant)."""
    responses = RecommendationResponse.objects.filter(recommendation=OuterRef("pk"))
    if user.role == Role.AGENCY_CONTRIBUTOR:
        responses = responses.filter(agency_id=user.agency_id)
    latest = responses.order_by("-created_at", "-pk")
    return {
        "latest_response_at": Subquery(latest.values("created_at")[:1]),
        "latest_response_final": Subquery(latest.values("is_final")[:1]),
    }


def tracker_queryset_for_user(*, user, today=None):
    """The tracker's rows: scoped, with the RAG state and the latest response's date and kind
    annotated, owners prefetched, in audit/letter order."""
    return with_rag_state(
        recommendation_list_for_user(user=user)
        .annotate(**_latest_response(user))
        .prefetch_related(Prefetch("owners", queryset=Agency.objects.order_by("name")))
        .order_by("audit__title", "audit_id", "position", "pk"),
        today=today,
    )


def tracker_filter_choices_for_user(*, user):
    """Audits and agencies worth offering in the tracker's filters: those on the user's tracker."""
    visible = recommendation_list_for_user(user=user)
    # Only what a drop-down shows (its value and label): ten years of audits are a long list.
    audits = Audit.objects.filter(pk__in=visible.values("audit_id")).only("pk", "title").order_by("title")
    agencies = (
        Agency.objects.filter(recommendations__in=visible.values("pk"))
        .distinct()
        .only("pk", "name")
        .order_by("name")
    )
    return audits, agencies


def rag_counts_for_user(*, user, today=None):
    """Counts per state over every recommendation the user may see, in one query."""
    totals = dict.fromkeys(RagState.values, 0)
    rows = (
        with_rag_state(recommendation_list_for_user(user=user), today=today)
        .order_by()
        .values("rag")
        .annotate(n=Count("pk", distinct=True))
    )
    for row in rows:
        totals[row["rag"]] += row["n"]
    return [(RagState(value), totals[value]) for value in RagState.values]


def board_meeting_list():
    return BoardMeeting.objects.annotate(recommendation_count=Count("recommendations_due")).order_by("-date")


# --- The Board home --------------------------------------------------------------------------

STILL_OPEN = (
    Recommendation.Status.OPEN,
    Recommendation.Status.IN_PROGRESS,
    Recommendation.Status.RESPONSE_RECEIVED,
)


def board_meetings_around(*, today):
    """(the last Board meeting before today, the next one from today), either may be None."""
    last = BoardMeeting.objects.filter(date__lt=today).order_by("-date").first()
    upcoming = BoardMeeting.objects.filter(date__gte=today).order_by("date").first()
    return last, upcoming


def due_at_next_board_for_user(*, user, next_meeting, today):
    """Recommendations not yet assured or closed that fall due by the next Board meeting (at it, or on
    a date before it), with their tracker state: what the Board will ask about."""
    if next_meeting is None:
        return []
    return list(
        tracker_queryset_for_user(user=user, today=today)
        .filter(status__in=STILL_OPEN, deadline_on__lte=next_meeting.date, deadline_on__gte=today)
        .select_related("audit", "deadline_meeting")
    )


def changes_since_for_user(*, user, since, today):
    """Recommendations assured since `since` (a date) and those that fell overdue since then, the most
    recently changed first."""
    if since is None:
        return {"assured": [], "overdue": []}
    rows = list(
        tracker_queryset_for_user(user=user, today=today)
        .select_related("audit", "deadline_meeting")
        .filter(
            Q(status=Recommendation.Status.ASSURED, updated_at__date__gte=since)
            | Q(rag="overdue", deadline_on__gte=since, deadline_on__lt=today)
        )
        .order_by("-updated_at", "-pk")
    )
    return {
        "assured": [r for r in rows if r.status == Recommendation.Status.ASSURED],
        "overdue": [r for r in rows if r.rag == "overdue"],
    }
