from django.conf import settings
from django.db import models


class AccessLogQuerySet(models.QuerySet):
    """No bulk change either: on PostgreSQL a trigger refuses it too (migration 0003)."""

    def update(self, **kwargs):
        raise PermissionError("The access log is append-only.")

    def delete(self):
        raise PermissionError("The access log is append-only.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise PermissionError("The access log is append-only.")


class AccessLogEntry(models.Model):
    """Who read which case data, when and from where. Append-only: never updated or deleted."""

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        DOWNLOAD = "download", "Downloaded"
        EXPORT = "export", "Exported"

    at = models.DateTimeField(auto_now_add=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    action = models.CharField(max_length=10, choices=Action.choices, default=Action.VIEW)
    what = models.CharField(max_length=50, help_text="The kind of record read, e.g. case, return, timeline.")
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    # Kept as plain ids so that the log outlives what it describes.
    audit_id = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)
    case_id = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)
    path = models.CharField(max_length=500)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name_plural = "access log entries"
        indexes = [
            models.Index(fields=["user", "at"]),
            # Pages are a keyset on (at, id), newest first: a B-tree on both serves them straight from
            # the index (BRIN cannot order; measured in docs/benchmark.md).
            models.Index(fields=["at", "id"], name="accesslog_at_id"),
        ]

    def __str__(self):
        return f"{self.user_id} {self.action} {self.what} {self.object_id} at {self.at}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The access log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The access log is append-only.")
