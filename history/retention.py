"""Retention: what an audit closed for longer than its retention period loses, and the purge itself.

Per category (settings.RETENTION): the identifying-terms register, the agency returns with their
chronologies (and anything that cascades from them), and uploaded evidence (including the files
attached to responses to recommendations, not the responses). The audit, its cases,
findings, the published report and the recommendation tracker stay. A legal hold stops everything.
The change history of a purged record goes with it (keeping it would keep the data); a PurgeRecord
says what went, under which rule and why.
"""

import datetime
import logging
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import models, router, transaction
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.utils import timezone

from cases.models import AgencyReturn, Audit, Case, IdentifyingTerm

from .models import (
    EVENT_MODELS,
    AgencyReturnEvent,
    ChronologyEntryEvent,
    IdentifyingTermEvent,
    LegalHold,
    PurgeRecord,
    ReturnAnswerEvent,
    SectionReflectionEvent,
)

log = logging.getLogger("pscb_audit.security")

# Apps whose file-holding records count as evidence (found by their path to the audit).
EVIDENCE_APPS = ("cases", "reviews")
# Evidence in the apps that are otherwise kept. The files agencies attach to their responses to a
# recommendation are evidence (they may hold anything about the case); the recommendation, the
# responses' text and their history (the tracker) and the published report stay.
EVIDENCE_MODELS = {"recommendations.EvidenceFile": "response__recommendation__audit"}
_AUDIT_PATHS = ("audit", "case__audit", "agency_return__case__audit", "meeting__case__audit")


@dataclass
class PurgeItem:
    audit: Audit
    category: str
    outcome: str  # "purge", "held", "blocked"
    counts: dict = field(default_factory=dict)
    files: list = field(default_factory=list)
    detail: str = ""

    @property
    def label(self):
        return self.category.replace("_", " ")

    @property
    def total(self):
        return sum(self.counts.values())


