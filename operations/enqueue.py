"""Hand work to a Celery worker once the transaction commits: one guarded path for every enqueue.

The row that describes the work (a notification, a report build...) is committed first and is the
source of truth; the broker message only says "look at row N". So an unreachable broker must never
turn the user's action into an error page: the row stays queued, `on_unreachable` records the
"waiting for the worker" state on it, and the periodic sweep of its app (beat, polling the database)
sends it again when the broker is back. Nothing is scheduled with a long ETA/countdown.
"""

import logging

from django.db import transaction

log = logging.getLogger(__name__)

# A publish to an unreachable broker gives up after about a second instead of blocking the page.
PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5}

WAITING_FOR_WORKER = "Waiting for the worker: the task queue could not be reached; it is handed over automatically when it is back."


def enqueue_now(task, *args, on_unreachable=None, inline=None):
    """Send `task(*args)` to the worker now. Returns True if it was handed over (or, in embedded
    mode, ran inline). Never raises: a broker error is logged and `on_unreachable()` is called.

    `inline`: what to run instead in embedded mode (task_always_eager), default the task itself."""
    if task.app.conf.task_always_eager:
        # Embedded mode: no broker, the task runs here. Its own failure is recorded by the task on its
        # row; the caller's action has already committed and must not turn into an error page.
        try:
            if inline is not None:
                inline()
            else:
                task.apply(args=args, throw=True)
        except Exception:
            log.exception("task_failed_inline task=%s args=%s", task.name, args)
        return True
    try:
        task.apply_async(args=args, retry=True, retry_policy=PUBLISH_RETRY_POLICY)
    except Exception as exc:
        log.warning("enqueue_failed task=%s args=%s error=%s: %s", task.name, args, type(exc).__name__, exc)
        if on_unreachable is not None:
            try:
                on_unreachable()
            except Exception:
                log.exception("enqueue_failed_not_recorded task=%s args=%s", task.name, args)
        return False
    return True


def enqueue_on_commit(task, *args, on_unreachable=None, inline=None):
    """After the current transaction commits, hand `task(*args)` to the worker (see enqueue_now).
    If the transaction rolls back, nothing is sent."""
    transaction.on_commit(lambda: enqueue_now(task, *args, on_unreachable=on_unreachable, inline=inline))
