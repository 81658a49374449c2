"""Reads for the health page: the state of the moving parts, from the database and a live probe."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from .models import Heartbeat

# A periodic sweep runs every few minutes; a heartbeat older than this means beat or the worker stopped.
HEARTBEAT_LATE_MINUTES = 20


@dataclass
class Check:
    name: str
    ok: bool | None  # None: not applicable (embedded mode) or unknown
    summary: str
    detail: str = ""


def _broker_check(app):
    if app.conf.task_always_eager:
        return Check("Task queue (broker)", None, "Embedded mode: tasks run inline, there is no broker.")
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0.5, timeout=2)
    except Exception as exc:
        return Check("Task queue (broker)", False, "Not reachable.", f"{type(exc).__name__}: {exc}"[:300])
    return Check("Task queue (broker)", True, "Reachable.")


def _worker_check(app, broker_ok, beats):
    if app.conf.task_always_eager:
        return Check("Worker", None, "Embedded mode: the web process runs tasks itself.")
    replies = []
    if broker_ok:
        try:
            replies = app.control.ping(timeout=1.0) or []
        except Exception:  # noqa: S110 - reported below as "no worker answered"
            replies = []
    last_run = max((b.seen_at for b in beats), default=None)
    ran = (
        f" A worker last ran a periodic sweep {timezone.localtime(last_run):%d %b %Y %H:%M}."
        if last_run
        else ""
    )
    if replies:
        names = ", ".join(sorted(name for reply in replies for name in reply))
        return Check("Worker", True, f"{len(replies)} answering now ({names}).{ran}")
    return Check("Worker", False, f"No worker answered a ping.{ran}")


def _beat_check(beats, now):
    if not beats:
        return Check("Beat (periodic jobs)", False, "No periodic sweep has run yet.")
    last = max(beats, key=lambda b: b.seen_at)
    late = now - last.seen_at > datetime.timedelta(minutes=HEARTBEAT_LATE_MINUTES)
    lines = "; ".join(f"{b.name}: {timezone.localtime(b.seen_at):%d %b %H:%M} ({b.detail})" for b in beats)
    return Check(
        "Beat (periodic jobs)",
        not late,
        f"Last run {timezone.localtime(last.seen_at):%d %b %Y %H:%M}"
        + (f", more than {HEARTBEAT_LATE_MINUTES} minutes ago." if late else "."),
        lines,
    )


def _oldest(qs, field="created_at"):
    return qs.order_by(field).values_list(field, flat=True).first()


def _age(now, when):
    minutes = int((now - when).total_seconds() // 60)
    return f"{minutes // 60} h {minutes % 60} min" if minutes >= 60 else f"{minutes} min"


def health_for_business_manager(*, app, now=None):
    """Every check the health page shows, in order."""
    from notifications.models import Notification
    from operations.enqueue import WAITING_FOR_WORKER
    from reports.models import ReportBuild

    now = now or timezone.now()
    beats = list(Heartbeat.objects.filter(name__startswith="sweep:"))
    broker = _broker_check(app)
    checks = [broker, _worker_check(app, broker.ok, beats)]
    checks.append(
        _beat_check(beats, now)
        if not app.conf.task_always_eager
        else Check("Beat (periodic jobs)", None, "Embedded mode: run manage.py send_reminders from cron.")
    )
    stale = datetime.timedelta(minutes=settings.NOTIFICATION_STALE_MINUTES)

    queued = Notification.objects.filter(status=Notification.Status.PENDING, next_attempt_at__isnull=True)
    oldest = _oldest(queued)
    waiting = queued.filter(last_error=WAITING_FOR_WORKER).count()
    checks.append(
        Check(
            "Oldest queued e-mail",
            oldest is None or now - oldest < stale,
            "None queued."
            if oldest is None
            else f"Queued {_age(now, oldest)} ago ({queued.count()} queued).",
            f"{waiting} waiting for the worker (the task queue was unreachable)." if waiting else "",
        )
    )
    builds = ReportBuild.objects.filter(status=ReportBuild.Status.QUEUED)
    oldest_build = _oldest(builds)
    checks.append(
        Check(
            "Oldest queued report build",
            oldest_build is None or now - oldest_build < datetime.timedelta(minutes=10),
            "None queued."
            if oldest_build is None
            else f"Queued {_age(now, oldest_build)} ago ({builds.count()} queued).",
        )
    )
    failed = Notification.objects.filter(status=Notification.Status.FAILED).count()
    retrying = Notification.objects.filter(
        status=Notification.Status.PENDING, next_attempt_at__isnull=False
    ).count()
    checks.append(
        Check(
            "Reminders not delivered",
            failed == 0 and retrying == 0,
            f"{failed} failed, {retrying} waiting to retry.",
        )
    )
    return checks