def _file_fields(model):
    return [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


def _audit_path(model):
    """The lookup from `model` to its Audit, if it has one of the usual shapes."""
    for path in _AUDIT_PATHS:
        current = model
        try:
            for part in path.split("__"):
                current = current._meta.get_field(part).related_model
        except Exception:  # noqa: S112 - FieldDoesNotExist or a non-relation: try the next shape
            continue
        if current is Audit:
            return path
    return None


def evidence_querysets(audit):
    """Every file-holding record of the evidence apps that belongs to `audit`."""
    for model in apps.get_models():
        if model._meta.app_label in EVIDENCE_APPS and _file_fields(model):
            path = _audit_path(model)
            if path:
                yield model.objects.filter(**{path: audit})
    for label, path in EVIDENCE_MODELS.items():
        yield apps.get_model(label).objects.filter(**{path: audit})


def category_querysets(category, audit):
    if category == "identifying_terms":
        return [IdentifyingTerm.objects.filter(case__audit=audit)]
    if category == "agency_returns":
        return [AgencyReturn.objects.filter(case__audit=audit)]
    if category == "evidence":
        return list(evidence_querysets(audit))
    raise ValueError(f"Unknown retention category {category!r}")


def _collect(querysets):
    """What deleting these querysets would delete (cascades included), without deleting it."""
    collector = Collector(using=router.db_for_write(Audit), origin=None)
    for qs in querysets:
        collector.collect(qs)
    rows, files = {}, []
    for model, instances in collector.data.items():
        rows.setdefault(model, set()).update(obj.pk for obj in instances)
        for f in _file_fields(model):
            files += [getattr(obj, f.attname) for obj in instances if getattr(obj, f.attname)]
    for qs in collector.fast_deletes:
        model = qs.model
        rows.setdefault(model, set()).update(qs.values_list("pk", flat=True))
        for f in _file_fields(model):
            files += [name for name in qs.values_list(f.attname, flat=True) if name]
    rows = {m: pks for m, pks in rows.items() if pks}
    return collector, rows, files


def due_audits(*, category, now=None):
    """Closed audits whose closure is older than the category's retention period."""
    now = now or timezone.now()
    days = settings.RETENTION[category]["days"]
    return Audit.objects.filter(
        status=Audit.Status.CLOSED,
        closed_at__isnull=False,
        closed_at__lte=now - datetime.timedelta(days=days),
    ).order_by("closed_at", "pk")


def _held_audit_ids():
    return set(LegalHold.objects.filter(lifted_at__isnull=True).values_list("audit_id", flat=True))


def retention_plan(*, now=None):
    """What a purge would do now: one item per (audit, category) with something to remove."""
    items, held = [], _held_audit_ids()
    for category in settings.RETENTION:
        for audit in due_audits(category=category, now=now):
            querysets = category_querysets(category, audit)
            if not any(qs.exists() for qs in querysets):
                continue
            if audit.pk in held:
                items.append(PurgeItem(audit, category, "held", detail="A legal hold is in place."))
                continue
            try:
                _, rows, files = _collect(querysets)
            except (ProtectedError, RestrictedError) as exc:
                items.append(PurgeItem(audit, category, "blocked", detail=_blocked_detail(exc)))
                continue
            counts = {m._meta.label: len(pks) for m, pks in rows.items()}
            items.append(PurgeItem(audit, category, "purge", counts=counts, files=files))
    return items


def _blocked_detail(exc):
    blockers = sorted({obj._meta.label for obj in getattr(exc, "protected_objects", None) or []})
    blockers = blockers or sorted({obj._meta.label for obj in getattr(exc, "restricted_objects", None) or []})
    return "Other records still refer to these and are kept: " + (", ".join(blockers) or str(exc))


def _purge_one(item, *, actor):
    config = settings.RETENTION[item.category]
    with transaction.atomic():
        audit = Audit.objects.select_for_update().get(pk=item.audit.pk)
        if LegalHold.objects.filter(audit=audit, lifted_at__isnull=True).exists():
            return None
        try:
            collector, rows, files = _collect(category_querysets(item.category, audit))
        except (ProtectedError, RestrictedError) as exc:
            return PurgeRecord.objects.create(
                audit=audit,
                category=item.category,
                retention_days=config["days"],
                reason=config["reason"],
                outcome=PurgeRecord.Outcome.BLOCKED,
                detail=_blocked_detail(exc),
                run_by=actor,
            )
        collector.delete()
        history_removed = _purge_history(item.category, audit, rows)
        record = PurgeRecord.objects.create(
            audit=audit,
            category=item.category,
            retention_days=config["days"],
            reason=config["reason"],
            counts={m._meta.label: len(pks) for m, pks in rows.items()},
            files_removed=len(files),
            detail=f"{history_removed} history event(s) removed with them." if history_removed else "",
            run_by=actor,
        )
        transaction.on_commit(lambda: _delete_files(files))
    log.info(
        "retention_purge audit_id=%s category=%s rows=%s files=%s",
        audit.pk,
        item.category,
        sum(record.counts.values()),
        len(files),
    )
    return record


def _purge_history(category, audit, rows):
    """Remove the change history of what was purged, following the audit rather than the rows that
    exist now: a chronology is rewritten on every draft save (its rows deleted and created again with
    new ids), and a term or a return may have been deleted before the purge, yet their history still
    holds the text. Returns how many events went."""

    case_ids = list(Case.objects.filter(audit=audit).values_list("pk", flat=True))
    removed = 0
    # The delete events the triggers have just written, and the rest of these rows' history.
    for model, pks in rows.items():
        event_model = EVENT_MODELS.get((model._meta.app_label, model._meta.model_name))
        if event_model is not None:
            removed += event_model.objects.filter(pgh_obj_id__in=pks).delete()[0]
    if category == "identifying_terms":
        removed += IdentifyingTermEvent.objects.filter(case_id__in=case_ids).delete()[0]
    elif category == "agency_returns":
        # Every return the audit's cases ever had (some may have been deleted before the purge).
        return_ids = set(rows.get(AgencyReturn, ())) | set(
            AgencyReturnEvent.objects.filter(case_id__in=case_ids).values_list("pgh_obj_id", flat=True)
        )
        removed += ChronologyEntryEvent.objects.filter(agency_return_id__in=return_ids).delete()[0]
        # The audit tool's answers on those returns, whose free text is part of the return.
        removed += ReturnAnswerEvent.objects.filter(agency_return_id__in=return_ids).delete()[0]
        removed += SectionReflectionEvent.objects.filter(agency_return_id__in=return_ids).delete()[0]
        removed += AgencyReturnEvent.objects.filter(pgh_obj_id__in=return_ids).delete()[0]
    return removed


def _delete_files(names):
    for name in names:
        default_storage.delete(name)


def retention_purge(*, actor=None, now=None):
    """Purge everything due (each audit and category in its own transaction) and record it.
    Returns the PurgeRecords written."""
    records = []
    for item in retention_plan(now=now):
        if item.outcome == "held":
            continue
        record = _purge_one(item, actor=actor)
        if record is not None:
            records.append(record)
    return records
