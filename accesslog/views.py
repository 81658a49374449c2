from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from accounts.permissions import access_log_reader_required
from cases.models import Case

from .export import access_log_csv
from .forms import AccessLogSearchForm
from .models import AccessLogEntry
from .selectors import access_log_search
from .services import access_record

PAGE_SIZE = 50


def _search(request):
    form = AccessLogSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    return form, access_log_search(**{k: v for k, v in filters.items() if v})


@access_log_reader_required
@require_safe
def search(request):
    """Who read what: search by user, case and dates. Reading the log is itself logged."""
    form, entries = _search(request)
    access_record(request=request, what="access_log")
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    case_ids = {e.case_id for e in page.object_list if e.case_id}
    cases = {
        c.pk: f"{c.audit.title} — {c.pseudonym}"
        for c in Case.objects.filter(pk__in=case_ids)
        .select_related("audit")
        .only("pk", "pseudonym", "audit__title")
    }
    for e in page.object_list:
        # A purged or unknown case still shows its id: the log outlives what it describes.
        e.case_label = cases.get(e.case_id, f"case #{e.case_id}") if e.case_id else ""
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render(request, "accesslog/search.html", context)


@access_log_reader_required
@require_safe
def export(request):
    """The search result as CSV (cells that a spreadsheet would run as formulas are neutralised)."""
    form, entries = _search(request)
    if form.is_bound and not form.is_valid():
        # Never export more than was asked for because a filter was unreadable.
        problems = " ".join(str(message) for errors in form.errors.values() for message in errors)
        return HttpResponse(problems, status=400, content_type="text/plain; charset=utf-8")
    access_record(request=request, what="access_log", action=AccessLogEntry.Action.EXPORT)
    response = HttpResponse(access_log_csv(entries), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="access-log-{stamp}.csv"'
    return response
