"""Who made a change: every service that takes an ``actor`` records it where it changes state.

Two ways, by what the changed model keeps:

- a model whose changes are in the change history (history.models, written by PostgreSQL triggers)
  gets its actor from the history context: ``@records_actor`` on the service names ``actor`` in that
  context for the whole call, so the event says who made it even outside a web request (a Celery task,
  a management command), where history.middleware has set nothing;
- a model outside the change history keeps the actor in a field of its own (``created_by``,
  ``updated_by``, ``sent_by`` …), set by the service.

``tests/core/test_actors.py`` fails on a service that takes ``actor`` and does neither.
"""

import contextlib
import functools

import pghistory
from django.db import connection


@contextlib.contextmanager
def acting_as(actor):
    """Name `actor` (a user) in the change-history context of what follows. None (the system) leaves
    the context as it is. PostgreSQL only, like the triggers that read it; elsewhere nothing to do."""
    if actor is None or connection.vendor != "postgresql":  # None: keep whoever the request named
        yield
        return
    with pghistory.context(user=getattr(actor, "pk", None)):
        yield


def records_actor(service):
    """Decorate a keyword-only service: its `actor` argument is named in the change history of
    every change it makes. Put it above @transaction.atomic."""

    @functools.wraps(service)
    def wrapper(*args, **kwargs):
        with acting_as(kwargs.get("actor")):
            return service(*args, **kwargs)

    wrapper.records_actor = True
    return wrapper
