"""A register entry that must never leave: what the leak guard looks for.

Plain data, so that the app that owns the register (cases) can hand its entries to whoever sends
something out (notifications, reports, reviews) without any of them importing the leak guard's
matching, which lives in reports.leakguard.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    """A register entry the guard looks for."""

    case_id: int | None
    case_label: str
    kind: str
    value: str
