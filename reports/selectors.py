"""Reads of report framing, drafts, leak guard hits and published versions, scoped by the user."""

from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from accesslog.models import AccessLogEntry
from accesslog.services import access_record, get_for_user
from accounts.models import Role
from accounts.permissions import can_override_leak_hit
from cases.models import AgencyReturn, Audit
from cases.selectors import audit_list_for_user, audit_list_to_edit_for_user
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


# --- Accessors: one object, scoped to the user, 404 otherwise, the read written to the access log ----


def _audit_of(obj):
    return obj


def _build_audit(obj):
    return obj.build.audit if isinstance(obj, LeakHit) else obj.audit


def report_audit_get_for_user(*, request, pk, what="report"):
    """The audit whose report page (framing, drafts, leak guard) the user may open."""
    return get_for_user(
        report_audit_list_for_user(user=request.user), request=request, what=what, audit=_audit_of, pk=pk
    )


def build_get_for_user(*, request, pk):
    """A draft's progress, for the Business Manager and the audit's panel. Once the build has finished
    its partial shows the leak guard's hits, and that read is logged."""
    build = get_for_user(
        build_list_for_user(user=request.user).defer("pdf"), request=request, what=None, pk=pk
    )
    if build.is_finished:
        access_record(request=request, what="report_leak_hits", obj=build, audit=build.audit)
    return build


def build_get_for_user_to_preview(*, request, pk):
    """A finished draft's PDF, the download logged; 404 while it has not finished."""
    build = get_for_user(build_list_for_user(user=request.user), request=request, what=None, pk=pk)
    if build.status != ReportBuild.Status.DONE or not build.pdf:
        raise Http404("This draft has not finished building.")
    access_record(
        request=request,
        what="report_draft",
        obj=build,
        audit=build.audit,
        action=AccessLogEntry.Action.DOWNLOAD,
    )
    return build


def build_get_for_user_to_edit(*, request, pk, what="report_leak_hits"):
    """A draft the user may publish (the Business Manager); the page shows its leak-guard result."""
    builds = ReportBuild.objects.filter(audit__in=audit_list_to_edit_for_user(user=request.user))
    return get_for_user(
        builds.defer("pdf").select_related("audit"), request=request, what=what, audit=_build_audit, pk=pk
    )


def leak_hit_get_for_user_to_edit(*, request, pk):
    """A leak-guard hit the user may override (the Business Manager; a pattern hit not yet
    overridden), with its context shown: logged."""
    hits = (
        hit_list_for_user(user=request.user).select_related("build__audit")
        if can_override_leak_hit(request.user)
        else LeakHit.objects.none()
    )
    hit = get_for_user(hits, request=request, what=None, pk=pk)
    if not hit.can_override:
        raise Http404("Only a pattern hit that has not been overridden can be overridden.")
    access_record(request=request, what="leak_hit", obj=hit, case=hit.case, audit=hit.build.audit)
    return hit


def version_get_for_user(*, request, pk):
    """A published version the user may download, its bytes checked against the checksum before the
    download is logged and served."""
    version = get_for_user(
        version_list_for_user(user=request.user).defer(None), request=request, what=None, pk=pk
    )
    if not version.checksum_matches():
        raise RuntimeError(f"Report version {version.pk} does not match its checksum.")
    access_record(
        request=request,
        what="report_version",
        obj=version,
        audit=version.audit,
        action=AccessLogEntry.Action.DOWNLOAD,
    )
    return version


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
