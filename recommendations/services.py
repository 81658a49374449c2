"""State changes for Board meetings, recommendations, responses and evidence.

Every change to a recommendation leaves a RecommendationActivity (who, when, what, why).
"""

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max

from cases.models import Audit

from .evidence import EVIDENCE_TYPES, evidence_check
from .models import (
    BoardMeeting,
    EvidenceFile,
    Recommendation,
    RecommendationActivity,
    RecommendationComment,
    RecommendationResponse,
)

Status = Recommendation.Status
Kind = RecommendationActivity.Kind


def _event(*, recommendation, actor, kind, from_status="", to_status="", detail="", reason=""):
    return RecommendationActivity.objects.create(
        recommendation=recommendation,
        actor=actor,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        detail=detail,
        reason=reason,
    )


def _date_text(value):
    return f"{value.day} {value:%B %Y}" if value else "none"


# --- Board meetings --------------------------------------------------------------------------


@transaction.atomic
def board_meeting_create(*, actor, date, title):
    """Add a Board meeting, so that recommendations can fall due at it."""
    meeting = BoardMeeting(date=date, title=title.strip(), created_by=actor)
    meeting.full_clean()
    meeting.save()
    return meeting


@transaction.atomic
def board_meeting_update(*, meeting, actor, date, title):
    """Change a meeting; when its date moves, every recommendation due at it moves too, and each
    keeps a record of the move."""
    old_date = BoardMeeting.objects.select_for_update().get(pk=meeting.pk).date
    meeting.date, meeting.title = date, title.strip()
    meeting.full_clean()
    meeting.save()
    if old_date != date:
        RecommendationActivity.objects.bulk_create(
            RecommendationActivity(
                recommendation=recommendation,
                actor=actor,
                kind=Kind.DEADLINE_CHANGED,
                detail=f"{meeting.title} moved from {_date_text(old_date)} to {_date_text(date)}.",
            )
            for recommendation in meeting.recommendations_due.all()
        )
    return meeting


# --- Recommendations -------------------------------------------------------------------------


def _check_deadline(deadline_date, deadline_meeting):
    if bool(deadline_date) == bool(deadline_meeting):
        message = "Give a deadline: either a date or a Board meeting, not both."
        raise ValidationError({"deadline_date": message, "deadline_meeting": message})


@transaction.atomic
def recommendation_create(*, audit, actor, text, owners, deadline_date=None, deadline_meeting=None):
    """Draft a recommendation at the end of the audit's list (the next letter)."""
    _check_deadline(deadline_date, deadline_meeting)
    if not owners:
        raise ValidationError({"owners": "Choose at least one owner agency."})
    # Lock the audit row so two drafts at once cannot take the same letter.
    Audit.objects.select_for_update().get(pk=audit.pk)
    position = (audit.recommendations.aggregate(n=Max("position"))["n"] or 0) + 1
    recommendation = Recommendation(
        audit=audit,
        position=position,
        text=text.strip(),
        deadline_date=deadline_date,
        deadline_meeting=deadline_meeting,
        created_by=actor,
    )
    recommendation.full_clean()
    recommendation.save()
    recommendation.owners.set(owners)
    _event(recommendation=recommendation, actor=actor, kind=Kind.CREATED, to_status=recommendation.status)
    return recommendation


@transaction.atomic
def recommendation_update(*, recommendation, actor, text, owners, deadline_date=None, deadline_meeting=None):
    """Edit the text, owners or deadline. A moved deadline is recorded with the old and new dates."""
    _check_deadline(deadline_date, deadline_meeting)
    if not owners:
        raise ValidationError({"owners": "Choose at least one owner agency."})
    old = (
        Recommendation.objects.select_for_update(of=("self",))
        .select_related("deadline_meeting")
        .get(pk=recommendation.pk)
    )
    old_owner_names = sorted(a.name for a in old.owners.all())
    changes = []
    if old.text != text.strip():
        changes.append("Text changed.")
    new_owner_names = sorted(a.name for a in owners)
    if old_owner_names != new_owner_names:
        changes.append(f"Owners: {', '.join(old_owner_names)} → {', '.join(new_owner_names)}.")
    recommendation.text = text.strip()
    recommendation.deadline_date = deadline_date
    recommendation.deadline_meeting = deadline_meeting
    recommendation.full_clean()
    recommendation.save()
    recommendation.owners.set(owners)
    if changes:
        _event(recommendation=recommendation, actor=actor, kind=Kind.EDITED, detail=" ".join(changes))
    if (old.deadline_date, old.deadline_meeting_id) != (deadline_date, getattr(deadline_meeting, "pk", None)):
        _event(
            recommendation=recommendation,
            actor=actor,
            kind=Kind.DEADLINE_CHANGED,
            detail=f"Deadline moved from {old.deadline_display} to {recommendation.deadline_display}.",
        )
    return recommendation


@transaction.atomic
def recommendation_move(*, recommendation, actor, direction):
    """Move a recommendation up or down its audit's list; letters follow positions (kept 1..n)."""
    if direction not in ("up", "down"):
        raise ValidationError("Move a recommendation up or down.")
    siblings = list(
        Recommendation.objects.select_for_update()
        .filter(audit_id=recommendation.audit_id)
        .order_by("position", "pk")
    )
    index = next(i for i, r in enumerate(siblings) if r.pk == recommendation.pk)
    target = index - 1 if direction == "up" else index + 1
    if not 0 <= target < len(siblings):
        return recommendation
    old_letter = siblings[index].letter
    siblings[index], siblings[target] = siblings[target], siblings[index]
    for position, sibling in enumerate(siblings, start=1):
        if sibling.position != position:
            sibling.position = position
            sibling.save(update_fields=["position", "updated_at"])
    moved = siblings[target]
    _event(
        recommendation=moved,
        actor=actor,
        kind=Kind.MOVED,
        detail=f"Moved {direction}: ({old_letter}) is now ({moved.letter}).",
    )
    recommendation.position = moved.position
    return recommendation


