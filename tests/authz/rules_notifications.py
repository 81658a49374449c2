"""Authorisation rules for the reminders' pages: the log is the Business Manager's; the lead times
are shown to every logged-in user."""

from .rule import Rule

ALL = {"bm", "panel", "panel_other", "contributor", "contributor_other", "board", "qa", "admin"}

RULES = {
    "notifications:log": Rule(get={"bm"}),
    "notifications:settings": Rule(get=ALL),
    "notifications:resend": Rule(get=None, post={"bm"}),
}


def extend_cast(cast):
    from notifications.models import Notification

    cast.failed_notification = Notification.objects.create(
        key="authz:failed:1",
        kind="return_overdue",
        to="contrib@test.example",
        subject="Reminder",
        body_text="Reminder",
        status=Notification.Status.FAILED,
    )


KWARGS = {"notification_pk": lambda cast: cast.failed_notification.pk}
