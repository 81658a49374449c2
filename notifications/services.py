"""Queue e-mails so that each goes once. Every message the system sends goes through here."""

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string

from .models import Notification


def notification_queue(
    *, key, kind, to, subject, template, context, about=None, recipient=None, reply_to="", attachments=()
):
    """Create the notification with this key (or find the one already there) and enqueue its delivery
    after the transaction commits. Returns (notification, created). A key already used sends nothing."""
    from .tasks import deliver_notification

    context = {**context, "recipient": recipient}
    body_text = render_to_string(f"{template}.txt", context)
    body_html = render_to_string(f"{template}.html", context)
    about_type = ContentType.objects.get_for_model(about) if about is not None else None
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                key=key,
                kind=kind,
                to=to,
                recipient=recipient,
                reply_to=reply_to,
                subject=subject[:250],
                body_text=body_text,
                body_html=body_html,
                attachments=list(attachments),
                about_type=about_type,
                about_id=getattr(about, "pk", None),
            )
    except IntegrityError:
        return Notification.objects.get(key=key), False
    transaction.on_commit(lambda: deliver_notification.delay(notification.pk))
    return notification, True
