"""The recommendation tracker's RAG state, derived from the deadline and the status (never stored).

The rule, in order:
1. closed -> Closed; assured -> Assured (the Business Manager's decision wins over any date);
2. response received -> On track: the owners have given their final response and nothing is due
   from them until the Business Manager assures it or asks for more (which puts it back in progress);
3. otherwise the deadline decides: before today -> Overdue; within RECOMMENDATION_DUE_SOON_DAYS ->
   Due soon; later -> On track.

The deadline is live: a recommendation due at a Board meeting follows the meeting if it moves.
`rag_state` answers for one recommendation; `with_rag_state` annotates a queryset with the same
rule in SQL so that the tracker can filter and count by state in one query.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import Recommendation


class RagState(models.TextChoices):
    ON_TRACK = "on_track", "On track"
    DUE_SOON = "due_soon", "Due soon"
    OVERDUE = "overdue", "Overdue"
    ASSURED = "assured", "Assured"
    CLOSED = "closed", "Closed"


# What still needs the owners' or the Board's attention: the tracker shows these by default.
OPEN_STATES = (RagState.ON_TRACK.value, RagState.DUE_SOON.value, RagState.OVERDUE.value)


def _due_soon_limit(today):
    return today + datetime.timedelta(days=settings.RECOMMENDATION_DUE_SOON_DAYS)


def rag_state(*, recommendation, today=None):
    """The tracker state of one recommendation on `today` (default: today in Europe/London)."""

    today = today or timezone.localdate()
    status = recommendation.status
    if status == Recommendation.Status.CLOSED:
        return RagState.CLOSED
    if status == Recommendation.Status.ASSURED:
        return RagState.ASSURED
    if status == Recommendation.Status.RESPONSE_RECEIVED:
        return RagState.ON_TRACK
    deadline = recommendation.deadline
    if deadline < today:
        return RagState.OVERDUE
    if deadline <= _due_soon_limit(today):
        return RagState.DUE_SOON
    return RagState.ON_TRACK


def with_rag_state(queryset, *, today=None):
    """Annotate `deadline_on` (the deadline as a date) and `rag` (a RagState value), as rag_state."""

    today = today or timezone.localdate()
    Status = Recommendation.Status
    return queryset.annotate(
        deadline_on=Coalesce(F("deadline_meeting__date"), F("deadline_date")),
    ).annotate(
        rag=Case(
            When(status=Status.CLOSED, then=Value(RagState.CLOSED.value)),
            When(status=Status.ASSURED, then=Value(RagState.ASSURED.value)),
            When(status=Status.RESPONSE_RECEIVED, then=Value(RagState.ON_TRACK.value)),
            When(deadline_on__lt=today, then=Value(RagState.OVERDUE.value)),
            When(deadline_on__lte=_due_soon_limit(today), then=Value(RagState.DUE_SOON.value)),
            default=Value(RagState.ON_TRACK.value),
            output_field=models.CharField(),
        )
    )
