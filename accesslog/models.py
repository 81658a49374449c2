import re
from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.urls import Resolver404, resolve

# URL parts that are secrets in themselves (an invitee's personal link, a reset or enrolment link):
# the log keeps the route with a placeholder, and the object id says which record was read.
SECRET_URL_KWARGS = frozenset({"token", "uidb64"})


def path_without_secrets(path):
    """`path` with every secret URL argument replaced by its name, e.g.
    /invitations/respond/<token>/; paths with no secret come back unchanged."""
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return path
    if not SECRET_URL_KWARGS.intersection(match.kwargs):
        return path
    # The route as written in urls.py: secrets become "<name>", other arguments their value.
    route = "/" + match.route
    for name, value in match.kwargs.items():
        shown = f"<{name}>" if name in SECRET_URL_KWARGS else str(value)
        route = re.sub(rf"<(?:\w+:)?{name}>", lambda _m, shown=shown: shown, route)
    return route


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

    @property
    def shown_path(self):
        """The path as shown and exported: entries written before secrets were left out of the log
        still hold a working personal link, which must not reach a reader or a spreadsheet."""
        return path_without_secrets(self.path)
