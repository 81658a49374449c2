"""Reads of audits, cases and returns, always scoped by the user who asks."""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Prefetch

from accesslog.services import access_record, get_for_user
from accounts.models import Role
from accounts.permissions import can_manage_audit

from .models import (
    Agency,
    AgencyReturn,
    Audit,
    Case,
    ChronologyEntry,
    IdentifyingTerm,
    PanelMembership,
    ReturnTransition,
)
from .timeline import timeline_index


def audit_list_for_user(*, user):
    """Business Manager: every audit. Panel member: audits whose panel they sit on. Others: none."""
    audits = Audit.objects.all()
    if user.role == Role.BUSINESS_MANAGER:
        return audits
    if user.role == Role.PANEL_MEMBER:
        return audits.filter(panel_memberships__user=user)
    return audits.none()


def audit_list_with_counts_for_user(*, user):
    return audit_list_for_user(user=user).annotate(case_count=Count("cases", distinct=True))


def case_list_for_user(*, user):
    """Case detail is for the Business Manager and the audit's panel; nobody else."""
    cases = Case.objects.select_related("audit")
    if user.role == Role.BUSINESS_MANAGER:
        return cases
    if user.role == Role.PANEL_MEMBER:
        return cases.filter(audit__panel_memberships__user=user)
    return cases.none()


def return_list_for_user(*, user):
    """Business Manager: all returns. Contributor: their own agency's. Panel: those of their audits."""
    returns = AgencyReturn.objects.select_related("case__audit", "agency")
    if user.role == Role.BUSINESS_MANAGER:
        return returns
    if user.role == Role.AGENCY_CONTRIBUTOR:
        return returns.filter(agency_id=user.agency_id)
    if user.role == Role.PANEL_MEMBER:
        return returns.filter(case__audit__panel_memberships__user=user)
    return returns.none()


def return_list_for_worker(*, user):
    """Returns a user may change: the Business Manager any (on the agency's behalf), a contributor
    their own agency's. Panel members read returns but never write them."""
    returns = AgencyReturn.objects.select_related("case__audit", "agency", "requested_by")
    if user.role == Role.BUSINESS_MANAGER:
        return returns
    if user.role == Role.AGENCY_CONTRIBUTOR and user.agency_id:
        return returns.filter(agency_id=user.agency_id)
    return returns.none()


def audit_list_to_edit_for_user(*, user):
    """Audits the user may change (their cases, panel, register, recommendations, report)."""
    return Audit.objects.all() if can_manage_audit(user) else Audit.objects.none()


def case_list_to_edit_for_user(*, user):
    return Case.objects.select_related("audit") if can_manage_audit(user) else Case.objects.none()


# --- Accessors: one object, scoped to the user, 404 otherwise, the read written to the access log ----
# `what` names the access-log entry (a tuple for several, None for a page that shows no case data).


def _audit_of(obj):
    return obj


def _case_of(obj):
    return obj


def _case_of_return(agency_return):
    return agency_return.case


def audit_get_for_user(*, request, pk, what="audit"):
    """An audit the user may read (the Business Manager, its panel)."""
    return get_for_user(
        audit_list_for_user(user=request.user).select_related("created_by"),
        request=request,
        what=what,
        audit=_audit_of,
        pk=pk,
    )


def audit_get_for_user_to_edit(*, request, pk, what=None):
    """An audit the user may change (the Business Manager); its own title and purpose are not case
    data, so nothing is logged unless the page shows more (`what`)."""
    return get_for_user(
        audit_list_to_edit_for_user(user=request.user), request=request, what=what, audit=_audit_of, pk=pk
    )


def panel_membership_get_for_user_to_edit(*, request, audit_pk, pk):
    audits = audit_list_to_edit_for_user(user=request.user)
    return get_for_user(
        PanelMembership.objects.select_related("user", "audit").filter(audit__in=audits),
        request=request,
        what=None,
        pk=pk,
        audit_id=audit_pk,
    )


def case_get_for_user(*, request, pk, what="case", prefetch=()):
    """A case the user may read (the Business Manager, the audit's panel); `prefetch` names the
    relations the page shows."""
    return get_for_user(
        case_list_for_user(user=request.user).prefetch_related(*prefetch),
        request=request,
        what=what,
        case=_case_of,
        pk=pk,
    )


def case_get_for_user_to_edit(*, request, pk, what="case", prefetch=()):
    """A case the user may change (the Business Manager)."""
    return get_for_user(
        case_list_to_edit_for_user(user=request.user).prefetch_related(*prefetch),
        request=request,
        what=what,
        case=_case_of,
        pk=pk,
    )


