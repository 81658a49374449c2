import datetime

from django.core.management.base import BaseCommand, CommandError

from notifications.reminders import run_daily
from notifications.services import notification_recover_stale


class Command(BaseCommand):
    help = (
        "Run the daily reminder job inline (for cron in embedded mode, or by hand). Safe to run as often as "
        "you like: each reminder is sent once. Also hands stuck e-mails back for delivery."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Run as if today were this date (YYYY-MM-DD).")

    def handle(self, *args, date=None, **options):
        try:
            today = datetime.date.fromisoformat(date) if date else None
        except ValueError as exc:
            raise CommandError(f"--date must be YYYY-MM-DD: {exc}") from exc
        recovered = notification_recover_stale()
        queued = run_daily(today=today)
        total = sum(queued.values())
        for kind, count in sorted(queued.items()):
            self.stdout.write(f"{kind}: {count}")
        self.stdout.write(
            self.style.SUCCESS(f"{total} reminder{'s' if total != 1 else ''} queued, {recovered} recovered.")
        )
