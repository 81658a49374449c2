from django.core.management.base import BaseCommand

from history.retention import retention_plan, retention_purge


class Command(BaseCommand):
    help = "Purge data of audits closed for longer than the retention periods (settings.RETENTION)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List what would go; change nothing.")

    def handle(self, *args, dry_run=False, **options):
        if dry_run:
            items = retention_plan()
            if not items:
                self.stdout.write("Nothing is due for purging.")
            for item in items:
                if item.outcome == "purge":
                    what = ", ".join(f"{n} {label}" for label, n in sorted(item.counts.items()))
                    self.stdout.write(
                        f"Would purge {item.category} of audit {item.audit.pk} ({item.audit}): {what}; "
                        f"{len(item.files)} file(s)"
                    )
                else:
                    self.stdout.write(
                        f"Would skip {item.category} of audit {item.audit.pk} ({item.audit}): "
                        f"{item.outcome} — {item.detail}"
                    )
            return
        records = retention_purge()
        for record in records:
            self.stdout.write(
                f"{record.get_outcome_display()} {record.category} of audit {record.audit_id}: "
                f"{record.counts or record.detail}; {record.files_removed} file(s)"
            )
        self.stdout.write(self.style.SUCCESS(f"{len(records)} purge record(s) written."))
