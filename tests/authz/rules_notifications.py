"""Authorisation rules for the reminders' pages: the log is the Business Manager's; the lead times
are shown to every logged-in user."""

from .rule import Rule

ALL = {"bm", "panel", "panel_other", "contributor", "contributor_other", "board", "admin"}

RULES = {
    "notifications:log": Rule(get={"bm"}),
    "notifications:settings": Rule(get=ALL),
}

KWARGS = {}
