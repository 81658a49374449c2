"""Check a restored database and private files: run it after every test restore.

manage.py check_restore --write-manifest backup/manifest.json --dump backup/db.dump   # backup time
manage.py check_restore --manifest backup/manifest.json          # after restoring both

With --dump (PostgreSQL), the dump is taken with pg_dump from the very snapshot the row counts were
read in, so the counts match the dump even while the application keeps writing.

The manifest holds the row count of every table the project owns (history included) and the SHA-256
of every private file. The check compares both, and also, with or without a manifest: migrations
applied, the access log's append-only trigger and every change-history trigger in place (PostgreSQL),
every published report version's bytes against its SHA-256, every evidence file against the checksum
stored when it was uploaded. It exits non-zero and names each mismatch.
"""

import datetime
import hashlib
import json
import os
import random
import subprocess
from pathlib import Path

import pgtrigger
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from accesslog.models import AccessLogEntry
from history.models import EVENT_MODELS
from recommendations.models import EvidenceFile
from reports.models import ReportVersion

# Apps whose tables are counted in the manifest (third-party tables such as sessions are left out:
# they change between backup and check without anything being wrong).
PROJECT_APPS = (
    "accounts",
    "cases",
    "reviews",
    "audittools",
    "recommendations",
    "notifications",
    "reports",
    "learning",
    "accesslog",
    "history",
)
MANIFEST_FORMAT = 2


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _private_files(root):
    return sorted(p for p in Path(root).rglob("*") if p.is_file())


def _counted_models():
    return sorted(
        (m for m in apps.get_models() if m._meta.app_label in PROJECT_APPS and not m._meta.proxy),
        key=lambda m: m._meta.label,
    )


def row_counts():
    return {m._meta.label: m._default_manager.count() for m in _counted_models()}


def _read_manifest(path):
    """{"rows": {label: n}, "files": {name: sha256}}; a manifest of the older line format
    ("<sha256>  <name>" per line) has files only."""
    text = Path(path).read_text(encoding="utf-8")
    try:
        data = json.loads(text)
    except ValueError:
        files = dict(reversed(line.split("  ", 1)) for line in text.splitlines() if line)
        return {"rows": None, "files": files}
    return {"rows": data.get("rows"), "files": data.get("files", {})}


