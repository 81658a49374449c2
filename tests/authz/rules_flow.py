"""Authorisation rules for the work-flow pages: the "Needs your attention" home and marking a case
reviewed."""

from .rule import Rule

WORKERS = {"bm", "panel", "panel_other", "contributor", "contributor_other"}

RULES = {
    # Each worker's own list, scoped to their role, panels or agency; Board and admin have none.
    "worklist:attention": Rule(get=WORKERS),
    # A panel member of the case's audit marks it reviewed (the BM passes the role check but the
    # service refuses: they sit on no panel).
    "reviews:case_review_mark": Rule(get=None, post={"bm", "panel"}),
    # Correcting, removing and re-sending an invitee: the Business Manager only.
    "reviews:invitation_edit": Rule(get={"bm"}),
    "reviews:invitation_remove": Rule(get={"bm"}),
    "reviews:invitation_resend": Rule(get=None, post={"bm"}),
}

KWARGS = {
    "invitation_pk": lambda cast: cast.invitation.pk,
}
