"""Demo report: the framing text of the fictional Northbridge audit, in our own words, and, when the
demo has learning points and recommendations (other apps' demo data, loaded before this), a draft
checked by the leak guard and, if it is clean, published as version 1. Idempotent; fictional."""

from django.conf import settings
from django.utils import timezone

from reviews.models import LearningPoint

from . import services
from .models import AuditReport, ReportBuild, ReportVersion

WHAT_WE_DID = (
    "Working for the {board}'s scrutiny committee, its audit team led a thematic learning review across "
    "agencies. The review asked how well local services, working together, had responded to four children "
    "whose disclosures suggested that they were being sexually abused by someone in their own family."
)
HOW_WE_DID_THIS = (
    "The four cases were chosen from children who had been the subject of a Section 47 enquiry or a "
    "child protection conference after telling someone that a relative had sexually abused them.\n\n"
    "Two of the children had come to the end of the child protection process, so their cases were "
    "audited from agency records. The other two were in care or on a child protection plan, so the "
    "practitioners who knew them best were asked to a reflective practice meeting instead."
)
ASSURANCE = (
    "The panel looked at what each of the four cases could teach us and whether the teams involved "
    "needed to take particular actions. Where they did, the actions went back to the agencies concerned "
    "in confidence and the audit group is following up the responses; they are kept out of this report to "
    "protect confidentiality. The Board can take assurance that the audit group found no child, in any of "
    "the four cases, left unsafe or at risk of further harm."
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
