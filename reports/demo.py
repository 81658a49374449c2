"""Demo report: the framing text of the demo audit in the seed's words and, when the demo has
learning points and recommendations (other apps' demo data, loaded before this), a draft checked by
the leak guard and, if it is clean, published as version 1. Idempotent; fictional."""

from django.conf import settings
from django.utils import timezone

from reviews.models import LearningPoint

from . import services
from .models import AuditReport, ReportBuild, ReportVersion

WHAT_WE_DID = (
    "The {board} Monitoring, Evaluation and Scrutiny Committee audit team coordinated a thematic learning "
    "review with the aim of understanding how effectively current multi-agency practice responded to a "
    "sample of four children where disclosures had been made that sexual abuse may be occurring within "
    "a family."
)
HOW_WE_DID_THIS = (
    "We looked at cases that had been considered as a Section 47 enquiry or at a Child Protection "
    "Conference where the child had disclosed that they had been sexually abused by a family member. "
    "Of these, four cases were chosen to be considered within this audit.\n\n"
    "For two of these children the child protection process had concluded, so an audit based on agency "
    "records was appropriate. In the other two cases the child was either now being looked after or was "
    "on a child protection plan, so the key practitioners who knew the child best were invited to a "
    "reflective practice meeting."
)
ASSURANCE = (
    "For each of the four cases in this review the audit panel considered the learning and whether there "
    "were any specific actions that needed to be considered by the teams involved. Specific actions have "
    "been fed back separately to the agencies involved and their responses will be monitored by the audit "
    "group; they are not included in this report for reasons of confidentiality. The Board can be "
    "reassured that in none of these four cases did the audit group find any incidents of children being "
    "left unsafe or potentially at risk of continued harm."
)


def load(world):
    audit = world.get("audit")
    if audit is None:
        return
    bm = world["users"]["bm@pscb.example"]
    AuditReport.objects.get_or_create(
        audit=audit,
        defaults={
            "what_we_did": WHAT_WE_DID.format(board=settings.BOARD_NAME),
            "how_we_did_this": HOW_WE_DID_THIS,
            "assurance": ASSURANCE,
            "updated_by": bm,
        },
    )
    has_findings = LearningPoint.objects.filter(case__audit=audit).exists() and audit.recommendations.exists()
    if not has_findings or ReportBuild.objects.filter(audit=audit).exists():
        return
    # Rendered here, not queued: load_demo runs in one transaction and should leave a finished draft.
    build = ReportBuild.objects.create(audit=audit, requested_by=bm, build_date=timezone.localdate())
    services.report_build_run(build_id=build.pk)
    build.refresh_from_db()
    if (
        build.status == ReportBuild.Status.DONE
        and not services.blocking_hits(build).exists()
        and not ReportVersion.objects.filter(audit=audit).exists()
    ):
        services.report_publish(build=build, actor=bm)
