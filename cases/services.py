"""State changes for audits, panels, cases and the identifying-terms register."""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from .models import Audit, Case, IdentifyingTerm, PanelMembership, number_in_words


@transaction.atomic
def audit_create(*, actor, title, theme, purpose, period_start, period_end, status=Audit.Status.PLANNING):
    """Open a new audit; the Business Manager who opens it is recorded."""
    audit = Audit(
        title=title,
        theme=theme,
        purpose=purpose,
        period_start=period_start,
        period_end=period_end,
        status=status,
        created_by=actor,
    )
    audit.full_clean()
    audit.save()
    return audit


@transaction.atomic
def audit_update(*, audit, actor, **fields):
    """Change an audit's details. Closing stamps closed_at (the retention clock starts there)."""
    for name, value in fields.items():
        setattr(audit, name, value)
    if audit.status == Audit.Status.CLOSED and audit.closed_at is None:
        audit.closed_at = timezone.now()
    elif audit.status != Audit.Status.CLOSED:
        audit.closed_at = None
    audit.full_clean()
    audit.save()
    return audit


@transaction.atomic
def panel_member_add(*, audit, user, panel_role, is_chair=False, actor):
    """Seat a panel member on an audit's panel, in a named panel role."""
    membership = PanelMembership(audit=audit, user=user, panel_role=panel_role, is_chair=is_chair)
    membership.full_clean()
    membership.save()
    return membership


@transaction.atomic
def panel_member_remove(*, membership, actor):
    membership.delete()


@transaction.atomic
def case_create(*, audit, actor, selection_basis, child_status, method, summary="", agencies=()):
    """Add a case to an audit. Cases are numbered in order and named by number ("Case One"); the audit
    row is locked so two Business Managers adding cases at once cannot take the same number."""
    Audit.objects.select_for_update().get(pk=audit.pk)
    number = (audit.cases.aggregate(n=Max("number"))["n"] or 0) + 1
    case = Case(
        audit=audit,
        number=number,
        pseudonym=f"Case {number_in_words(number)}",
        selection_basis=selection_basis,
        child_status=child_status,
        method=method,
        summary=summary,
    )
    case.full_clean()
    case.save()
    case.agencies.set(agencies)
    return case


@transaction.atomic
def case_update(*, case, actor, agencies=None, **fields):
    for name, value in fields.items():
        setattr(case, name, value)
    case.full_clean()
    case.save()
    if agencies is not None:
        case.agencies.set(agencies)
    return case


@transaction.atomic
def identifying_term_add(*, case, actor, kind, value):
    """Register a term that identifies the child or family; the report's leak guard checks for it."""
    term = IdentifyingTerm(case=case, kind=kind, value=value.strip(), created_by=actor)
    term.full_clean()
    term.save()
    return term


@transaction.atomic
def identifying_term_remove(*, term, actor):
    term.delete()
