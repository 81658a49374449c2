"""The pages the benchmark measures, by URL name, and how it measures them in-process.

A page of a later feature is listed by the URL names it may have; the first name that resolves is
measured, and a page none of whose names resolve is reported as "not present yet". To add a page,
add a line to PAGES: keyword arguments (and {names} in its query) are filled by name from the generated
world (audit_pk, case_pk, return_pk, agency_pk, recommendation_pk, programme_year), large and small.
"""

import statistics
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser

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
    Page("Audit overview: its stages as a task list", "bm", ["cases:audit_detail"]),
    # The heaviest of the audit's stage pages: the case x agency completion matrix of every return.
    Page("Audit returns page with its completion matrix", "bm", ["cases:audit_returns"]),
    Page("Audit findings page", "bm", ["cases:audit_findings"], main=False),
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
    Page("Learning library search, two words", "bm", ["learning:library"], query="?q=professional+curiosity"),
    Page(
        "Learning library search, a panel member, theme filter",
        "panel",
        ["learning:library"],
        query="?q=agencies&kind=learning_point",
        main=False,
    ),
    Page("Recurring themes", "board", ["learning:recurring"], main=False),
    Page(
        "Audit programme, busiest year",
        "bm",
        ["learning:programme"],
        query="?year={programme_year}",
        main=False,
    ),
    Page(
        "Did it stick: recommendation with its follow-up chain",
        "bm",
        ["recommendations:recommendation_detail"],
        main=False,
    ),
    Page("Access log search", "bm", ["accesslog:search"]),
    Page(
        "Access log, a case's reads",
        "bm",
        ["accesslog:search"],
        query="?case={case_pk}&date_from=",
        main=False,
    ),
]


# Work a user waits for that is not a page view: measured once or a few times, reported, never load-tested.
SAVE_RETURN = ["cases:return_edit"]  # POST "Save draft" of the largest return, as the browser sends it
CASE_PACK = ["reviews:case_pack_pdf"]


def _walk(patterns, namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, p.namespace or namespace)
        elif isinstance(p, URLPattern) and p.name:
            yield (f"{namespace}:{p.name}" if namespace else p.name), list(p.pattern.regex.groupindex)


def url_keywords():
    """Every named URL of the project and the keyword names it takes."""
    return dict(_walk(get_resolver().url_patterns))


def resolve_pages(world, pages=None):
    """Fill each page's URLs (large and small world) from the first of its names that resolves."""
    pages = PAGES if pages is None else pages
    large = {
        "audit_pk": world.largest_audit.pk,
        "case_pk": world.largest_case.pk,
        "return_pk": world.largest_return.pk,
        "agency_pk": world.contributor_busiest.agency_id,
        "recommendation_pk": getattr(world.largest_recommendation, "pk", None),
        "programme_year": world.largest_programme_year,
    }
    small = {
        "audit_pk": world.smallest_audit.pk,
        "case_pk": world.smallest_case.pk,
        "return_pk": world.smallest_return.pk,
        "agency_pk": world.contributor_quietest.agency_id,
        "recommendation_pk": getattr(world.smallest_recommendation, "pk", None),
        "programme_year": world.smallest_programme_year,
    }
    known = url_keywords()
    for page in pages:
        for name in page.url_names:
            keywords = known.get(name)
            if keywords is None or not set(keywords) <= {k for k, v in large.items() if v is not None}:
                continue
            try:
                page.urls = {
                    size: reverse(name, kwargs={k: values[k] for k in keywords}) + page.query.format(**values)
                    for size, values in (("large", large), ("small", small))
                }
            except NoReverseMatch:
                continue
            page.resolved_name = name
            break
    return [p for p in pages if p.resolved_name], [p for p in pages if not p.resolved_name]


def resolve_url(names, world, size="large"):
    """The path of the first of `names` that resolves for the world's largest (or smallest) objects."""
    probe = Page("probe", "bm", list(names))
    resolve_pages(world, [probe])
    return probe.urls.get(size)


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


def measure(client, path, *, repeats, warmup=None, baseline=None):
    """Server time through the whole stack (middleware, session, view, template), in-process.

    With `baseline` (client, path), each request to `path` alternates with one to the baseline, so
    the ratio compares the two under the same machine conditions (a shared machine's load varies
    from second to second). Returns (Timing of path, Timing of the baseline or None).
    """
    warmup = min(3, repeats) if warmup is None else warmup
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


class _FormReader(HTMLParser):
    """The fields of the page's POST forms, as a browser would send them (the submit button aside)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self._form, self._textarea, self._select = [], None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._form = {"action": a.get("action") or "", "fields": []}
            self.forms.append(self._form)
        if self._form is None:
            return
        name = a.get("name")
        if tag == "input" and name and "disabled" not in a:
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self._form["fields"].append((name, a.get("value", "on" if kind in ("checkbox", "radio") else "")))
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
        elif tag == "select" and name:
            self._select = [name, None, None]
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select[2] is None:
                self._select[2] = value
            if "selected" in a:
                self._select[1] = value

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            name, value = self._textarea
            # As browsers do (HTML spec): one newline right after <textarea> is not part of the value.
            value = value[2:] if value.startswith("\r\n") else value[1:] if value.startswith("\n") else value
            self._form["fields"].append((name, value))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            name, selected, first = self._select
            self._form["fields"].append((name, selected if selected is not None else first or ""))
            self._select = None
        elif tag == "form":
            self._form = None


def form_data(html):
    """The largest POST form of the page as a list of (name, value) pairs."""
    reader = _FormReader()
    reader.feed(html)
    if not reader.forms:
        return []
    return max(reader.forms, key=lambda f: len(f["fields"]))["fields"]


@dataclass
class Timed:
    label: str
    median_ms: float
    max_ms: float
    queries: int
    status: int
    detail: str = ""


def measure_save(client, path, *, repeats, button=("action", "save")):
    """GET the edit page (not timed), then POST its form back unchanged with the save button: the
    server time of a save, as many times as asked. The version in the form moves on with each save."""
    from django.utils.datastructures import MultiValueDict

    samples, queries, status, fields = [], 0, 0, 0
    for i in range(repeats):
        html = client.get(path).content.decode()
        pairs = form_data(html) + [button]
        fields = len(pairs)
        data = MultiValueDict()
        for name, value in pairs:
            data.appendlist(name, value)
        counted = []

        def record(execute, sql, params, many, context, counted=counted):
            counted.append(sql)
            return execute(sql, params, many, context)

        started = time.perf_counter()
        with connection.execute_wrapper(record):
            response = client.post(path, data)
        samples.append((time.perf_counter() - started) * 1000)
        status = response.status_code
        if i == 0:
            queries = len(counted)
        if status not in (200, 302):
            break
    return Timed(
        "Save the largest return (POST)",
        statistics.median(samples),
        max(samples),
        queries,
        status,
        f"{fields} form fields",
    )


def measure_download(client, path, *, label):
    """Server time and queries of one download (a PDF: rendering it once is the cost measured)."""
    counted = []

    def record(execute, sql, params, many, context):
        counted.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        elapsed, response = _timed_get(client, path)
    size = len(response.content)
    return Timed(label, elapsed, elapsed, len(counted), response.status_code, f"{size / 1024:.0f} KiB")
