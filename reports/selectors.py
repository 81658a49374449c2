"""Reads of report framing, drafts, leak guard hits and published versions, scoped by the user."""

from django.db.models import Exists, OuterRef, Q

from accounts.models import Role
from cases.models import AgencyReturn, Audit
from cases.selectors import audit_list_for_user
from recommendations.models import Recommendation

from .models import LeakHit, ReportBuild, ReportVersion


def report_audit_list_for_user(*, user):
    """Audits whose report drafts a user may work on or preview: the Business Manager's (all) and
    the panel's own. Board members and contributors see published versions only."""
    return audit_list_for_user(user=user)


def build_list_for_user(*, user):
    """Drafts are for the Business Manager and the audit's panel; nobody else (a 404 for them)."""
    return ReportBuild.objects.filter(audit__in=report_audit_list_for_user(user=user)).select_related("audit")


def hit_list_for_user(*, user):
    return LeakHit.objects.filter(build__in=build_list_for_user(user=user))


def published_audit_list_for_user(*, user):
    """Audits whose published report a user may download: Board members and the Business Manager
    every audit; panel members the audits on their panel; an agency contributor the audits their
    agency contributed to or owns a recommendation of."""
    if not user.is_authenticated or not user.is_active:
        return Audit.objects.none()
    if user.role in (Role.BOARD_MEMBER, Role.BUSINESS_MANAGER):
        return Audit.objects.all()
    if user.role == Role.QUALITY_ASSURANCE:
        # Read-only quality assurance: published reports only (no drafts, no case detail).
        return Audit.objects.filter(report_versions__isnull=False).distinct()
    if user.role == Role.PANEL_MEMBER:
        return Audit.objects.filter(panel_memberships__user=user)
    if user.role == Role.AGENCY_CONTRIBUTOR and user.agency_id:
        returned = AgencyReturn.objects.filter(case__audit=OuterRef("pk"), agency_id=user.agency_id)
        owns = Recommendation.objects.filter(audit=OuterRef("pk"), owners=user.agency_id)
        return Audit.objects.filter(Q(Exists(returned)) | Q(Exists(owns)))
    return Audit.objects.none()


def version_list_for_user(*, user):
    """Published versions, without their bytes (those are loaded only to download one)."""
    return (
        ReportVersion.objects.filter(audit__in=published_audit_list_for_user(user=user))
        .select_related("audit")
        .defer("pdf")
    )


def latest_build(*, audit):
    return ReportBuild.objects.filter(audit=audit).defer("pdf").order_by("-created_at", "-pk").first()


def recommendations_past_deadline(*, audit, on):
    """The audit's recommendations still open (not assured, closed or answered) whose deadline had
    passed by `on` (the draft's date): the Business Manager is warned before publishing them."""
    from recommendations.tracker import with_rag_state

    return list(
        with_rag_state(
            Recommendation.objects.filter(audit=audit).select_related("deadline_meeting"), today=on
        )
        .filter(rag="overdue")
        .order_by("position", "pk")
    )
