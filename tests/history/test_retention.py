"""Retention purge: what goes after the retention period, what stays, legal holds, dry run."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from cases.models import AgencyReturn, Audit, Case, ChronologyEntry, IdentifyingTerm
from history.models import IdentifyingTermEvent, LegalHold, PurgeRecord
from history.retention import _audit_path
from recommendations.models import Recommendation
from reviews.models import LearningPoint
from tests.factories import (
    AgencyReturnFactory,
    ChronologyEntryFactory,
    LearningPointFactory,
    RecommendationFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _periods(settings):
    settings.RETENTION = {
        "identifying_terms": {"days": 365, "reason": "Terms reason"},
        "agency_returns": {"days": 730, "reason": "Returns reason"},
        "evidence": {"days": 730, "reason": "Evidence reason"},
    }


def close(audit, days_ago):
    Audit.objects.filter(pk=audit.pk).update(
        status=Audit.Status.CLOSED, closed_at=timezone.now() - datetime.timedelta(days=days_ago)
    )


@pytest.fixture
def old_audit(cast):
    """The cast's audit, closed long ago, with chronology, findings and a recommendation."""
    ChronologyEntryFactory(agency_return=cast.agency_return)
    ChronologyEntryFactory(agency_return=cast.agency_return)
    AgencyReturnFactory(case=cast.case, agency=cast.other_agency, requested_by=cast.bm)
    LearningPointFactory(case=cast.case, created_by=cast.panel)
    RecommendationFactory(audit=cast.audit, created_by=cast.bm, owners=[cast.agency])
    close(cast.audit, days_ago=800)
    return cast.audit


def snapshot():
    return (
        IdentifyingTerm.objects.count(),
        AgencyReturn.objects.count(),
        ChronologyEntry.objects.count(),
        PurgeRecord.objects.count(),
    )


def test_dry_run_lists_what_would_go_and_changes_nothing(cast, old_audit, capsys):
    before = snapshot()
    call_command("purge_retained", "--dry-run")
    out = capsys.readouterr().out
    assert f"Would purge identifying_terms of audit {old_audit.pk}" in out
    assert "1 cases.IdentifyingTerm" in out
    assert "2 cases.AgencyReturn" in out and "2 cases.ChronologyEntry" in out
    assert snapshot() == before


def test_purge_removes_register_and_returns_and_keeps_report_material(cast, old_audit):
    call_command("purge_retained")
    assert not IdentifyingTerm.objects.filter(case__audit=old_audit).exists()
    assert not AgencyReturn.objects.filter(case__audit=old_audit).exists()
    assert not ChronologyEntry.objects.filter(agency_return__case__audit=old_audit).exists()
    # What the published report and the tracker rely on stays.
    assert Case.objects.filter(audit=old_audit).count() == 1
    assert LearningPoint.objects.filter(case__audit=old_audit).count() == 1
    assert Recommendation.objects.filter(audit=old_audit).count() == 1
    # The other audit (open) is untouched.
    assert AgencyReturn.objects.filter(case__audit=cast.other_audit).count() == 1
    records = {r.category: r for r in PurgeRecord.objects.filter(audit=old_audit)}
    assert set(records) == {"identifying_terms", "agency_returns"}
    assert records["identifying_terms"].counts == {"cases.IdentifyingTerm": 1}
    assert records["agency_returns"].counts == {"cases.AgencyReturn": 2, "cases.ChronologyEntry": 2}
    assert records["agency_returns"].reason == "Returns reason"
    assert records["agency_returns"].retention_days == 730
    assert records["agency_returns"].outcome == PurgeRecord.Outcome.PURGED


def test_each_category_waits_for_its_own_period(cast):
    close(cast.audit, days_ago=400)
    call_command("purge_retained")
    assert not IdentifyingTerm.objects.filter(case__audit=cast.audit).exists()
    assert AgencyReturn.objects.filter(case__audit=cast.audit).exists()


def test_an_open_or_recently_closed_audit_is_left_alone(cast):
    close(cast.audit, days_ago=10)
    before = snapshot()
    call_command("purge_retained")
    assert snapshot() == before


def test_a_legal_hold_overrides_the_purge(cast, old_audit, capsys):
    hold = LegalHold.objects.create(audit=old_audit, reason="Civil claim notified", placed_by=cast.bm)
    before = snapshot()
    call_command("purge_retained", "--dry-run")
    assert "legal hold" in capsys.readouterr().out
    call_command("purge_retained")
    assert snapshot() == before
    hold.lifted_at = timezone.now()
    hold.lifted_by = cast.bm
    hold.save()
    call_command("purge_retained")
    assert not IdentifyingTerm.objects.filter(case__audit=old_audit).exists()


