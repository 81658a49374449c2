import datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.permissions import permission_required
from cases.models import Audit
from cases.selectors import audit_get_for_user_to_edit
from core.confirmation import Row, announce, confirmation_page

from . import selectors, services
from .forms import LegalHoldForm
from .models import LegalHold, PurgeRecord
from .retention import retention_plan


@permission_required("manage_audits")
@require_safe
def record_history(request, app_label, model_name, object_pk):
    """Who changed what on one record, with the values before and after each change."""
    event_model, case = selectors.record_history_get_for_user(
        request=request, app_label=app_label, model_name=model_name, object_pk=object_pk
    )
    context = {
        "items": selectors.record_history(event_model=event_model, object_pk=object_pk),
        "kind": event_model.pgh_tracked_model._meta.verbose_name,
        "object_pk": object_pk,
        "case": case,
        "recorded": selectors.history_is_recorded(),
    }
    return render(request, "history/record_history.html", context)


def _label(category):
    return category.replace("_", " ").capitalize()


def _retention_context(request, forms=None):
    audits = Audit.objects.filter(status=Audit.Status.CLOSED).order_by("closed_at")
    holds = {
        h.audit_id: h for h in LegalHold.objects.filter(lifted_at__isnull=True).select_related("placed_by")
    }
    rows = []
    for audit in audits:
        due = [
            (
                _label(category),
                audit.closed_at + datetime.timedelta(days=rule["days"]) if audit.closed_at else None,
            )
            for category, rule in settings.RETENTION.items()
        ]
        form = (forms or {}).get(audit.pk) or LegalHoldForm(prefix=f"hold-{audit.pk}")
        rows.append({"audit": audit, "due": due, "hold": holds.get(audit.pk), "form": form})
    return {
        "rows": rows,
        "rules": [(_label(category), rule) for category, rule in settings.RETENTION.items()],
        "plan": retention_plan(),
        "records": PurgeRecord.objects.select_related("audit", "run_by")[:50],
    }


@permission_required("manage_audits")
@require_safe
def retention(request):
    """Closed audits, when each kind of data is due to go, legal holds, and what has been purged."""
    return render(request, "history/retention.html", _retention_context(request))


@permission_required("manage_audits")
@require_POST
def legal_hold_place(request, audit_pk):
    audit = audit_get_for_user_to_edit(request=request, pk=audit_pk)
    form = LegalHoldForm(request.POST, prefix=f"hold-{audit.pk}")
    if form.is_valid():
        try:
            services.legal_hold_place(audit=audit, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error("reason", exc.message_dict.get("reason"))
        else:
            messages.success(request, f"Legal hold placed on {audit}. Nothing will be purged from it.")
            return redirect("history:retention")
    context = _retention_context(request, forms={audit.pk: form})
    return render(request, "history/retention.html", context, status=400)


@permission_required("manage_audits")
@require_http_methods(["GET", "POST"])
def legal_hold_lift(request, hold_pk):
    """GET: the confirmation page (what the purge will then remove, and when); POST: lift the hold."""
    hold = selectors.legal_hold_get_for_user_to_edit(request=request, pk=hold_pk)
    audit = hold.audit
    if request.method == "GET":
        today = timezone.localdate()
        due = []
        for category, rule in settings.RETENTION.items():
            if audit.closed_at is None:
                continue
            day = timezone.localtime(audit.closed_at + datetime.timedelta(days=rule["days"])).date()
            when = "at the next nightly purge" if day <= today else f"from {day:%d/%m/%Y}"
            due.append(Row(_label(category), f"Purged {when}"))
        return confirmation_page(
            request,
            caption=str(audit),
            title="Lift the legal hold?",
            summary=[
                Row("Placed", f"{timezone.localtime(hold.placed_at):%d/%m/%Y} by {hold.placed_by.full_name}"),
                Row("Reason", hold.reason),
                *due,
            ],
            paragraphs=[
                "While the hold is on, the nightly purge leaves this audit's data alone. Once it is lifted, "
                "the purge applies again as listed above."
            ],
            warning="Data the purge removes cannot be brought back.",
            button="Lift the hold",
            cancel_url=reverse("history:retention"),
        )
    services.legal_hold_lift(hold=hold, actor=request.user)
    announce(
        request,
        title=f"Legal hold on {audit} lifted",
        next_steps=[
            "The nightly purge applies to this audit again from its next run, on the dates shown on this "
            "page. Place a new hold before then if the data must be kept."
        ],
    )
    return redirect("history:retention")
