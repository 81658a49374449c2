"""Reading change history: the events of one record, as before/after changes with who and when."""

from dataclasses import dataclass, field
from types import SimpleNamespace

from django.db import connection
from django.http import Http404

from accesslog.services import access_record, get_for_user
from accounts.models import User
from accounts.permissions import can_manage_audit
from cases.models import AgencyReturn, Case

from .models import EVENT_MODELS, LegalHold

LABELS = {"insert": "Created", "update": "Changed", "delete": "Deleted"}


@dataclass
class Change:
    field: str
    before: str
    after: str


@dataclass
class HistoryItem:
    at: object
    action: str
    actor: object
    url: str
    changes: list = field(default_factory=list)


def history_is_recorded():
    """Events are written by PostgreSQL triggers; on SQLite nothing is recorded."""
    return connection.vendor == "postgresql"


def event_model_for(app_label, model_name):
    try:
        return EVENT_MODELS[(app_label, model_name.lower())]
    except KeyError:
        raise Http404("No history is kept for that kind of record.") from None


def _case_of(model, object_pk):
    """The case a record belongs to (for the access log), if it still exists."""
    tracked = model.pgh_tracked_model
    obj = tracked._default_manager.filter(pk=object_pk).first()
    if obj is None:
        return None
    if isinstance(obj, Case):
        return obj
    if hasattr(obj, "case_id"):
        return Case.objects.filter(pk=obj.case_id).first()
    if hasattr(obj, "agency_return_id"):
        return Case.objects.filter(returns__pk=obj.agency_return_id).first()
    if isinstance(obj, AgencyReturn):
        return obj.case
    return None


def record_history_get_for_user(*, request, app_label, model_name, object_pk):
    """The event model of a kind of record whose history is kept (404 otherwise) and the case the
    record belongs to; the read of its history is written to the access log. (The view is the
    Business Manager's; the history covers records that may since have been deleted, so the scope is
    the role.)"""
    event_model = event_model_for(app_label, model_name)
    case = _case_of(event_model, object_pk)
    access_record(
        request=request,
        what=f"history:{event_model.pgh_tracked_model._meta.model_name}",
        obj=SimpleNamespace(pk=object_pk),
        case=case,
    )
    return event_model, case


def legal_hold_get_for_user_to_edit(*, request, pk):
    """A legal hold still in place, for the user who may lift it (the Business Manager)."""
    holds = LegalHold.objects.select_related("audit", "placed_by").filter(lifted_at__isnull=True)
    if not can_manage_audit(request.user):
        holds = holds.none()
    return get_for_user(holds, request=request, what=None, pk=pk)


def _display(model_field, value):
    if value is None or value == "":
        return "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if model_field.is_relation:
        return f"#{value}"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


def record_history(*, event_model, object_pk):
    """Every recorded event of one record, oldest first, each with the fields it changed."""
    tracked = event_model.pgh_tracked_model
    fields = [f for f in event_model._meta.fields if not f.name.startswith("pgh_") and f.name != "id"]
    if "id" in {f.name for f in event_model._meta.fields}:
        fields.insert(0, event_model._meta.get_field("id"))
    events = list(
        event_model.objects.filter(pgh_obj_id=object_pk).select_related("pgh_context").order_by("pgh_id")
    )
    actor_ids = {
        (e.pgh_context.metadata or {}).get("user") for e in events if e.pgh_context_id and e.pgh_context
    } - {None}
    actors = {u.pk: u for u in User.objects.filter(pk__in=actor_ids)}
    items, previous = [], None
    for event in events:
        changes = []
        if event.pgh_label != "delete":
            for f in fields:
                after = getattr(event, f.attname)
                before = getattr(previous, f.attname) if previous is not None else None
                if previous is None or before != after:
                    model_field = tracked._meta.get_field(f.name)
                    changes.append(
                        Change(
                            field=str(model_field.verbose_name),
                            before=_display(model_field, before) if previous is not None else "",
                            after=_display(model_field, after),
                        )
                    )
        metadata = (event.pgh_context.metadata or {}) if event.pgh_context_id and event.pgh_context else {}
        items.append(
            HistoryItem(
                at=event.pgh_created_at,
                action=LABELS.get(event.pgh_label, event.pgh_label),
                actor=actors.get(metadata.get("user")),
                url=metadata.get("url", ""),
                changes=changes,
            )
        )
        previous = event
    return items
