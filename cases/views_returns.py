"""Agency returns: requests, the agency's edit page, import, review, and the merged timeline page."""

import io
import secrets

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db.models import Count, Max, Min
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.permissions import (
    can_edit_return,
    can_read_return_content,
    can_review_return,
    permission_required,
)
from core.confirmation import Row, Section, announce, confirmation_page
from core.forms import add_service_errors

from . import editor, selectors, services
from .chronology import (
    COLUMNS,
    TEMPLATE_GUIDANCE,
    ImportRefused,
    chronology_import_read,
    format_uk_date,
    template_csv,
    template_xlsx,
)
from .chronology import (
    MAX_ROWS as IMPORT_MAX_ROWS,
)
from .forms import (
    ROWS_PREFIX,
    ChronologyImportForm,
    ChronologyRows,
    ReturnForm,
    ReturnRequestForm,
    SendBackForm,
    TimelineFilterForm,
)
from .limits import CHRONOLOGY_MAX_ROWS
from .timeline import case_timeline as build_case_timeline
from .timeline import timeline_index, timeline_link_prefix, timeline_position

IMPORT_SESSION_KEY = "chronology_import:{pk}"
IMPORTED_SESSION_KEY = "chronology_imported:{pk}"


# --- Requests ---------------------------------------------------------------------------------


@permission_required("manage_audits")
def return_request(request, case_pk):
    """The Business Manager asks agencies for their returns on a case, with a due date. The agencies
    already asked are listed with the state of their return."""
    case = selectors.case_get_for_user(request=request, pk=case_pk, prefetch=("agencies",))
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
    context = {
        "form": form,
        "case": case,
        "audit": case.audit,
        "already_asked": case.returns.select_related("agency").order_by("agency__name"),
        "involved_ids": {a.pk for a in case.agencies.all()},
    }
    return render(request, "cases/return_request.html", context, status=status)


# --- The return ------------------------------------------------------------------------------


def _detail_context(request, agency_return, send_back_form=None):
    context = {
        "agency_return": agency_return,
        "case": agency_return.case,
        "audit": agency_return.case.audit,
        "entries": agency_return.entries.all(),
        "transitions": agency_return.transitions.all(),
        "can_edit": can_edit_return(request.user, agency_return),
        "show_content": can_read_return_content(request.user, agency_return),
        "shared_terms": selectors.shared_terms_for_contributor(request=request, agency_return=agency_return),
    }
    if can_review_return(request.user, agency_return):
        context["can_review"] = True
        context["send_back_form"] = send_back_form or SendBackForm()
        context["next_for_review"] = (
            selectors.return_review_queue(user=request.user).exclude(pk=agency_return.pk).first()
        )
    return context


@permission_required("read_case_data")
@require_safe
def return_detail(request, return_pk):
    agency_return = selectors.return_get_for_user(request=request, pk=return_pk)
    return render(request, "cases/return_detail.html", _detail_context(request, agency_return))


def _apply_row_action(rows, action):
    """'add', 'remove:3', 'up:3', 'down:3': change the rows without saving anything."""
    kind, _, index = action.partition(":")
    if kind == "add":
        if len(rows) < CHRONOLOGY_MAX_ROWS:
            rows.append({"date_precision": "", "id": ""})
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
            "id": e.pk,
            "date": format_uk_date(e.date, e.date_precision),
            "date_precision": e.date_precision,
            "time": e.time.strftime("%H:%M") if e.time else "",
            "what_happened": e.what_happened,
            "who_involved": e.who_involved,
            "source": e.source,
            "significance": e.significance,
            "is_key_event": e.is_key_event,
        }
        for e in agency_return.entries.order_by("position", "date").iterator(chunk_size=500)
    ]


