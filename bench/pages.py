"""The pages the benchmark measures, by URL name, and how it measures them in-process.

A page of a later feature is listed by the URL names it may have; the first name that resolves is
measured, and a page none of whose names resolve is reported as "not present yet". To add a page,
add a line to PAGES: keyword arguments are filled by name from the generated world (audit_pk,
case_pk, return_pk, agency_pk), large and small.
"""

import statistics
import time
from dataclasses import dataclass, field

from django.db import connection
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

# The floor of the stack: a logged-in request that matches no URL renders the 404 page inside
# base.html (session, user, navigation, footer) with no view of its own.
MINIMAL_PATH = "/bench/minimal-logged-in-page/"


@dataclass
class Page:
    label: str
    persona: str  # "bm", "panel", "contributor" or "board"
    url_names: list
    query: str = ""
    main: bool = True  # main pages are held to the targets and load-tested
    resolved_name: str = ""
    urls: dict = field(default_factory=dict)  # "large"/"small" -> path


PAGES = [
    Page("Dashboard: audit list", "bm", ["cases:audit_list"]),
    Page("Audit list of a panel member", "panel", ["cases:audit_list"], main=False),
    Page("Audit page with its matrix", "bm", ["cases:audit_detail"]),
    Page("Case page, largest case", "panel", ["cases:case_detail"]),
    Page(
        "Case review with merged timeline, largest case",
        "panel",
        ["reviews:case_review"],
    ),
    Page(
        "Merged timeline, largest case",
        "panel",
        ["cases:case_timeline"],
    ),
    Page("Agency portal, busiest agency", "contributor", ["cases:portal"]),
    Page(
        "Return, largest chronology", "contributor", ["cases:return_detail", "cases:return_edit"], main=False
    ),
    Page("Board home", "board", ["recommendations:board_home"]),
    Page(
        "Recommendation tracker",
        "board",
        ["recommendations:tracker"],
    ),
    Page(
        "Access log search",
        "bm",
        ["accesslog:search"],
        query="?q=Case",
    ),
]


def _walk(patterns, namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, p.namespace or namespace)
        elif isinstance(p, URLPattern) and p.name:
            yield (f"{namespace}:{p.name}" if namespace else p.name), list(p.pattern.regex.groupindex)


def url_keywords():
    """Every named URL of the project and the keyword names it takes."""
    return dict(_walk(get_resolver().url_patterns))


def resolve_pages(world):
    """Fill each page's URLs (large and small world) from the first of its names that resolves."""
    large = {
        "audit_pk": world.largest_audit.pk,
        "case_pk": world.largest_case.pk,
        "return_pk": world.largest_return.pk,
        "agency_pk": world.contributor_busiest.agency_id,
    }
    small = {
        "audit_pk": world.smallest_audit.pk,
        "case_pk": world.smallest_case.pk,
        "return_pk": world.smallest_return.pk,
        "agency_pk": world.contributor_quietest.agency_id,
    }
    known = url_keywords()
    for page in PAGES:
        for name in page.url_names:
            keywords = known.get(name)
            if keywords is None or not set(keywords) <= set(large):
                continue
            try:
                page.urls = {
                    size: reverse(name, kwargs={k: values[k] for k in keywords}) + page.query
                    for size, values in (("large", large), ("small", small))
                }
            except NoReverseMatch:
                continue
            page.resolved_name = name
            break
    return [p for p in PAGES if p.resolved_name], [p for p in PAGES if not p.resolved_name]


def persona_user(world, persona, size="large"):
    if persona == "contributor":
        return world.contributor_busiest if size == "large" else world.contributor_quietest
    return getattr(world, persona)


@dataclass
class Timing:
    median_ms: float
    p90_ms: float
    queries: int
    status: int


def _timed_get(client, path):
    started = time.perf_counter()
    response = client.get(path)
    return (time.perf_counter() - started) * 1000, response


