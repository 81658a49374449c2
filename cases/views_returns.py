"""Agency returns: requests, the agency's edit page, import, review, and the merged timeline page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from accesslog.services import access_record
from accounts.permissions import (
    CASE_DATA_ROLES,
    business_manager_required,
    case_reader_required,
    return_worker_required,
    role_required,
)
from pscb_audit.forms import add_service_errors

from . import selectors, services
from .chronology import (
    COLUMNS,
    TEMPLATE_GUIDANCE,
    ImportRefused,
    chronology_import_read,
    format_uk_date,
    template_csv,
    template_xlsx,
)
from .forms import (
    MAX_CHRONOLOGY_ROWS,
    ChronologyEntryForm,
    ChronologyFormSet,
    ChronologyImportForm,
    ReturnForm,
    ReturnRequestForm,
    SendBackForm,
    TimelineFilterForm,
)
from .timeline import case_timeline as build_case_timeline
from .timeline import timeline_index, timeline_link_prefix, timeline_position

ROWS_PREFIX = "entries"
ROW_FIELDS = list(ChronologyEntryForm.base_fields)


# --- Requests ---------------------------------------------------------------------------------


@business_manager_required
def return_request(request, case_pk):
    """The Business Manager asks agencies for their returns on a case, with a due date."""
    case = get_object_or_404(
        selectors.case_list_for_user(user=request.user).prefetch_related("agencies"), pk=case_pk
    )
    access_record(request=request, what="case", obj=case, case=case)
    form = ReturnRequestForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.return_request(case=case, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"{len(created)} return{'s' if len(created) != 1 else ''} requested for {case.pseudonym}.",
            )
            return redirect("cases:case_detail", case_pk=case.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "cases/return_request.html", {"form": form, "case": case, "audit": case.audit}, status=status
    )


# --- The return ------------------------------------------------------------------------------


# Reading a return: its agency's contributors, the Business Manager, and the audit's panel (scoped by
# selectors.return_list_for_user). Built from the role rules in accounts.permissions.
return_reader_required = role_required(*CASE_DATA_ROLES)


def _return_for_worker(request, return_pk):
    return get_object_or_404(selectors.return_list_for_worker(user=request.user), pk=return_pk)


@return_reader_required
@require_safe
def return_detail(request, return_pk):
    agency_return = selectors.return_detail_for_user(user=request.user, pk=return_pk)
    access_record(request=request, what="return", obj=agency_return, case=agency_return.case)
    context = {
        "agency_return": agency_return,
        "case": agency_return.case,
        "audit": agency_return.case.audit,
        "entries": agency_return.entries.all(),
        "transitions": agency_return.transitions.all(),
        "can_edit": _may_edit(request.user, agency_return),
        "show_content": _may_read_content(request.user, agency_return),
    }
    if request.user.is_business_manager:
        context["send_back_form"] = SendBackForm()
    return render(request, "cases/return_detail.html", context)


def _may_read_content(user, agency_return):
    """The panel reads what an agency has submitted, not its drafts (the timeline follows the same rule)."""
    return not (user.is_panel_member and agency_return.status in agency_return.OPEN_STATUSES)


def _may_edit(user, agency_return):
    if agency_return.status not in agency_return.OPEN_STATUSES:
        return False
    return user.is_business_manager or (
        user.is_agency_contributor and user.agency_id == agency_return.agency_id
    )


def _posted_rows(data):
    """The chronology rows as typed, in order, straight from the POST (nothing is lost or reformatted)."""
    try:
        total = int(data.get(f"{ROWS_PREFIX}-TOTAL_FORMS", 0))
    except ValueError:
        total = 0
    rows = []
    for i in range(max(0, min(total, MAX_CHRONOLOGY_ROWS))):
        row = {
            name: data.get(f"{ROWS_PREFIX}-{i}-{name}", "") for name in ROW_FIELDS if name != "is_key_event"
        }
        row["is_key_event"] = bool(data.get(f"{ROWS_PREFIX}-{i}-is_key_event"))
        rows.append(row)
    return rows


def _apply_row_action(rows, action):
    """'add', 'remove:3', 'up:3', 'down:3': change the rows without saving anything."""
    kind, _, index = action.partition(":")
    if kind == "add":
        if len(rows) < MAX_CHRONOLOGY_ROWS:
            rows.append({"date_precision": ""})
        return rows
    i = int(index) if index.isdigit() else -1
    if not 0 <= i < len(rows):
        return rows
    if kind == "remove":
        rows.pop(i)
    elif kind == "up" and i > 0:
        rows[i - 1], rows[i] = rows[i], rows[i - 1]
    elif kind == "down" and i < len(rows) - 1:
        rows[i + 1], rows[i] = rows[i], rows[i + 1]
    return rows


def _stored_rows(agency_return):
    return [
        {
            "date": format_uk_date(e.date, e.date_precision),
            "date_precision": e.date_precision,
            "time": e.time,
            "what_happened": e.what_happened,
            "who_involved": e.who_involved,
            "source": e.source,
            "significance": e.significance,
            "is_key_event": e.is_key_event,
        }
        for e in agency_return.entries.order_by("position", "date")
    ]


def _unbound_formset(rows):
    return ChronologyFormSet(initial=rows, prefix=ROWS_PREFIX, form_kwargs={"empty_permitted": True})


def _render_edit(request, agency_return, form, formset, status=200, stale=None):
    return render(
        request,
        "cases/return_edit.html",
        {
            "agency_return": agency_return,
            "case": agency_return.case,
            "audit": agency_return.case.audit,
            "form": form,
            "formset": formset,
            "stale": stale,
            "import_form": ChronologyImportForm(),
        },
        status=status,
    )


@return_worker_required
def return_edit(request, return_pk):
    """Complete a return: its text and its chronology. Rows are added, removed and moved by submit
    buttons that re-render what was typed (no JavaScript needed); 'Save draft' and 'Submit' save."""
    agency_return = _return_for_worker(request, return_pk)
    access_record(request=request, what="return", obj=agency_return, case=agency_return.case)
    if agency_return.status not in agency_return.OPEN_STATUSES:
        if request.method == "POST":
            messages.error(
                request, "This return has been submitted and can no longer be changed. Nothing was saved."
            )
        else:
            messages.info(request, "This return has been submitted; it is shown read-only.")
        return redirect("cases:return_detail", return_pk=agency_return.pk)
    if request.method != "POST":
        form = ReturnForm(instance=agency_return)
        return _render_edit(request, agency_return, form, _unbound_formset(_stored_rows(agency_return)))

    action = request.POST.get("action", "save")
    form = ReturnForm(request.POST, instance=agency_return)
    if action not in ("save", "submit"):
        rows = _apply_row_action(_posted_rows(request.POST), request.POST.get("row_action", action))
        return _render_edit(request, agency_return, form, _unbound_formset(rows))

    formset = ChronologyFormSet(request.POST, prefix=ROWS_PREFIX, form_kwargs={"empty_permitted": True})
    if not (form.is_valid() and formset.is_valid()):
        messages.error(request, "Nothing was saved: correct the fields marked below.")
        return _render_edit(request, agency_return, form, formset, status=400)
    service = services.return_submit if action == "submit" else services.return_save_draft
    try:
        saved = service(
            agency_return=agency_return,
            actor=request.user,
            version=form.cleaned_data["version"],
            fields=form.text_fields(),
            entries=formset.entries(),
        )
    except services.StaleReturnError as exc:
        return _render_edit(request, agency_return, form, formset, status=409, stale=exc.current)
    except ValidationError as exc:
        add_service_errors(form, exc)
        messages.error(request, "Not submitted, and nothing was saved: complete the fields marked below.")
        return _render_edit(request, agency_return, form, formset, status=400)
    if action == "submit":
        messages.success(request, "Return submitted to the Business Manager. Thank you.")
        return redirect("cases:return_detail", return_pk=saved.pk)
    messages.success(request, "Draft saved.")
    return redirect("cases:return_edit", return_pk=saved.pk)


@return_worker_required
def return_import(request, return_pk):
    """Import chronology rows from a CSV or XLSX file: every row valid, or nothing saved."""
    agency_return = _return_for_worker(request, return_pk)
    access_record(request=request, what="return", obj=agency_return, case=agency_return.case)
    if agency_return.status not in agency_return.OPEN_STATUSES:
        if request.method == "POST":
            messages.error(
                request, "This return has been submitted and can no longer be changed. Nothing was saved."
            )
        return redirect("cases:return_detail", return_pk=agency_return.pk)
    form = ChronologyImportForm(request.POST or None, request.FILES or None)
    row_errors = []
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                result = chronology_import_read(form.cleaned_data["file"])
            except ImportRefused as exc:
                form.add_error("file", str(exc))
            else:
                if result.errors:
                    row_errors = result.errors
                    form.add_error(
                        None,
                        f"Nothing was imported: {len(result.errors)} problem"
                        f"{'s' if len(result.errors) != 1 else ''} in the file. Correct them and import again.",
                    )
                else:
                    try:
                        services.return_import_entries(
                            agency_return=agency_return, actor=request.user, rows=result.rows
                        )
                    except ValidationError as exc:
                        form.add_error(None, exc)
                    else:
                        count = len(result.rows)
                        messages.success(
                            request, f"{count} chronology row{'s' if count != 1 else ''} imported."
                        )
                        return redirect("cases:return_edit", return_pk=agency_return.pk)
    return render(
        request,
        "cases/return_import.html",
        {
            "agency_return": agency_return,
            "case": agency_return.case,
            "form": form,
            "row_errors": row_errors,
            "guidance": TEMPLATE_GUIDANCE,
        },
        status=status,
    )


@return_worker_required
@require_safe
def return_template_csv(request):
    response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="chronology-template.csv"'
    return response


@return_worker_required
@require_safe
def return_template_xlsx(request):
    response = HttpResponse(
        template_xlsx(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="chronology-template.xlsx"'
    return response


# --- Review by the Business Manager ----------------------------------------------------------


@business_manager_required
@require_POST
def return_accept(request, return_pk):
    agency_return = _return_for_worker(request, return_pk)
    access_record(request=request, what="return", obj=agency_return, case=agency_return.case)
    try:
        services.return_accept(agency_return=agency_return, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{agency_return.agency.name}'s return accepted.")
    return redirect("cases:return_detail", return_pk=agency_return.pk)


@business_manager_required
@require_POST
def return_send_back(request, return_pk):
    agency_return = _return_for_worker(request, return_pk)
    access_record(request=request, what="return", obj=agency_return, case=agency_return.case)
    form = SendBackForm(request.POST)
    if form.is_valid():
        try:
            services.return_send_back(agency_return=agency_return, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Return sent back to {agency_return.agency.name} with your comment.")
            return redirect("cases:return_detail", return_pk=agency_return.pk)
    agency_return = selectors.return_detail_for_user(user=request.user, pk=return_pk)
    context = {
        "agency_return": agency_return,
        "case": agency_return.case,
        "audit": agency_return.case.audit,
        "entries": agency_return.entries.all(),
        "transitions": agency_return.transitions.all(),
        "can_edit": _may_edit(request.user, agency_return),
        "show_content": True,
        "send_back_form": form,
    }
    return render(request, "cases/return_detail.html", context, status=400)


# --- The merged timeline ----------------------------------------------------------------------


@case_reader_required
@require_safe
def case_timeline(request, case_pk):
    """Every agency's chronology in one list and one swim-lane picture, for the Business Manager and
    the case's panel."""
    case = get_object_or_404(selectors.case_list_for_user(user=request.user), pk=case_pk)
    access_record(request=request, what="timeline", obj=case, case=case)
    index = timeline_index(case)
    form = TimelineFilterForm(
        request.GET or None, agencies=selectors.timeline_agencies_for_case(case=case, index=index)
    )
    agency_ids, key_events_only = None, False
    if form.is_bound and form.is_valid():
        agency_ids = [a.pk for a in form.cleaned_data["agency"]] or None
        key_events_only = form.cleaned_data["key_events"]
    timeline = build_case_timeline(
        case=case,
        index=index,
        agency_ids=agency_ids,
        key_events_only=key_events_only,
        link_prefix=timeline_link_prefix(request),
        **timeline_position(request),
    )
    return render(
        request,
        "cases/case_timeline.html",
        {"case": case, "audit": case.audit, "timeline": timeline, "filter_form": form, "columns": COLUMNS},
    )