def _render_edit(request, agency_return, form, rows, *, status=200, stale=None, problems=None):
    """The edit page, with every row as given and, when a save was refused, one summary at the top
    listing each problem with a link to its field."""
    summary = []
    if stale is not None:
        summary.append(
            {
                "text": "Someone else saved this return after you opened it, so nothing of yours was saved. "
                "Your text and rows are below, as you typed them.",
                "anchor": "stale",
            }
        )
    if rows.too_many:
        summary.append(
            {
                "text": f"A chronology holds at most {CHRONOLOGY_MAX_ROWS:,} rows; this one has "
                f"{rows.count:,}. Remove {rows.count - CHRONOLOGY_MAX_ROWS:,} rows, then save.",
                "anchor": "chronology",
            }
        )
    for name, errors in form.errors.items():
        anchor = f"id_{name}" if name in form.fields and name != "version" else "return-text"
        label = str(form.fields[name].label) if name in form.fields else "The return"
        for message in errors:
            summary.append({"text": f"{label}: {message}", "anchor": anchor})
    for problem in problems or rows.problems:
        summary.append(
            {"text": f"Row {problem.row}, {problem.label}: {problem.message}", "anchor": problem.anchor}
        )
    imported = set(request.session.pop(IMPORTED_SESSION_KEY.format(pk=agency_return.pk), []))
    return render(
        request,
        "cases/return_edit.html",
        {
            "agency_return": agency_return,
            "case": agency_return.case,
            "audit": agency_return.case.audit,
            "form": form,
            "rows": rows.rows,
            "rows_html": editor.render_rows(rows.rows, prefix=ROWS_PREFIX, imported_ids=imported),
            "empty_row_html": editor.render_empty_row(prefix=ROWS_PREFIX),
            "row_count": rows.count,
            "rows_prefix": ROWS_PREFIX,
            "max_rows": CHRONOLOGY_MAX_ROWS,
            "page_size": EDITOR_PAGE_SIZE,
            "at_limit": rows.count >= CHRONOLOGY_MAX_ROWS,
            "imported_ids": imported,
            "stale": stale,
            "summary": summary,
            "shared_terms": selectors.shared_terms_for_contributor(
                request=request, agency_return=agency_return
            ),
        },
        status=status,
    )


# Rows shown at once when JavaScript pages the editor (without it, every row is on the page).
EDITOR_PAGE_SIZE = 50


@permission_required("work_on_returns")
def return_edit(request, return_pk):
    """Complete a return: its text and its chronology. Rows are added, removed and moved by submit
    buttons that re-render what was typed (no JavaScript needed; with it, the same happens in the
    page); 'Save draft' and 'Submit' save. A refused save shows every row as typed."""
    agency_return = selectors.return_get_for_user_to_edit(request=request, pk=return_pk)
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
        return _render_edit(request, agency_return, form, ChronologyRows(initial=_stored_rows(agency_return)))

    action = request.POST.get("action", "save")
    form = ReturnForm(request.POST, instance=agency_return)
    rows = ChronologyRows(request.POST)
    if action not in ("save", "submit"):
        _apply_row_action(rows.rows, action)
        return _render_edit(request, agency_return, form, rows)

    form_ok = form.is_valid()
    if not (rows.is_valid() and form_ok):
        return _render_edit(request, agency_return, form, rows, status=400)
    # 'Submit' saves and checks the return, then asks the agency to check its answers and confirm
    # (return_submit); the submission itself happens there.
    service = services.return_check_before_submit if action == "submit" else services.return_save_draft
    try:
        saved = service(
            agency_return=agency_return,
            actor=request.user,
            version=form.cleaned_data["version"],
            fields=form.text_fields(),
            entries=rows.entries(),
        )
    except services.StaleReturnError as exc:
        return _render_edit(request, agency_return, form, rows, status=409, stale=exc.current)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _render_edit(request, agency_return, form, rows, status=400)
    if action == "submit":
        return redirect("cases:return_submit", return_pk=saved.pk)
    messages.success(request, "Draft saved.")
    return redirect("cases:return_edit", return_pk=saved.pk)


