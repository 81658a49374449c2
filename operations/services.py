"""State changes for the moving parts: heartbeats stamped by the periodic sweeps."""

from django.utils import timezone

from .models import Heartbeat


def heartbeat_record(*, name, detail=""):
    """Stamp `name` as seen now (one row per name, updated in place)."""
    Heartbeat.objects.update_or_create(
        name=name, defaults={"seen_at": timezone.now(), "detail": detail[:250]}
    )
