"""Reads of audits, cases and returns, always scoped by the user who asks."""

from django.db.models import Count

from accounts.models import Role

from .models import AgencyReturn, Audit, Case, IdentifyingTerm


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


def identifying_term_list_for_user(*, user, case):
    """The register is seen by the Business Manager and the audit's panel only."""
    if not case_list_for_user(user=user).filter(pk=case.pk).exists():
        return IdentifyingTerm.objects.none()
    return case.identifying_terms.all()


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
