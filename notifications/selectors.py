"""Reads of the notification log, scoped by the user who asks."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from accesslog.services import access_record, get_for_user
from accounts.models import Role

from .models import Notification


def notification_list_for_user(*, user):
    """The Business Manager sees every notification; nobody else sees the log."""
    if user.role != Role.BUSINESS_MANAGER or not user.is_active:
        return Notification.objects.none()
    return Notification.objects.select_related("recipient", "resent_by")


def notification_list_get_for_user(*, request):
    """The notification log for the user asking, the read written to the access log."""
    access_record(request=request, what="notification_log")
    return notification_list_for_user(user=request.user)


def notification_get_for_user_to_edit(*, request, pk):
    """A notification the user may send again (the Business Manager); 404 otherwise."""
    return get_for_user(notification_list_for_user(user=request.user), request=request, what=None, pk=pk)


def notification_list_about(*, user, obj, limit=50):
    """The reminders `obj` has caused, newest first (one query): for the Business Manager only."""
    if obj is None or getattr(obj, "pk", None) is None:
        return Notification.objects.none()
    about_type = ContentType.objects.get_for_model(obj)
    return notification_list_for_user(user=user).filter(about_type=about_type, about_id=obj.pk)[:limit]


def notification_needs_attention_for_user(*, user):
    """Failed e-mails and those waiting for a later try (the mail server was down), oldest first."""
    return (
        notification_list_for_user(user=user)
        .filter(
            Q(status=Notification.Status.FAILED)
            | Q(status=Notification.Status.PENDING, next_attempt_at__isnull=False)
        )
        .order_by("created_at", "pk")
    )
