"""Check a restored database and private files: run it after every test restore.

manage.py check_restore --write-manifest backup/files.sha256   # at backup time, next to the dump
manage.py check_restore --manifest backup/files.sha256          # after restoring both
"""

import datetime
import hashlib
import random
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from accesslog.models import AccessLogEntry

COUNTED = [
    "accounts.User",
    "cases.Agency",
    "cases.Audit",
    "cases.Case",
    "cases.IdentifyingTerm",
    "cases.AgencyReturn",
    "cases.ChronologyEntry",
    "recommendations.Recommendation",
    "accesslog.AccessLogEntry",
    "history.PurgeRecord",
]


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _private_files(root):
    return sorted(p for p in Path(root).rglob("*") if p.is_file())


class Command(BaseCommand):
    help = "Verify a restored database: migrations applied, row counts, access-log integrity, file checksums."

    def add_arguments(self, parser):
        parser.add_argument("--manifest", help="Checksum manifest written at backup time (--write-manifest).")
        parser.add_argument("--sample", type=int, default=50, help="How many files to checksum (default 50).")
        parser.add_argument(
            "--write-manifest", help="Write a checksum manifest of the private files and stop."
        )

    def handle(self, *args, manifest=None, sample=50, write_manifest=None, **options):
        root = Path(settings.PRIVATE_MEDIA_ROOT)
        if write_manifest:
            files = _private_files(root) if root.exists() else []
            with open(write_manifest, "w", encoding="utf-8") as out:
                for path in files:
                    out.write(f"{_sha256(path)}  {path.relative_to(root).as_posix()}\n")
            self.stdout.write(f"Manifest of {len(files)} file(s) written to {write_manifest}.")
            return
        problems = []
        problems += self._check_migrations()
        problems += self._report_counts()
        problems += self._check_access_log()
        problems += self._check_files(root, manifest, sample)
        if problems:
            for problem in problems:
                self.stderr.write(f"FAIL {problem}")
            raise CommandError(f"Restore check failed: {len(problems)} problem(s).")
        self.stdout.write(self.style.SUCCESS("Restore check passed."))

    def _check_migrations(self):
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if plan:
            return [f"{len(plan)} migration(s) not applied, e.g. {plan[0][0].app_label}.{plan[0][0].name}"]
        self.stdout.write("ok   migrations: all applied")
        return []

    def _report_counts(self):
        for label in COUNTED:
            model = apps.get_model(label)
            self.stdout.write(f"     {label}: {model._default_manager.count()} row(s)")
        if not apps.get_model("accounts.User").objects.exists():
            return ["no users: the database looks empty"]
        return []

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
                cursor.execute(
                    "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'pgtrigger_%%' AND tgenabled <> 'D'"
                )
                if cursor.fetchone()[0] == 0:
                    problems.append("change history: no history triggers installed (run manage.py migrate)")
        if not problems:
            self.stdout.write("ok   access log: append-only protection in place")
        return problems

    def _check_files(self, root, manifest, sample):
        if manifest:
            lines = [
                line.split("  ", 1)
                for line in Path(manifest).read_text(encoding="utf-8").splitlines()
                if line
            ]
            chosen = random.sample(lines, min(sample, len(lines)))
            bad = []
            for digest, name in chosen:
                path = root / name
                if not path.is_file():
                    bad.append(f"file missing: {name}")
                elif _sha256(path) != digest:
                    bad.append(f"checksum differs: {name}")
            if not bad:
                self.stdout.write(f"ok   files: {len(chosen)} of {len(lines)} checked against the manifest")
            return bad
        # No manifest: every file the database names in a sample must exist and be readable.
        names = []
        for model in apps.get_models():
            for f in model._meta.concrete_fields:
                if f.get_internal_type() == "FileField" or f.__class__.__name__ in (
                    "FileField",
                    "ImageField",
                ):
                    names += [n for n in model._default_manager.values_list(f.attname, flat=True) if n]
        chosen = random.sample(names, min(sample, len(names)))
        bad = [f"file missing: {n}" for n in chosen if not (root / n).is_file()]
        for n in chosen:
            if (root / n).is_file():
                _sha256(root / n)  # read it through
        if not bad:
            self.stdout.write(
                f"ok   files: {len(chosen)} of {len(names)} referenced file(s) present and readable"
            )
        return bad
