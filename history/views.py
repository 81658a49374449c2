from types import SimpleNamespace

from django.shortcuts import render
from django.views.decorators.http import require_safe

from accesslog.services import access_record
from accounts.permissions import business_manager_required
from cases.models import AgencyReturn, Case

from . import selectors


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


@business_manager_required
@require_safe
def record_history(request, app_label, model_name, object_pk):
    """Who changed what on one record, with the values before and after each change."""
    event_model = selectors.event_model_for(app_label, model_name)
    case = _case_of(event_model, object_pk)
    access_record(
        request=request,
        what=f"history:{event_model.pgh_tracked_model._meta.model_name}",
        obj=SimpleNamespace(pk=object_pk),
        case=case,
    )
    context = {
        "items": selectors.record_history(event_model=event_model, object_pk=object_pk),
        "kind": event_model.pgh_tracked_model._meta.verbose_name,
        "object_pk": object_pk,
        "case": case,
        "recorded": selectors.history_is_recorded(),
    }
    return render(request, "history/record_history.html", context)
