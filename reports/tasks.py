import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

from operations.services import heartbeat_record

from . import services

logger = logging.getLogger(__name__)


@shared_task(
    name="reports.build_render",
    time_limit=settings.REPORT_BUILD_TIME_LIMIT,
    soft_time_limit=settings.REPORT_BUILD_SOFT_TIME_LIMIT,
    acks_late=True,
)
def report_build_render(build_id):
    """Render a draft report. Takes the id and claims the build, so a redelivered task does nothing.
    A render past the soft limit is recorded as failed; the hard limit kills the worker child."""
    try:
        services.report_build_run(build_id=build_id)
    except SoftTimeLimitExceeded:
        services.report_build_fail(build_id=build_id, error="The build took too long and was stopped.")
    except Exception:
        # Already recorded on the build (status failed); the page shows it. No retry: a render that
        # failed once fails again on the same data.
        logger.exception("report build %s failed", build_id)


@shared_task(name="reports.sweep_builds")
def sweep_report_builds():
    """Beat's sweep: hand queued builds to the worker again, fail builds dead past their time limit."""

    requeued, failed = services.report_build_sweep()
    heartbeat_record(name="sweep:reports", detail=f"requeued {requeued}, failed {failed}")
    return requeued, failed
