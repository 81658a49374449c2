from django.db import models


class Heartbeat(models.Model):
    """When a moving part was last seen doing its job: each periodic sweep (started only by beat, run
    by a worker) stamps its row, so the health page can say how long ago beat and a worker last ran."""

    name = models.CharField(max_length=60, unique=True)
    seen_at = models.DateTimeField()
    detail = models.CharField(max_length=250, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} seen at {self.seen_at:%Y-%m-%d %H:%M}"
