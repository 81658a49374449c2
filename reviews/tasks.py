"""Celery tasks of panel review. Beat polls; nothing is scheduled with a long countdown."""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

from . import pack
from .concerns import concerns_escalate

logger = logging.getLogger(__name__)


@shared_task(name="reviews.escalate_safeguarding_concerns")
def escalate_safeguarding_concerns():
    """Escalate unacknowledged immediate concerns (see concerns.concerns_escalate). Safe to run twice."""

    return concerns_escalate()


@shared_task(
    name="reviews.case_pack_render",
    time_limit=settings.CASE_PACK_TIME_LIMIT,
    soft_time_limit=settings.CASE_PACK_SOFT_TIME_LIMIT,
    acks_late=True,
)
def case_pack_render(build_id):
    """Render one reader's case pack. A render past the soft limit is recorded as failed (the page says
    so); the hard limit kills the worker child. No retry: the same records would take as long again."""
    try:
        pack.case_pack_build_run(build_id=build_id)
    except SoftTimeLimitExceeded:
        pack.case_pack_build_fail(
            build_id=build_id, error="The case pack took too long to prepare and was stopped."
        )
    except Exception as exc:
        logger.exception("case pack build %s failed", build_id)
        pack.case_pack_build_fail(build_id=build_id, error=f"{type(exc).__name__}")
