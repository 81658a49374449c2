from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


class Notification(models.Model):
    """One e-mail the system sends, claimed by its unique key before it is sent.

    The key names what the message is about, its kind and the date it refers to
    (e.g. ``return:42:due_soon:2026-12-01``), so a retried task, a second worker or a beat that fires
    twice finds the row already there and sends nothing.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        WITHHELD = "withheld", "Withheld by the leak guard"

    # object:id:kind:due-date:recipient — long enough for a full e-mail address at the end.
    key = models.CharField(max_length=400, unique=True)
    kind = models.CharField(max_length=50)
    to = models.EmailField()
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
    )
    reply_to = models.EmailField(blank=True)
    subject = models.CharField(max_length=250)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    # [{"filename": ..., "content": ..., "mimetype": ...}] with text content (e.g. an .ics invite).
    attachments = models.JSONField(default=list, blank=True)
    about_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    about_id = models.PositiveBigIntegerField(null=True, blank=True)
    about = GenericForeignKey("about_type", "about_id")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    # After a round of quick attempts fails (e.g. the mail server is down), the row waits for a later
    # round: the periodic sweep hands it to a worker again at next_attempt_at (hours, backing off).
    retry_rounds = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    resent_at = models.DateTimeField(null=True, blank=True)
    resent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["about_type", "about_id"]),
            models.Index(fields=["status", "created_at"]),
        ]

    def __str__(self):
        return f"{self.kind} to {self.to} ({self.status})"

    def get_kind_display_text(self):
        text = self.kind.replace("_", " ") + " e-mail"
        return ("an " if text[0] in "aeiou" else "a ") + text

    @property
    def is_waiting_to_retry(self):
        return self.status == self.Status.PENDING and self.next_attempt_at is not None

    @property
    def can_resend(self):
        """Failed for good, or waiting for a later round: the Business Manager may send it now."""
        return self.status == self.Status.FAILED or self.is_waiting_to_retry
