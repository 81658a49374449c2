"""Legal holds: placed and lifted by the Business Manager, each with who and when."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .models import LegalHold


@transaction.atomic
def legal_hold_place(*, audit, actor, reason):
    """Stop the retention purge for an audit until the hold is lifted."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the audit's data must be kept."})
    if LegalHold.objects.select_for_update().filter(audit=audit, lifted_at__isnull=True).exists():
        raise ValidationError({"reason": "This audit is already under a legal hold."})
    return LegalHold.objects.create(audit=audit, reason=reason, placed_by=actor)


@transaction.atomic
def legal_hold_lift(*, hold, actor):
    """End a legal hold; the purge applies again from its next run."""
    hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
    if hold.lifted_at is None:
        hold.lifted_at = timezone.now()
        hold.lifted_by = actor
        hold.save(update_fields=["lifted_at", "lifted_by"])
    return hold
