from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from notifications.models import Notification
from notifications.services import notification_resend


class Command(BaseCommand):
    help = (
        "Send failed e-mails again (after a mail outage): every failed one with --failed, or the ones "
        "named by id. Also those still waiting for a later automatic try. Each goes at most once more."
    )

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int, help="Notification ids (see the log page).")
        parser.add_argument(
            "--failed", action="store_true", help="Every failed e-mail and every one waiting to retry."
        )

    def handle(self, *args, ids=(), failed=False, **options):
        if not ids and not failed:
            raise CommandError("Name the notification ids to send again, or pass --failed.")
        rows = Notification.objects.order_by("pk")
        if ids:
            rows = rows.filter(pk__in=ids)
        else:
            rows = rows.filter(
                Q(status=Notification.Status.FAILED)
                | Q(status=Notification.Status.PENDING, next_attempt_at__isnull=False)
            )
        missing = set(ids) - set(rows.values_list("pk", flat=True))
        if missing:
            raise CommandError(f"No notification with id {', '.join(map(str, sorted(missing)))}.")
        sent, skipped = 0, 0
        for notification in rows:
            if not notification.can_resend:
                if ids:
                    self.stdout.write(
                        f"{notification.pk}: {notification.get_status_display().lower()}, left alone"
                    )
                skipped += 1
                continue
            notification_resend(notification=notification, actor=None)
            self.stdout.write(f"{notification.pk}: sent again to {notification.to}")
            sent += 1
        self.stdout.write(self.style.SUCCESS(f"{sent} e-mail{'s' if sent != 1 else ''} sent again."))
