"""Authorisation rules for the access log's type-ahead suggestions (the search page's own rules are in
rules_security.py): the people who may search the log, nobody else."""

from .rule import Rule

RULES = {
    "accesslog:suggest_users": Rule(get={"bm", "admin"}),
    "accesslog:suggest_cases": Rule(get={"bm", "admin"}),
}
