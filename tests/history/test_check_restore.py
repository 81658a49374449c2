"""manage.py check_restore: a restored database and its files are checked before anyone relies on them,
and each kind of damage makes it fail, naming what is wrong."""

import hashlib
import json

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from cases.models import ChronologyEntry
from reports.models import ReportBuild, ReportVersion
from tests.factories import ChronologyEntryFactory, RecommendationFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7 published report\n%%EOF\n"


def private_files(names):
    root = settings.PRIVATE_MEDIA_ROOT
    for name, content in names.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return root


@pytest.fixture
def backed_up(cast, tmp_path):
    """A database with chronology, a published report and an evidence file, and the manifest written
    when it was backed up."""
    from recommendations.services import response_post

    ChronologyEntryFactory(agency_return=cast.agency_return)
    ChronologyEntryFactory(agency_return=cast.agency_return)
    build = ReportBuild.objects.create(
        audit=cast.audit,
        status=ReportBuild.Status.DONE,
        build_date=cast.audit.period_end,
        requested_by=cast.bm,
        pdf=PDF,
        sha256=hashlib.sha256(PDF).hexdigest(),
    )
    version = ReportVersion.objects.create(
        audit=cast.audit,
        number=1,
        build=build,
        pdf=PDF,
        sha256=hashlib.sha256(PDF).hexdigest(),
        size=len(PDF),
        build_date=build.build_date,
        published_by=cast.bm,
    )
    recommendation = RecommendationFactory(audit=cast.audit, created_by=cast.bm, owners=[cast.agency])
    response = response_post(
        recommendation=recommendation,
        actor=cast.contributor,
        text="Guidance issued.",
        files=[SimpleUploadedFile("minutes.txt", b"Fictional minutes.\n", "text/plain")],
    )
    manifest = tmp_path / "manifest.json"
    call_command("check_restore", write_manifest=str(manifest))
    return {"manifest": str(manifest), "version": version, "evidence": response.evidence.get()}


def failures(capsys, **options):
    capsys.readouterr()
    with pytest.raises(CommandError, match="Restore check failed"):
        call_command("check_restore", **options)
    return capsys.readouterr().err


def test_a_clean_restore_passes(backed_up, capsys):
    with open(backed_up["manifest"], encoding="utf-8") as fh:
        data = json.load(fh)
    assert data["rows"]["accounts.User"] == 8 and data["rows"]["cases.ChronologyEntry"] == 2  # the cast
    assert len(data["files"]) == 1
    capsys.readouterr()
    call_command("check_restore", manifest=backed_up["manifest"])
    out = capsys.readouterr().out
    assert "ok   migrations: all applied" in out
    assert "tables match the manifest" in out
    assert "ok   published reports: 1 version(s) match their SHA-256" in out
    assert "ok   evidence: 1 file(s) match the checksums stored at upload" in out
    assert "ok   files: 1 of 1 checked against the manifest" in out
    assert "Restore check passed." in out


def test_a_restore_that_lost_every_chronology_row_fails(backed_up, capsys):
    ChronologyEntry.objects.all().delete()
    err = failures(capsys, manifest=backed_up["manifest"])
    assert "row count differs: cases.ChronologyEntry: 0 now, 2 in the manifest" in err


def test_a_published_report_whose_bytes_changed_fails(backed_up, capsys):
    # Damage done outside the application (the model refuses any change to a published version).
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE reports_reportversion SET pdf = %s WHERE id = %s",
            [b"%PDF-1.7 something else", backed_up["version"].pk],
        )
    err = failures(capsys)  # caught without a manifest too
    assert "report version 1 of audit" in err and "do not match their SHA-256" in err


def test_an_altered_evidence_file_fails_without_a_manifest(backed_up, capsys):
    evidence = backed_up["evidence"]
    (settings.PRIVATE_MEDIA_ROOT / evidence.file.name).write_bytes(b"Altered minutes.\n")
    err = failures(capsys)
    assert f"evidence {evidence.pk}: checksum differs from the one stored at upload" in err