def _check_answers_sections(agency_return):
    """The return as stored, for the check-your-answers page: its text, its chronology, and a Change
    link to each part of the edit page."""
    edit_url = reverse("cases:return_edit", kwargs={"return_pk": agency_return.pk})
    form = ReturnForm(instance=agency_return)
    text_rows = tuple(
        Row(
            str(field.label),
            getattr(agency_return, name),
            change_url=f"{edit_url}#id_{name}",
            change_label=str(field.label),
        )
        for name, field in form.fields.items()
        if name != "version"
    )
    dates = agency_return.entries.aggregate(count=Count("pk"), first=Min("date"), last=Max("date"))
    chronology = [Row("Rows", f"{dates['count']:,}")]
    if dates["count"]:
        chronology.append(Row("Events from", f"{dates['first']:%d/%m/%Y} to {dates['last']:%d/%m/%Y}"))
        key = agency_return.entries.filter(is_key_event=True).count()
        chronology.append(Row("Key events", f"{key:,}"))
    return [
        Section(
            "About this return",
            (
                Row("Agency", agency_return.agency.name),
                Row("Case", agency_return.case.pseudonym),
                Row("Template", agency_return.get_template_display()),
                Row("Due", f"{agency_return.due_date:%d/%m/%Y}"),
            ),
        ),
        Section("The return", text_rows, change_url=f"{edit_url}#return-text"),
        Section("Chronology of key events", tuple(chronology), change_url=f"{edit_url}#chronology"),
    ]


def _submit_problems(agency_return):
    edit_url = reverse("cases:return_edit", kwargs={"return_pk": agency_return.pk})
    labels = {name: str(field.label) for name, field in ReturnForm(instance=agency_return).fields.items()}
    problems = []
    for name, found in services.return_submit_problems(agency_return).items():
        for message in found:
            if name in labels:
                problems.append({"text": f"{labels[name]}: {message}", "url": f"{edit_url}#id_{name}"})
            else:
                problems.append({"text": message, "url": edit_url})
    return problems


@permission_required("work_on_returns")
@require_http_methods(["GET", "POST"])
def return_submit(request, return_pk):
    """Check your answers, then submit: GET shows the return as saved, with Change links, and what
    happens next; POST submits exactly that version (a save in between sends the agency back here)."""
    agency_return = selectors.return_get_for_user_to_edit(request=request, pk=return_pk)
    if agency_return.status not in agency_return.OPEN_STATUSES:
        messages.info(request, "This return has already been submitted.")
        return redirect("cases:return_detail", return_pk=agency_return.pk)
    check_url = reverse("cases:return_submit", kwargs={"return_pk": agency_return.pk})
    if request.method == "POST":
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            return redirect(check_url)
        try:
            submitted = services.return_submit(
                agency_return=agency_return, actor=request.user, version=version
            )
        except services.StaleReturnError:
            messages.error(
                request,
                "Someone saved this return after you opened this page, so it was not submitted. "
                "Check the answers below, as they are now, and submit again.",
            )
            return redirect(check_url)
        except ValidationError:
            return redirect(check_url)  # the page lists what stops the submission
        announce(
            request,
            title="Return submitted",
            body=f"{submitted.agency.name}, {submitted.case.pseudonym}",
            next_steps=[
                "The Business Manager has been told it is ready. They will read it and either accept it or "
                "send it back with a note saying what to change.",
                "If it is sent back you will get an e-mail, and the return opens for changes again. "
                "Until then it cannot be changed; this page shows what you submitted.",
            ],
        )
        return redirect("cases:return_detail", return_pk=submitted.pk)
    problems = _submit_problems(agency_return)
    behalf = request.user.is_business_manager
    return confirmation_page(
        request,
        caption=f"{agency_return.agency.name}, {agency_return.case.pseudonym}",
        title="Check your answers before submitting the return",
        sections=_check_answers_sections(agency_return),
        paragraphs=[
            "By submitting this return you confirm that it is complete and describes people by their role, "
            "never by name."
            + (f" You are submitting it on {agency_return.agency.name}'s behalf." if behalf else ""),
            "The Business Manager is told at once. The panel reads it with the other agencies' returns.",
        ],
        warning="Once submitted, the return cannot be changed unless the Business Manager sends it back.",
        problems=problems,
        button="Submit return",
        destructive=False,
        hidden={"version": agency_return.version},
        cancel_url=reverse("cases:return_edit", kwargs={"return_pk": agency_return.pk}),
        cancel_label="Go back to the return",
    )


