"""Authorisation rules for the footer pages and the 'Manage the service' page."""

from .rule import Rule

ALL = {"bm", "panel", "panel_other", "contributor", "contributor_other", "board", "admin"}

RULES = {
    # The accessibility statement, privacy notice and help: for everyone, signed in or not.
    "core:page": Rule(get=ALL | {"anon"}, public=True),
    "core:page_edit": Rule(get={"bm"}),
    "core:manage": Rule(get={"bm", "admin"}),
}

KWARGS = {
    "slug": lambda cast: "accessibility",
}
