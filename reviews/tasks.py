"""Celery tasks of panel review. Beat polls; nothing is scheduled with a long countdown."""

from celery import shared_task


@shared_task(name="reviews.escalate_safeguarding_concerns")
def escalate_safeguarding_concerns():
    """Escalate unacknowledged immediate concerns (see concerns.concerns_escalate). Safe to run twice."""
    from .concerns import concerns_escalate

    return concerns_escalate()