@transaction.atomic
def recommendation_comment_add(*, recommendation, actor, body):
    """A panel member or the Business Manager comments; comments stay internal."""
    comment = RecommendationComment(recommendation=recommendation, author=actor, body=body.strip())
    comment.full_clean()
    comment.save()
    _event(recommendation=recommendation, actor=actor, kind=Kind.COMMENTED)
    return comment


# --- Responses and evidence ------------------------------------------------------------------


def _store_evidence(*, response, actor, uploaded, stored_names):
    extension, sha256 = evidence_check(uploaded)
    evidence = EvidenceFile(
        response=response,
        original_name=uploaded.name[:200],
        content_type=EVIDENCE_TYPES[extension].content_type,
        size=uploaded.size,
        sha256=sha256,
        uploaded_by=actor,
    )
    evidence.file.save(uploaded.name, uploaded, save=False)
    stored_names.append(evidence.file.name)
    evidence.save()
    return evidence


def _owners_without_final_response(recommendation):
    """Owner agencies that have not given a final response since the Business Manager last asked
    for more (a request for more reopens every owner's part)."""
    responses = recommendation.responses.filter(is_final=True)
    last_request = (
        recommendation.events.filter(kind=Kind.MORE_REQUESTED)
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    if last_request is not None:
        responses = responses.filter(created_at__gt=last_request)
    answered = set(responses.values_list("agency_id", flat=True))
    return [a.name for a in recommendation.owners.order_by("name") if a.pk not in answered]


@transaction.atomic
def response_post(*, recommendation, actor, text, is_final=False, files=()):
    """An owner agency's contributor posts a progress update or its final response, with evidence.
    A progress update puts an open recommendation in progress; once every owner agency has given a
    final response it is marked received. Nothing is kept unless every file passes its checks."""
    if actor.agency_id is None or not recommendation.owners.filter(pk=actor.agency_id).exists():
        raise ValidationError("Only an owner agency can respond to this recommendation.")
    if recommendation.status in (Status.ASSURED, Status.CLOSED):
        raise ValidationError(
            f"This recommendation is {recommendation.get_status_display().lower()}; it takes no more responses."
        )
    if not text.strip():
        raise ValidationError({"text": "Write the update or response."})
    for uploaded in files:
        evidence_check(uploaded)
    old_status = Recommendation.objects.select_for_update().get(pk=recommendation.pk).status
    response = RecommendationResponse.objects.create(
        recommendation=recommendation,
        agency_id=actor.agency_id,
        author=actor,
        text=text.strip(),
        is_final=is_final,
    )
    stored_names = []
    try:
        for uploaded in files:
            _store_evidence(response=response, actor=actor, uploaded=uploaded, stored_names=stored_names)
        waiting = _owners_without_final_response(recommendation)
        if is_final and not waiting:
            new_status = Status.RESPONSE_RECEIVED
        elif old_status == Status.OPEN:
            new_status = Status.IN_PROGRESS
        else:
            new_status = old_status
        if new_status != old_status:
            recommendation.status = new_status
            recommendation.status_reason = ""
            recommendation.save(update_fields=["status", "status_reason", "updated_at"])
        _event(
            recommendation=recommendation,
            actor=actor,
            kind=Kind.FINAL_RESPONSE if is_final else Kind.PROGRESS_UPDATE,
            from_status=old_status,
            to_status=new_status,
            detail=f"{actor.agency}: {len(files)} evidence file(s)."
            + (f" Final responses still awaited from: {', '.join(waiting)}." if is_final and waiting else ""),
        )
    except Exception:
        for name in stored_names:
            default_storage.delete(name)
        raise
    return response


# --- The Business Manager's decisions --------------------------------------------------------

DECISIONS = {
    "assure": (Status.ASSURED, Kind.ASSURED),
    "more": (Status.IN_PROGRESS, Kind.MORE_REQUESTED),
    "close": (Status.CLOSED, Kind.CLOSED),
}


@transaction.atomic
def recommendation_decide(*, recommendation, actor, decision, reason):
    """The Business Manager marks a recommendation assured, asks the owners for more, or closes it;
    a reason is always given and kept."""
    if decision not in DECISIONS:
        raise ValidationError({"decision": "Choose what to do with the recommendation."})
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason; the owners and the Board will see the decision."})
    new_status, kind = DECISIONS[decision]
    old_status = Recommendation.objects.select_for_update().get(pk=recommendation.pk).status
    if old_status == new_status:
        raise ValidationError(
            {"decision": f"The recommendation is already {recommendation.get_status_display().lower()}."}
        )
    recommendation.status = new_status
    recommendation.status_reason = reason.strip()
    recommendation.save(update_fields=["status", "status_reason", "updated_at"])
    _event(
        recommendation=recommendation,
        actor=actor,
        kind=kind,
        from_status=old_status,
        to_status=new_status,
        reason=reason.strip(),
    )
    return recommendation


def recommendation_assure(*, recommendation, actor, reason):
    return recommendation_decide(recommendation=recommendation, actor=actor, decision="assure", reason=reason)


def recommendation_request_more(*, recommendation, actor, reason):
    return recommendation_decide(recommendation=recommendation, actor=actor, decision="more", reason=reason)