def test_the_scheduled_task_purges_and_a_second_run_does_nothing(cast, old_audit, settings):
    from history.tasks import purge_retained

    assert settings.CELERY_BEAT_SCHEDULE["purge-retained-data"]["task"] == "history.tasks.purge_retained"
    # Called as the worker would run it (not .delay(): an eager call would cache Celery's disabled
    # result backend for the real-worker test that runs later).
    assert purge_retained() == 2
    assert purge_retained() == 0
    assert PurgeRecord.objects.count() == 2


def test_evidence_is_found_through_its_path_to_the_audit():
    assert _audit_path(ChronologyEntry) == "agency_return__case__audit"
    assert _audit_path(IdentifyingTerm) == "case__audit"


@pytest.mark.postgres
def test_the_history_of_purged_records_goes_with_them(cast, old_audit):
    term_pk = cast.term.pk
    assert IdentifyingTermEvent.objects.filter(pgh_obj_id=term_pk).exists()
    call_command("purge_retained")
    assert not IdentifyingTermEvent.objects.filter(pgh_obj_id=term_pk).exists()


# --- Evidence attached to responses to recommendations -----------------------------------------


@pytest.fixture
def evidenced_audit(cast):
    """A closed audit with a published report and a recommendation whose owner agency answered with
    an evidence file."""
    import hashlib

    from django.core.files.uploadedfile import SimpleUploadedFile

    from recommendations.services import response_post
    from reports.models import ReportBuild, ReportVersion

    recommendation = RecommendationFactory(audit=cast.audit, created_by=cast.bm, owners=[cast.agency])
    response = response_post(
        recommendation=recommendation,
        actor=cast.contributor,
        text="Guidance issued to every locality team.",
        files=[SimpleUploadedFile("minutes.txt", b"Fictional minutes naming the child.\n", "text/plain")],
    )
    pdf = b"%PDF-1.4 published report"
    build = ReportBuild.objects.create(
        audit=cast.audit,
        status=ReportBuild.Status.DONE,
        progress=100,
        build_date=cast.audit.period_end,
        requested_by=cast.bm,
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
    )
    version = ReportVersion.objects.create(
        audit=cast.audit,
        number=1,
        build=build,
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
        size=len(pdf),
        build_date=build.build_date,
        published_by=cast.bm,
    )
    close(cast.audit, days_ago=800)
    return {
        "recommendation": recommendation,
        "response": response,
        "evidence": response.evidence.get(),
        "version": version,
    }


def test_dry_run_lists_evidence_files_and_deletes_nothing(cast, evidenced_audit, capsys):
    from django.core.files.storage import default_storage

    from recommendations.models import EvidenceFile

    name = evidenced_audit["evidence"].file.name
    call_command("purge_retained", "--dry-run")
    out = capsys.readouterr().out
    assert f"Would purge evidence of audit {cast.audit.pk}" in out
    assert "1 recommendations.EvidenceFile; 1 file(s)" in out
    assert EvidenceFile.objects.filter(pk=evidenced_audit["evidence"].pk).exists()
    assert default_storage.exists(name)
    assert not PurgeRecord.objects.filter(category="evidence").exists()


def test_purge_removes_evidence_files_from_storage_and_keeps_the_tracker_and_report(
    client, cast, evidenced_audit, django_capture_on_commit_callbacks
):
    from django.core.files.storage import default_storage
    from django.urls import reverse

    from recommendations.models import EvidenceFile, RecommendationResponse
    from reports.models import ReportVersion
    from tests.helpers import login

    name = evidenced_audit["evidence"].file.name
    assert default_storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_retained")
    assert not EvidenceFile.objects.filter(response__recommendation__audit=cast.audit).exists()
    assert not default_storage.exists(name)
    # The tracker (recommendation, the response's text) and the published report stay.
    response = RecommendationResponse.objects.get(pk=evidenced_audit["response"].pk)
    assert response.text == "Guidance issued to every locality team."
    assert Recommendation.objects.filter(pk=evidenced_audit["recommendation"].pk).exists()
    version = ReportVersion.objects.get(pk=evidenced_audit["version"].pk)
    assert version.checksum_matches()
    record = PurgeRecord.objects.get(audit=cast.audit, category="evidence")
    assert record.counts == {"recommendations.EvidenceFile": 1} and record.files_removed == 1
    assert record.reason == "Evidence reason"
    # The recommendation page still shows the response, without the purged file.
    login(client, cast.bm)
    url = reverse(
        "recommendations:recommendation_detail", kwargs={"recommendation_pk": response.recommendation_id}
    )
    html = client.get(url).content.decode()
    assert "Guidance issued to every locality team." in html and "minutes.txt" not in html


def test_a_legal_hold_keeps_evidence_files(cast, evidenced_audit, django_capture_on_commit_callbacks):
    from django.core.files.storage import default_storage

    LegalHold.objects.create(audit=cast.audit, reason="Inquiry", placed_by=cast.bm)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_retained")
    assert default_storage.exists(evidenced_audit["evidence"].file.name)
