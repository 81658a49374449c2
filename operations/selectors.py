"""Reads for the health page: the state of the moving parts, from the database and a live probe."""

import datetime

from django.utils import timezone

from . import health
from .health import Check
from .models import Heartbeat

# A periodic sweep runs every few minutes; a heartbeat older than this means beat or the worker stopped.
HEARTBEAT_LATE_MINUTES = 20


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


def health_for_business_manager(*, app, now=None):
    """Every check the health page shows, in order: broker, worker, beat, then what each app that
    queues work reports about its own queue (registered in operations.health)."""
    now = now or timezone.now()
    beats = list(Heartbeat.objects.filter(name__startswith="sweep:"))
    broker = _broker_check(app)
    checks = [broker, _worker_check(app, broker.ok, beats)]
    checks.append(
        _beat_check(beats, now)
        if not app.conf.task_always_eager
        else Check("Beat (periodic jobs)", None, "Embedded mode: run manage.py send_reminders from cron.")
    )
    for report in health.checks():
        checks += report(now=now)
    return checks


def oldest(qs, field="created_at"):
    """When the oldest row of `qs` was created (None when it is empty)."""
    return qs.order_by(field).values_list(field, flat=True).first()


def age(now, when):
    """How long ago `when` was, as the page says it: "1 h 35 min" or "12 min"."""
    minutes = int((now - when).total_seconds() // 60)
    return f"{minutes // 60} h {minutes % 60} min" if minutes >= 60 else f"{minutes} min"
