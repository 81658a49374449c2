"""Authorisation rules for the foundation's pages. Each app's pages have a rules_<app>.py like this:

RULES: url name -> Rule (who may open it; everyone else gets 403/404, anonymous users the login page).
KWARGS: url keyword -> function(cast) giving an object *inside* the allowed personas' scope.
extend_cast(cast): optional, adds the objects this app's pages need to the standing cast.
"""

from .rule import Rule

BM = {"bm"}
READERS = {"bm", "panel"}
ALL = {"bm", "panel", "panel_other", "contributor", "contributor_other", "board", "qa", "admin"}

RULES = {
    "home": Rule(get=ALL, get_status=302),
    "login": Rule(get=ALL | {"anon"}, post=ALL | {"anon"}, get_status=(200, 302)),
    "logout": Rule(get=None, post=ALL | {"anon"}),
    "cases:audit_list": Rule(get=READERS | {"panel_other"}),  # scoped list: own audits only
    "cases:audit_create": Rule(get=BM),
    "cases:audit_detail": Rule(get=READERS),
    # The audit's pages, one per stage: the same readers as the overview (and as the sections had on
    # the single page they replace).
    "cases:audit_cases": Rule(get=READERS),
    "cases:audit_returns": Rule(get=READERS),
    "cases:audit_grades": Rule(get=READERS),
    "cases:audit_panel": Rule(get=READERS),
    "cases:audit_meetings": Rule(get=READERS),
    "cases:audit_findings": Rule(get=READERS),
    "cases:audit_recommendations": Rule(get=READERS),
    "cases:audit_assurance": Rule(get=READERS),
    "cases:audit_edit": Rule(get=BM),
    "cases:panel_add": Rule(get=None, post=BM),
    "cases:panel_remove": Rule(get=BM),
    "cases:case_create": Rule(get=BM),
    "cases:case_detail": Rule(get=READERS),
    "cases:case_edit": Rule(get=BM),
    "cases:term_add": Rule(get=None, post=BM),
    "cases:term_remove": Rule(get=BM),
    "cases:term_share": Rule(get=None, post=BM),
    "cases:portal": Rule(get={"contributor", "contributor_other"}),
    "recommendations:board_home": Rule(
        get={"board", "bm", "panel", "panel_other", "contributor", "contributor_other"}
    ),
}


def _membership(cast):
    return cast.audit.panel_memberships.get(user=cast.panel).pk


KWARGS = {
    "audit_pk": lambda cast: cast.audit.pk,
    "case_pk": lambda cast: cast.case.pk,
    "term_pk": lambda cast: cast.term.pk,
    "membership_pk": _membership,
}