def count_queries(client, path):
    queries = []

    def record(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        response = client.get(path)
    return len(queries), response.status_code


def measure(client, path, *, repeats, warmup=3, baseline=None):
    """Server time through the whole stack (middleware, session, view, template), in-process.

    With `baseline` (client, path), each request to `path` alternates with one to the baseline, so
    the ratio compares the two under the same machine conditions (a shared machine's load varies
    from second to second). Returns (Timing of path, Timing of the baseline or None).
    """
    for _ in range(warmup):
        client.get(path)
        if baseline:
            baseline[0].get(baseline[1])
    queries, status = count_queries(client, path)
    samples, base_samples = [], []
    for _ in range(repeats):
        samples.append(_timed_get(client, path)[0])
        if baseline:
            base_samples.append(_timed_get(*baseline)[0])
    timing = Timing(statistics.median(samples), _p90(samples), queries, status)
    base = Timing(statistics.median(base_samples), _p90(base_samples), 0, 0) if baseline else None
    return timing, base


def _p90(samples):
    samples = sorted(samples)
    return samples[min(len(samples) - 1, int(round(0.9 * (len(samples) - 1))))]


def logged_in_client(user):
    """A client logged in as after password and second factor (as the test suite logs in)."""
    from tests.helpers import login

    return login(Client(), user)


# --- Saving a return (POST) ------------------------------------------------------------------

SAVE_URL_NAME = "cases:return_edit"


@dataclass
class SaveTiming:
    median_ms: float
    p90_ms: float
    queries: int
    status: int
    rows: int


def edit_form_data(response, *, change_row=None, text=""):
    """The form the return edit page posts, built from the page as served: every row as shown (with
    its id), the return's text and the version it was opened at; optionally one row's text changed,
    as a person correcting one entry would."""
    from cases.forms import ROWS_PREFIX

    context = response.context
    form = context["form"]
    data = {
        "csrfmiddlewaretoken": "bench",
        "action": "save",
        "version": form.initial.get("version", form.instance.version),
        f"{ROWS_PREFIX}-TOTAL_FORMS": len(context["rows"]),
    }
    for name in form.fields:
        if name != "version":
            data[name] = getattr(form.instance, name, "") or ""
    for i, row in enumerate(context["rows"]):
        for name in (
            "id",
            "date",
            "date_precision",
            "time",
            "what_happened",
            "who_involved",
            "source",
            "significance",
        ):
            value = row.get(name)
            data[f"{ROWS_PREFIX}-{i}-{name}"] = "" if value is None else str(value)
        if row.get("is_key_event"):
            data[f"{ROWS_PREFIX}-{i}-is_key_event"] = "on"
    if change_row is not None and context["rows"]:
        data[f"{ROWS_PREFIX}-{change_row % len(context['rows'])}-what_happened"] = text
    return data


def ensure_editable(agency_return):
    """A return can be saved only while open: the benchmark saves the largest return as a draft.
    Returns its status before, to restore afterwards."""
    from cases.models import AgencyReturn

    before = AgencyReturn.objects.filter(pk=agency_return.pk).values_list("status", flat=True).get()
    if before not in AgencyReturn.OPEN_STATUSES:
        AgencyReturn.objects.filter(pk=agency_return.pk).update(status=AgencyReturn.Status.DRAFT)
    return before


def restore_status(agency_return, status):
    from cases.models import AgencyReturn

    AgencyReturn.objects.filter(pk=agency_return.pk).update(status=status)


def _query_recorder(recorded):
    def record(execute, sql, params, many, context):
        recorded.append(sql)
        return execute(sql, params, many, context)

    return record


def measure_save(client, agency_return, *, repeats, warmup=1):
    """Server time of saving a return through the real edit form: each save re-reads the page (not
    timed), changes one row and posts the whole chronology as a browser does (urlencoded)."""
    from urllib.parse import urlencode

    path = reverse(SAVE_URL_NAME, kwargs={"return_pk": agency_return.pk})
    samples, queries, status, rows = [], 0, 0, 0
    for n in range(warmup + repeats):
        page = client.get(path)
        data = edit_form_data(page, change_row=n * 7, text=f"Benchmark correction {n}")
        rows = int(data[next(k for k in data if k.endswith("TOTAL_FORMS"))])
        body = urlencode(data)
        recorded = []
        record = _query_recorder(recorded)
        started = time.perf_counter()
        with connection.execute_wrapper(record):
            response = client.post(path, body, content_type="application/x-www-form-urlencoded")
        elapsed = (time.perf_counter() - started) * 1000
        status = response.status_code
        if n >= warmup:
            samples.append(elapsed)
            queries = len(recorded)
    return SaveTiming(statistics.median(samples), _p90(samples), queries, status, rows)
