"""The demo report: framing for the demo audit, and a checked draft (published if clean) when the
demo has findings. Loading twice changes nothing."""

import pytest
from django.core.management import call_command

from cases.demo import TITLE as DEMO_TITLE
from cases.models import Audit
from reports.models import AuditReport, ReportBuild, ReportVersion
from reviews.models import LearningPoint
from tests.factories import LearningPointFactory, RecommendationFactory

from .conftest import flat, pdf_text

pytestmark = pytest.mark.django_db


def test_demo_framing_is_loaded_once():
    call_command("load_demo", force=True)
    call_command("load_demo", force=True)
    framing = AuditReport.objects.get()
    assert framing.audit == Audit.objects.get(title=DEMO_TITLE)
    assert "four children" in framing.what_we_did


def test_demo_with_findings_builds_and_publishes_version_one_once():
    call_command("load_demo", force=True)
    audit = Audit.objects.get(title=DEMO_TITLE)
    if not LearningPoint.objects.filter(case__audit=audit).exists():
        # The reviews and recommendations demo modules come from other features; stand in for them.
        bm = audit.created_by
        LearningPointFactory(
            case=audit.cases.get(number=1), position=1, text="Team working was strong.", created_by=bm
        )
        RecommendationFactory(
            audit=audit, position=1, text="Agencies to report back to the Board.", created_by=bm
        )
    call_command("load_demo", force=True)
    call_command("load_demo", force=True)
    build = ReportBuild.objects.get()
    assert build.status == ReportBuild.Status.DONE
    # The demo is fictional and anonymised: its draft must be clean (a hit here is a false positive
    # of the guard, or a real slip in the demo text), and so published for the Board to see.
    assert not build.hits.filter(overridden_at__isnull=True).exists(), [
        (h.section, h.label, h.matched) for h in build.hits.all()
    ]
    version = ReportVersion.objects.get()
    assert version.number == 1 and version.checksum_matches()
    body = flat(pdf_text(bytes(version.pdf)))
    assert "What we found" in body and "Case One Learning" in body