def identifying_term_get_for_user_to_edit(*, request, case, pk, what="identifying_terms"):
    """A register entry of a case the user may change (the Business Manager)."""
    return get_for_user(
        IdentifyingTerm.objects.filter(case__in=case_list_to_edit_for_user(user=request.user), case=case),
        request=request,
        what=what,
        case=lambda term: case,
        pk=pk,
    )


def return_get_for_user(*, request, pk, what="return"):
    """One return the user may read, with its chronology and history (its agency's contributors,
    the Business Manager, the audit's panel)."""
    return get_for_user(
        return_list_for_user(user=request.user).prefetch_related(
            Prefetch("entries", queryset=ChronologyEntry.objects.order_by("position", "date")),
            Prefetch("transitions", queryset=ReturnTransition.objects.select_related("actor")),
        ),
        request=request,
        what=what,
        case=_case_of_return,
        pk=pk,
    )


def return_get_for_user_to_edit(*, request, pk, what="return"):
    """One return the user may write to (its agency's contributors, the Business Manager)."""
    return get_for_user(
        return_list_for_worker(user=request.user), request=request, what=what, case=_case_of_return, pk=pk
    )


def return_cell_status(agency_return):
    """The completion matrix's word for a return: its status (whether it is late is shown beside it)."""
    return agency_return.status


MATRIX_STATUSES = [
    ("requested", "Requested"),
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("returned", "Returned for changes"),
    ("accepted", "Accepted"),
    # Not a status: open returns past their due date, of any of the open statuses above.
    ("overdue", "Overdue"),
]


@dataclass
class ReturnsMatrix:
    agencies: list
    rows: list  # [(case, [return or None per agency])]
    counts: list  # [(status key, label, count)]
    total: int


def return_matrix_for_audit(*, user, audit):
    """Case x agency grid of the audit's returns with counts per status, in three queries whatever the
    size of the audit. Empty for users who may not read the audit."""
    if not audit_list_for_user(user=user).filter(pk=audit.pk).exists():
        return None
    returns = list(
        AgencyReturn.objects.filter(case__audit=audit)
        .select_related("agency")
        .only(
            "id",
            "case_id",
            "agency_id",
            "status",
            "due_date",
            "submitted_at",
            "agency__name",
            "entered_on_behalf",
        )
    )
    cases = list(audit.cases.order_by("number").only("id", "pseudonym", "number", "audit_id"))
    agencies = sorted({r.agency for r in returns}, key=lambda a: a.name)
    by_cell = {(r.case_id, r.agency_id): r for r in returns}
    counts = Counter()
    for r in returns:
        r.cell_status = return_cell_status(r)
        counts[r.cell_status] += 1
        if r.is_overdue:
            counts["overdue"] += 1
    rows = [(case, [by_cell.get((case.pk, a.pk)) for a in agencies]) for case in cases]
    for case, cells in rows:
        case.matrix_asked = any(cells)  # a phone's card per case says when nothing was asked
    return ReturnsMatrix(
        agencies=agencies,
        rows=rows,
        counts=[(key, label, counts[key]) for key, label in MATRIX_STATUSES],
        total=len(returns),
    )


def timeline_agencies_for_case(*, case, index=None):
    """Agencies whose chronology is on the case's merged timeline (for the filter), by name; read from
    the timeline's index (cached) rather than by joining every return."""

    index = index or timeline_index(case)
    return Agency.objects.filter(pk__in=list(index.agencies)).order_by("name")


def shared_terms_for_contributor(*, request, agency_return):
    """The register entries marked to share, for a contributor of the agency this return asks (their
    agency was asked about the case); each showing is written to the access log. Everyone else gets
    nothing here: the Business Manager and the panel read the whole register on the case page."""
    user = request.user
    if not (user.role == Role.AGENCY_CONTRIBUTOR and user.agency_id):
        return []
    if agency_return.agency_id != user.agency_id:
        return []
    terms = list(
        IdentifyingTerm.objects.filter(case_id=agency_return.case_id, share_with_agencies=True).order_by(
            "kind", "value"
        )
    )
    if terms:
        access_record(
            request=request, what="shared_identifying_terms", obj=agency_return.case, case=agency_return.case
        )
    return terms


def return_review_queue(*, user):
    """Submitted returns waiting for the Business Manager's review, oldest submission first: the
    Business Manager's to-do list of reviews. Empty for everyone else."""
    if user.role != Role.BUSINESS_MANAGER:
        return AgencyReturn.objects.none()
    return (
        AgencyReturn.objects.filter(status=AgencyReturn.Status.SUBMITTED)
        .select_related("case__audit", "agency")
        .order_by("submitted_at", "pk")
    )
