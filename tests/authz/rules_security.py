"""Authorisation rules for log-in, second factor, password reset, the access log and change history."""

from .rule import Rule

ALL = {"bm", "panel", "panel_other", "contributor", "contributor_other", "board", "qa", "admin"}
PUBLIC = ALL | {"anon"}

RULES = {
    # A verified user is sent on (to `next`, or to their settings page); anonymous users to log in.
    "otp_verify": Rule(get=ALL, get_status=302),
    "otp_setup": Rule(get=ALL, get_status=302),
    "two_factor": Rule(get=ALL),
    # Only a user with a verified second factor sees the page; the others are sent to set one up.
    "backup_codes_renew": Rule(get=ALL, get_status=(200, 302)),
    # The e-mailed enrolment link: an invalid one says so (400) to whoever opens it.
    "otp_enrol": Rule(get=PUBLIC, public=True, get_status=400),
    # Password reset is for people who cannot log in: public, and the same answer for everyone.
    "password_reset": Rule(get=PUBLIC, public=True),
    "password_reset_done": Rule(get=PUBLIC, public=True),
    "password_reset_confirm": Rule(get=PUBLIC, public=True),
    "password_reset_complete": Rule(get=PUBLIC, public=True),
    # Roles that see case data are granted here, by a Business Manager only (never in the admin site).
    "role_grants": Rule(get={"bm"}),
    "accesslog:search": Rule(get={"bm", "admin"}),
    "accesslog:export": Rule(get={"bm", "admin"}),
    "history:record_history": Rule(get={"bm"}),
    "history:retention": Rule(get={"bm"}),
    "history:legal_hold_place": Rule(get=None, post={"bm"}),
    "history:legal_hold_lift": Rule(get={"bm"}),
}

KWARGS = {
    # An invalid reset link: the page says so (200) whoever opens it.
    "uidb64": lambda cast: "MQ",
    "token": lambda cast: "not-a-valid-token",
    "app_label": lambda cast: "cases",
    "model_name": lambda cast: "case",
    "object_pk": lambda cast: cast.case.pk,
    "hold_pk": lambda cast: cast.legal_hold.pk,
}


def extend_cast(cast):
    from history.models import LegalHold

    cast.legal_hold = LegalHold.objects.create(audit=cast.audit, reason="Inquiry", placed_by=cast.bm)
