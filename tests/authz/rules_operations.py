"""Authorisation rules for the operations pages: the health page is the Business Manager's."""

from .rule import Rule

RULES = {
    "operations:health": Rule(get={"bm"}),
}
