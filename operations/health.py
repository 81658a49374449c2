"""What the health page shows beyond the broker, the worker and beat: each app that queues work
(notifications' e-mails, reports' builds) registers a check of its own queue from its
AppConfig.ready(), so operations imports none of them.

A check is a callable ``check(*, now) -> [Check]``.
"""

from dataclasses import dataclass


@dataclass
class Check:
    name: str
    ok: bool | None  # None: not applicable (embedded mode) or unknown
    summary: str
    detail: str = ""


_checks = []


def register(check):
    """Add a check (once: registering the same callable again does nothing)."""
    if check not in _checks:
        _checks.append(check)
    return check


def checks():
    return list(_checks)
