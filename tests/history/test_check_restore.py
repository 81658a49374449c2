"""manage.py check_restore: a restored database and its files are checked before anyone relies on them."""

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

pytestmark = pytest.mark.django_db


def private_files(names):
    root = settings.PRIVATE_MEDIA_ROOT
    for name, content in names.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return root


def test_a_good_restore_passes(cast, tmp_path, capsys):
    private_files({"evidence/a.pdf": b"%PDF-1.7 one", "evidence/b.xlsx": b"PK two"})
    manifest = tmp_path / "files.sha256"
    call_command("check_restore", write_manifest=str(manifest))
    assert len(manifest.read_text().splitlines()) == 2
    call_command("check_restore", manifest=str(manifest))
    out = capsys.readouterr().out
    assert "ok   migrations: all applied" in out
    assert "accounts.User: 7 row(s)" in out
    assert "ok   files: 2 of 2 checked against the manifest" in out
    assert "Restore check passed." in out


def test_a_changed_or_missing_file_fails(cast, tmp_path, capsys):
    root = private_files({"evidence/a.pdf": b"original", "evidence/b.pdf": b"kept"})
    manifest = tmp_path / "files.sha256"
    call_command("check_restore", write_manifest=str(manifest))
    (root / "evidence/a.pdf").write_bytes(b"tampered")
    (root / "evidence/b.pdf").unlink()
    with pytest.raises(CommandError, match="2 problem"):
        call_command("check_restore", manifest=str(manifest))
    err = capsys.readouterr().err
    assert "checksum differs: evidence/a.pdf" in err and "file missing: evidence/b.pdf" in err


def test_an_empty_database_fails():
    with pytest.raises(CommandError):
        call_command("check_restore")


@pytest.mark.postgres
def test_a_restore_without_the_append_only_trigger_fails(cast, capsys):
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER accesslog_append_only ON accesslog_accesslogentry")
    with pytest.raises(CommandError):
        call_command("check_restore")
    assert "append-only trigger is missing" in capsys.readouterr().err