class Command(BaseCommand):
    help = (
        "Verify a restored database: migrations, row counts and file checksums against the backup's "
        "manifest, history triggers, report and evidence checksums, access-log integrity."
    )

    def add_arguments(self, parser):
        parser.add_argument("--manifest", help="Manifest written at backup time (--write-manifest).")
        parser.add_argument(
            "--sample",
            type=int,
            default=None,
            help="Check only this many of the manifest's files (default all).",
        )
        parser.add_argument(
            "--write-manifest",
            help="Write the manifest (row counts, file checksums) of this database and stop.",
        )
        parser.add_argument(
            "--dump",
            help="With --write-manifest (PostgreSQL): also write a pg_dump (custom format) to this file, "
            "from the same snapshot as the row counts.",
        )

    def handle(self, *args, manifest=None, sample=None, write_manifest=None, dump=None, **options):
        root = Path(settings.PRIVATE_MEDIA_ROOT)
        if dump and not write_manifest:
            raise CommandError("--dump goes with --write-manifest.")
        if write_manifest:
            if dump:
                self._write_manifest_and_dump(root, write_manifest, dump)
            else:
                self._write_manifest(root, write_manifest)
            return
        expected = _read_manifest(manifest) if manifest else None
        problems = []
        problems += self._check_migrations()
        problems += self._check_counts(expected)
        problems += self._check_access_log()
        problems += self._check_history_triggers()
        problems += self._check_report_versions()
        problems += self._check_evidence(root)
        problems += self._check_files(root, expected, sample)
        if problems:
            for problem in problems:
                self.stderr.write(f"FAIL {problem}")
            raise CommandError(f"Restore check failed: {len(problems)} problem(s).")
        self.stdout.write(self.style.SUCCESS("Restore check passed."))

    def _write_manifest_and_dump(self, root, path, dump):
        """Count the rows in a repeatable-read snapshot, export it, and have pg_dump read that same
        snapshot while this transaction holds it open."""
        if connection.vendor != "postgresql":
            raise CommandError("--dump needs PostgreSQL (pg_dump).")
        if connection.in_atomic_block:
            raise CommandError("--dump must run outside a transaction.")
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
            rows = row_counts()
            db = connection.settings_dict
            env = {**os.environ, "PGPASSWORD": str(db.get("PASSWORD") or "")}
            command = ["pg_dump", "-Fc", "--no-owner", f"--snapshot={snapshot}", "-f", str(dump)]
            for flag, key in (("-h", "HOST"), ("-p", "PORT"), ("-U", "USER")):
                if db.get(key):
                    command += [flag, str(db[key])]
            command.append(db["NAME"])
            result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
            if result.returncode != 0:
                raise CommandError(f"pg_dump failed: {result.stderr.strip()[:500]}")
        self._write_manifest(root, path, rows=rows)
        self.stdout.write(f"Dump written to {dump} from the manifest's snapshot.")

    def _write_manifest(self, root, path, rows=None):
        files = _private_files(root) if root.exists() else []
        data = {
            "format": MANIFEST_FORMAT,
            "written_at": timezone.now().isoformat(),
            "rows": rows if rows is not None else row_counts(),
            "files": {p.relative_to(root).as_posix(): _sha256(p) for p in files},
        }
        Path(path).write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
        self.stdout.write(
            f"Manifest of {len(data['rows'])} table(s) and {len(files)} file(s) written to {path}."
        )

    def _check_migrations(self):
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if plan:
            return [f"{len(plan)} migration(s) not applied, e.g. {plan[0][0].app_label}.{plan[0][0].name}"]
        self.stdout.write("ok   migrations: all applied")
        return []

    def _check_counts(self, expected):
        counts = row_counts()
        problems = []
        if not apps.get_model("accounts.User").objects.exists():
            problems.append("no users: the database looks empty")
        if not expected or expected["rows"] is None:
            for label, n in counts.items():
                self.stdout.write(f"     {label}: {n} row(s)")
            return problems
        for label in sorted(set(counts) | set(expected["rows"])):
            now, then = counts.get(label), expected["rows"].get(label)
            if now != then:
                problems.append(
                    f"row count differs: {label}: {'no table' if now is None else now} now, "
                    f"{'no table' if then is None else then} in the manifest"
                )
        if not problems:
            self.stdout.write(f"ok   row counts: all {len(counts)} tables match the manifest")
        return problems

    def _check_access_log(self):
        problems = []
        future = AccessLogEntry.objects.filter(at__gt=timezone.now() + datetime.timedelta(minutes=5)).count()
        if future:
            problems.append(f"access log: {future} entr(y/ies) dated in the future")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT tgenabled FROM pg_trigger WHERE tgname = 'accesslog_append_only' "
                    "AND tgrelid = 'accesslog_accesslogentry'::regclass"
                )
                row = cursor.fetchone()
                if row is None or row[0] == "D":
                    problems.append("access log: the append-only trigger is missing or disabled")
        if not problems:
            self.stdout.write("ok   access log: append-only protection in place")
        return problems

    def _check_history_triggers(self):
        """Every tracked table has each of its history triggers, enabled (PostgreSQL only)."""
        if connection.vendor != "postgresql":
            self.stdout.write("     change history: not checked (no triggers on this database)")
            return []

        tracked = {m.pgh_tracked_model for m in EVENT_MODELS.values()}
        expected = [
            (model, trigger.get_pgid(model)) for model, trigger in pgtrigger.registered() if model in tracked
        ]
        problems = []
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.relname, t.tgname, t.tgenabled FROM pg_trigger t "
                "JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal"
            )
            present = {(table, name): enabled for table, name, enabled in cursor.fetchall()}
        for model in sorted(tracked, key=lambda m: m._meta.label):
            names = [name for m, name in expected if m is model]
            if not names:
                problems.append(f"change history: no trigger is registered for {model._meta.label}")
            for name in names:
                state = present.get((model._meta.db_table, name))
                if state is None:
                    problems.append(f"change history: trigger {name} missing on {model._meta.db_table}")
                elif state == "D":
                    problems.append(f"change history: trigger {name} disabled on {model._meta.db_table}")
        if not problems:
            self.stdout.write(
                f"ok   change history: {len(expected)} trigger(s) on {len(tracked)} tracked tables"
            )
        return problems

    def _check_report_versions(self):

        problems, checked = [], 0
        for pk in ReportVersion.objects.order_by("pk").values_list("pk", flat=True):
            version = ReportVersion.objects.get(pk=pk)  # one PDF in memory at a time
            checked += 1
            if not version.checksum_matches():
                problems.append(
                    f"report version {version.number} of audit {version.audit_id}: "
                    "its bytes do not match their SHA-256"
                )
        if not problems:
            self.stdout.write(f"ok   published reports: {checked} version(s) match their SHA-256")
        return problems

    def _check_evidence(self, root):
        """Every evidence file exists and matches the checksum stored when it was uploaded."""

        problems, checked = [], 0
        for pk, name, digest in EvidenceFile.objects.order_by("pk").values_list("pk", "file", "sha256"):
            checked += 1
            path = root / name
            if not digest:
                problems.append(f"evidence {pk} ({name}): no stored checksum")
            elif not path.is_file():
                problems.append(f"evidence {pk}: file missing: {name}")
            elif _sha256(path) != digest:
                problems.append(f"evidence {pk}: checksum differs from the one stored at upload: {name}")
        if not problems:
            self.stdout.write(f"ok   evidence: {checked} file(s) match the checksums stored at upload")
        return problems

    def _check_files(self, root, expected, sample):
        if expected:
            lines = sorted(expected["files"].items())
            chosen = random.sample(lines, min(sample, len(lines))) if sample else lines
            bad = []
            for name, digest in chosen:
                path = root / name
                if not path.is_file():
                    bad.append(f"file missing: {name}")
                elif _sha256(path) != digest:
                    bad.append(f"checksum differs: {name}")
            if not bad:
                self.stdout.write(f"ok   files: {len(chosen)} of {len(lines)} checked against the manifest")
            return bad
        # No manifest: every file the database names must exist and be readable.
        names = []
        for model in apps.get_models():
            for f in model._meta.concrete_fields:
                if f.get_internal_type() in ("FileField", "ImageField"):
                    names += [n for n in model._default_manager.values_list(f.attname, flat=True) if n]
        bad = [f"file missing: {n}" for n in names if not (root / n).is_file()]
        if not bad:
            self.stdout.write(f"ok   files: {len(names)} referenced file(s) present")
        return bad
