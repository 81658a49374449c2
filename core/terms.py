"""A register entry that must never leave: what the leak guard looks for.

Plain data: the app that owns the register (cases.registers) builds them, and whoever sends
something out (notifications, reports, reviews, recommendations) hands them to the leak guard's
matching (core.leakguard).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    """A register entry the guard looks for."""

    case_id: int | None
    case_label: str
    kind: str
    value: str
