"""Authorisation rules for the footer pages and the 'Manage the service' page."""

from tests.conftest import PERSONAS

from .rule import Rule

EVERYONE = set(PERSONAS)  # every role, and anonymous visitors

RULES = {
    # The accessibility statement, privacy notice and help: for everyone, signed in or not.
    "site:page": Rule(get=EVERYONE, public=True),
    "site:page_edit": Rule(get={"bm"}),
    "site:manage": Rule(get={"bm", "admin"}),
}

KWARGS = {
    "slug": lambda cast: "accessibility",
}
