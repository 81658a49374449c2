"""Authorisation rules for the report's pages: drafts for the Business Manager and the audit's panel;
published versions for everyone who may see the audit (Board, BM, its panel, contributing agencies)."""

import hashlib

from reports.models import LeakHit, ReportBuild, ReportVersion
from tests.factories import LearningPointFactory

from .rule import Rule

BM = {"bm"}
READERS = {"bm", "panel"}

RULES = {
    "reports:report_detail": Rule(get=READERS),
    "reports:framing_edit": Rule(get=BM),
    "reports:build_create": Rule(get=None, post=BM),
    "reports:build_status": Rule(get=READERS),
    "reports:build_preview": Rule(get=READERS),
    "reports:build_publish": Rule(get=BM),
    "reports:hit_override": Rule(get=BM),
    # cast.agency has a return in cast.audit; contributor_other's agency does not.
    "reports:version_download": Rule(get={"board", "bm", "panel", "contributor", "qa"}),
}

PDF = b"%PDF-1.7\n% authz fixture\n%%EOF\n"


def extend_cast(cast):
    published = ReportBuild.objects.create(
        audit=cast.audit,
        status=ReportBuild.Status.DONE,
        progress=100,
        build_date=cast.audit.period_end,
        requested_by=cast.bm,
        pdf=PDF,
        sha256=hashlib.sha256(PDF).hexdigest(),
    )
    cast.report_version = ReportVersion.objects.create(
        audit=cast.audit,
        number=1,
        build=published,
        pdf=PDF,
        sha256=hashlib.sha256(PDF).hexdigest(),
        size=len(PDF),
        build_date=published.build_date,
        published_by=cast.bm,
    )
    cast.report_build = ReportBuild.objects.create(
        audit=cast.audit,
        status=ReportBuild.Status.DONE,
        progress=100,
        build_date=cast.audit.period_end,
        requested_by=cast.bm,
        pdf=PDF,
        sha256=hashlib.sha256(PDF).hexdigest(),
    )
    if getattr(cast, "point", None) is None:
        cast.point = LearningPointFactory(case=cast.case, created_by=cast.panel, position=1)
    cast.leak_hit = LeakHit.objects.create(
        build=cast.report_build,
        kind=LeakHit.Kind.PATTERN,
        rule="postcode",
        matched="ZZ1 1ZZ",
        section="What we found",
        label="Learning point i",
        case=cast.case,
        object_type="learning_point",
        object_id=cast.point.pk,
    )


KWARGS = {
    "build_pk": lambda cast: cast.report_build.pk,
    "hit_pk": lambda cast: cast.leak_hit.pk,
    "version_pk": lambda cast: cast.report_version.pk,
}
