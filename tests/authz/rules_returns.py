"""Authorisation rules for agency returns, the completion matrix and the merged timeline.

The cast's `agency_return` belongs to `contributor`'s agency, on `case` in `audit` (panel: `panel`), so
`contributor_other` and `panel_other` are the outsiders who must get 403/404.
"""

from .rule import Rule

BM = {"bm"}
READERS = {"bm", "panel"}
WORKERS = {"bm", "contributor"}

RULES = {
    "cases:return_request": Rule(get=BM),
    "cases:case_timeline": Rule(get=READERS),
    "cases:return_detail": Rule(get=READERS | {"contributor"}),
    "cases:return_edit": Rule(get=WORKERS),
    "cases:return_submit": Rule(get=WORKERS),
    "cases:return_import": Rule(get=WORKERS),
    "cases:return_accept": Rule(get=None, post=BM),
    "cases:return_send_back": Rule(get=None, post=BM),
    # The blank templates hold no case data: any contributor or the Business Manager may download them.
    "cases:return_template_csv": Rule(get={"bm", "contributor", "contributor_other"}),
    "cases:return_template_xlsx": Rule(get={"bm", "contributor", "contributor_other"}),
}

KWARGS = {
    "return_pk": lambda cast: cast.agency_return.pk,
}
