"""The recommendation tracker's RAG state, derived from the deadline and the status (never stored)."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone


class RagState(models.TextChoices):
    ON_TRACK = "on_track", "On track"
    DUE_SOON = "due_soon", "Due soon"
    OVERDUE = "overdue", "Overdue"
    ASSURED = "assured", "Assured"
    CLOSED = "closed", "Closed"


def rag_state(*, recommendation, today=None):
    """Closed and assured win; otherwise the deadline decides: past it is overdue, within
    RECOMMENDATION_DUE_SOON_DAYS is due soon, else on track."""
    from .models import Recommendation

    today = today or timezone.localdate()
    if recommendation.status == Recommendation.Status.CLOSED:
        return RagState.CLOSED
    if recommendation.status == Recommendation.Status.ASSURED:
        return RagState.ASSURED
    deadline = recommendation.deadline
    if deadline < today:
        return RagState.OVERDUE
    if deadline <= today + datetime.timedelta(days=settings.RECOMMENDATION_DUE_SOON_DAYS):
        return RagState.DUE_SOON
    return RagState.ON_TRACK