def _pending_import_path(agency_return, token, extension):
    return f"chronology-imports/{agency_return.pk}/{token}.{extension}"


class _StoredUpload:
    """A stored upload read back for the commit step, shaped like an UploadedFile for the reader."""

    def __init__(self, name, content):
        self.name = name
        self._buffer = io.BytesIO(content)
        self.size = len(content)

    def seek(self, offset):
        self._buffer.seek(offset)

    def read(self, size=-1):
        return self._buffer.read(size)


def _render_import(request, agency_return, form, *, status=200, row_errors=(), preview=None, problems=()):
    return render(
        request,
        "cases/return_import.html",
        {
            "agency_return": agency_return,
            "case": agency_return.case,
            "form": form,
            "row_errors": row_errors,
            "guidance": TEMPLATE_GUIDANCE,
            "preview": preview,
            "problems": problems,
            "existing": agency_return.entries.order_by("position", "date"),
            "max_rows": CHRONOLOGY_MAX_ROWS,
            "max_file_mb": settings.RETURN_IMPORT_MAX_BYTES / 1024 / 1024,
            "import_max_rows": IMPORT_MAX_ROWS,
        },
        status=status,
    )


@permission_required("work_on_returns")
def return_import(request, return_pk):
    """Import chronology rows from a CSV or XLSX file in two steps: the file is checked and its rows
    shown (nothing saved); the user then confirms, appending the rows or replacing the existing ones
    (a replace lists what it removes and must be confirmed). Every row valid, or nothing saved."""
    agency_return = selectors.return_get_for_user_to_edit(request=request, pk=return_pk)
    if agency_return.status not in agency_return.OPEN_STATUSES:
        if request.method == "POST":
            messages.error(
                request, "This return has been submitted and can no longer be changed. Nothing was saved."
            )
        return redirect("cases:return_detail", return_pk=agency_return.pk)
    session_key = IMPORT_SESSION_KEY.format(pk=agency_return.pk)
    if request.method != "POST":
        return _render_import(request, agency_return, ChronologyImportForm())
    if request.POST.get("step") == "commit":
        return _import_commit(request, agency_return, session_key)

    form = ChronologyImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_import(request, agency_return, form, status=400)
    upload = form.cleaned_data["file"]
    try:
        result = chronology_import_read(upload)
    except ImportRefused as exc:
        form.add_error("file", str(exc))
        return _render_import(request, agency_return, form, status=400)
    if result.errors:
        form.add_error(
            None,
            f"Nothing was imported: {len(result.errors)} problem"
            f"{'s' if len(result.errors) != 1 else ''} in the file. Correct them and choose the file again.",
        )
        return _render_import(request, agency_return, form, status=400, row_errors=result.errors)
    # Keep the checked file (server-chosen name, private storage) until the user confirms; a file
    # checked earlier and never confirmed goes.
    earlier = request.session.get(session_key)
    if earlier:
        default_storage.delete(_pending_import_path(agency_return, earlier["token"], earlier["extension"]))
    token = secrets.token_hex(16)
    extension = upload.name.lower().rsplit(".", 1)[-1]
    upload.seek(0)
    default_storage.save(_pending_import_path(agency_return, token, extension), upload)
    request.session[session_key] = {
        "token": token,
        "extension": extension,
        "name": upload.name[:100],
        "mode": form.cleaned_data["mode"],
        "version": agency_return.version,
    }
    preview = {
        "token": token,
        "name": upload.name,
        "mode": form.cleaned_data["mode"],
        "rows": result.rows,
    }
    return _render_import(
        request, agency_return, ChronologyImportForm(initial=form.cleaned_data), preview=preview
    )


def _messages(problem):
    if isinstance(problem, ValidationError):
        return problem.messages
    return [str(problem)]


