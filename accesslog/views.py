from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from accounts.models import User
from accounts.permissions import permission_required

from . import subjects
from .export import access_log_csv
from .forms import AccessLogSearchForm, user_label
from .models import AccessLogEntry
from .selectors import access_log_page, access_log_search_get_for_user, parse_cursor

PAGE_SIZE = 50
SUGGESTIONS = 10


def _filters(request):
    form = AccessLogSearchForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    if form.errors:
        # A filter that cannot be read must not widen the search to everything.
        return form, None
    return form, {k: v for k, v in filters.items() if v}


@permission_required("read_access_log")
@require_safe
def search(request):
    """Who read what: search by user, case and dates, newest first, a keyset page at a time (the log
    is never counted: "older" and "newer" rather than "page 1 of 20,000"). Reading the log is logged."""
    form, filters = _filters(request)
    entries = access_log_search_get_for_user(request=request, filters=filters)
    before, after = parse_cursor(request.GET.get("before")), parse_cursor(request.GET.get("after"))
    page = access_log_page(entries, before=before, after=None if before else after, size=PAGE_SIZE)
    if after and not before and not page.entries:
        page = access_log_page(entries, size=PAGE_SIZE)  # nothing newer: the newest page
    case_ids = {e.case_id for e in page.entries if e.case_id}
    cases = subjects.cases().labels(case_ids) if case_ids else {}
    for e in page.entries:
        # A purged or unknown case still shows its id: the log outlives what it describes.
        e.case_label = cases.get(e.case_id, f"case #{e.case_id}") if e.case_id else ""
    query = request.GET.copy()
    for name in ("before", "after"):
        query.pop(name, None)
    for name in ("date_from", "date_to"):
        # Keep the dates the page used (the default ones too), so "older" stays in the same search.
        if name not in query and form.data.get(name):
            query[name] = form.data[name]
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render(request, "accesslog/search.html", context)


@permission_required("read_access_log")
@require_safe
def export(request):
    """The search result as CSV (cells that a spreadsheet would run as formulas are neutralised)."""
    form, filters = _filters(request)
    if form.is_bound and not form.is_valid():
        # Never export more than was asked for because a filter was unreadable.
        problems = " ".join(str(message) for errors in form.errors.values() for message in errors)
        return HttpResponse(problems, status=400, content_type="text/plain; charset=utf-8")
    entries = access_log_search_get_for_user(
        request=request, filters=filters, action=AccessLogEntry.Action.EXPORT
    )
    response = HttpResponse(access_log_csv(entries), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="access-log-{stamp}.csv"'
    return response


def _typed(request, name):
    return (request.GET.get(name) or request.GET.get("q") or "").strip()[:100]


@permission_required("read_access_log")
@require_safe
def suggest_users(request):
    """Type-ahead for the user filter: up to ten <option>s for the field's datalist (htmx swaps them in)."""
    text = _typed(request, "user")
    users = User.objects.none()
    if len(text) >= 2:
        users = (
            User.objects.filter(full_name__icontains=text) | User.objects.filter(email__icontains=text)
        ).order_by("full_name", "pk")[:SUGGESTIONS]
    return render(request, "accesslog/_suggestions.html", {"labels": [user_label(u) for u in users]})


@permission_required("read_access_log")
@require_safe
def suggest_cases(request):
    """Type-ahead for the case filter: up to ten cases whose audit title or pseudonym holds the text."""
    labels = subjects.cases().suggest(_typed(request, "case"), limit=SUGGESTIONS)
    return render(request, "accesslog/_suggestions.html", {"labels": labels})