def test_a_changed_or_missing_file_fails_against_the_manifest(cast, tmp_path, capsys):
    root = private_files({"evidence/a.pdf": b"original", "evidence/b.pdf": b"kept"})
    manifest = tmp_path / "manifest.json"
    call_command("check_restore", write_manifest=str(manifest))
    (root / "evidence/a.pdf").write_bytes(b"tampered")
    (root / "evidence/b.pdf").unlink()
    err = failures(capsys, manifest=str(manifest))
    assert "checksum differs: evidence/a.pdf" in err and "file missing: evidence/b.pdf" in err


def test_an_empty_database_fails():
    with pytest.raises(CommandError):
        call_command("check_restore")


@pytest.mark.postgres
def test_a_restore_without_the_append_only_trigger_fails(cast, capsys):
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER accesslog_append_only ON accesslog_accesslogentry")
    assert "append-only trigger is missing" in failures(capsys)


@pytest.mark.postgres
def test_a_restore_missing_history_triggers_fails_and_names_each(backed_up, capsys):
    import pgtrigger

    from history.models import EVENT_MODELS

    tracked = {m.pgh_tracked_model for m in EVENT_MODELS.values()}
    triggers = [
        (model._meta.db_table, t.get_pgid(model)) for model, t in pgtrigger.registered() if model in tracked
    ]
    assert len(triggers) == 3 * len(tracked)  # insert, update, delete on each tracked table
    capsys.readouterr()
    call_command("check_restore", manifest=backed_up["manifest"])
    assert f"ok   change history: {len(triggers)} trigger(s)" in capsys.readouterr().out
    dropped = triggers[::5][:6]
    with connection.cursor() as cursor:
        for table, name in dropped:
            cursor.execute(f'DROP TRIGGER "{name}" ON "{table}"')
    err = failures(capsys, manifest=backed_up["manifest"])
    for table, name in dropped:
        assert f"change history: trigger {name} missing on {table}" in err
    assert "6 problem(s)" in err or err.count("FAIL change history") == 6


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_backup_restored_into_a_new_database_passes_and_a_damaged_one_fails(cast, tmp_path):
    """The whole round trip: manifest and dump from one snapshot, pg_restore into an empty database,
    check_restore run there (as an operator would, in its own process)."""
    import os
    import subprocess
    import sys

    ChronologyEntryFactory(agency_return=cast.agency_return)
    manifest, dump = tmp_path / "manifest.json", tmp_path / "db.dump"
    call_command("check_restore", write_manifest=str(manifest), dump=str(dump))
    assert json.loads(manifest.read_text())["rows"]["cases.ChronologyEntry"] == 1

    db = connection.settings_dict
    host, port, user = db["HOST"] or "127.0.0.1", str(db["PORT"] or 5432), db["USER"]
    restored = f"{db['NAME']}_restored"
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{user}@{host}:{port}/{restored}",
        "PGPASSWORD": db["PASSWORD"] or "",
        "PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
    }
    login = ["-h", host, "-p", port, "-U", user]

    def psql(database, sql):
        subprocess.run(
            ["psql", *login, "-d", database, "-v", "ON_ERROR_STOP=1", "-c", sql],
            env=env,
            check=True,
            capture_output=True,
        )

    def check():
        return subprocess.run(
            [sys.executable, "manage.py", "check_restore", "--manifest", str(manifest)],
            env=env,
            capture_output=True,
            text=True,
            cwd=settings.BASE_DIR,
        )

    psql("postgres", f'DROP DATABASE IF EXISTS "{restored}"')
    psql("postgres", f'CREATE DATABASE "{restored}"')
    try:
        subprocess.run(
            ["pg_restore", "--no-owner", *login, "-d", restored, str(dump)],
            env=env,
            check=True,
            capture_output=True,
        )
        clean = check()
        assert clean.returncode == 0, clean.stderr
        assert "Restore check passed." in clean.stdout
        psql(restored, "DELETE FROM cases_chronologyentry")
        damaged = check()
        assert damaged.returncode != 0
        assert "row count differs: cases.ChronologyEntry: 0 now, 1 in the manifest" in damaged.stderr
    finally:
        psql("postgres", f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')