def _import_commit(request, agency_return, session_key):
    pending = request.session.get(session_key)
    form = ChronologyImportForm()
    if not pending or pending.get("token") != request.POST.get("token"):
        return _render_import(
            request,
            agency_return,
            form,
            problems=_messages("That preview has expired. Choose the file again."),
            status=400,
        )
    path = _pending_import_path(agency_return, pending["token"], pending["extension"])
    try:
        with default_storage.open(path, "rb") as stored:
            content = stored.read()
    except FileNotFoundError:
        request.session.pop(session_key, None)
        return _render_import(
            request,
            agency_return,
            form,
            problems=_messages("That preview has expired. Choose the file again."),
            status=400,
        )
    try:
        result = chronology_import_read(_StoredUpload(f"file.{pending['extension']}", content))
    except ImportRefused as exc:  # pragma: no cover - the same file passed a moment ago
        return _render_import(request, agency_return, form, problems=_messages(str(exc)), status=400)
    mode = pending["mode"]
    preview = {"token": pending["token"], "name": pending["name"], "mode": mode, "rows": result.rows}
    if mode == services.ImportMode.REPLACE and not request.POST.get("confirm_replace"):
        return _render_import(
            request,
            agency_return,
            form,
            problems=_messages("Tick the box to confirm that the rows listed will be removed."),
            status=400,
            preview=preview,
        )
    try:
        _saved, ids = services.return_import_entries(
            agency_return=agency_return,
            actor=request.user,
            rows=result.rows,
            mode=mode,
            version=pending["version"],
        )
    except services.StaleReturnError:
        request.session.pop(session_key, None)
        default_storage.delete(path)
        stale = (
            "Someone saved this return after you chose the file, so nothing was imported. "
            "Check the return, then choose the file again."
        )
        return _render_import(request, agency_return, form, problems=[stale], status=409)
    except ValidationError as exc:
        return _render_import(
            request, agency_return, form, problems=_messages(exc), status=400, preview=preview
        )
    request.session.pop(session_key, None)
    default_storage.delete(path)
    request.session[IMPORTED_SESSION_KEY.format(pk=agency_return.pk)] = ids
    count = len(ids)
    verb = "imported, replacing the previous rows" if mode == services.ImportMode.REPLACE else "imported"
    messages.success(request, f"{count} chronology row{'s' if count != 1 else ''} {verb}.")
    return redirect("cases:return_edit", return_pk=agency_return.pk)


@permission_required("work_on_returns")
@require_safe
def return_template_csv(request):
    response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="chronology-template.csv"'
    return response


@permission_required("work_on_returns")
@require_safe
def return_template_xlsx(request):
    response = HttpResponse(
        template_xlsx(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="chronology-template.xlsx"'
    return response


# --- Review by the Business Manager ----------------------------------------------------------


@permission_required("manage_audits")
@require_POST
def return_accept(request, return_pk):
    agency_return = selectors.return_get_for_user_to_edit(request=request, pk=return_pk)
    try:
        services.return_accept(agency_return=agency_return, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{agency_return.agency.name}'s return accepted.")
    return redirect("cases:return_detail", return_pk=agency_return.pk)


@permission_required("manage_audits")
@require_POST
def return_send_back(request, return_pk):
    agency_return = selectors.return_get_for_user_to_edit(request=request, pk=return_pk)
    form = SendBackForm(request.POST)
    if form.is_valid():
        try:
            services.return_send_back(agency_return=agency_return, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            due = form.cleaned_data["due_date"]
            messages.success(
                request,
                f"Return sent back to {agency_return.agency.name} with your comment; "
                f"now due {due.day} {due:%B %Y}.",
            )
            return redirect("cases:return_detail", return_pk=agency_return.pk)
    # The read was logged when the return was fetched above.
    agency_return = selectors.return_get_for_user(request=request, pk=return_pk, what=None)
    context = _detail_context(request, agency_return, send_back_form=form)
    context["show_content"] = True
    return render(request, "cases/return_detail.html", context, status=400)


# --- The merged timeline ----------------------------------------------------------------------


@permission_required("read_cases")
@require_safe
def case_timeline(request, case_pk):
    """Every agency's chronology in one list and one swim-lane picture, for the Business Manager and
    the case's panel."""
    case = selectors.case_get_for_user(request=request, pk=case_pk, what="timeline")
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
