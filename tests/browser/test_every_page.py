"""Every page of the app, for every role that may open it: axe-core (WCAG 2.2 AA) finds no serious or
critical violation, and at 390 px wide the page does not scroll sideways (WCAG 1.4.10, reflow).

The list of pages is not written by hand: it is the authorisation matrix (tests/authz), which has a
rule for every URL the resolver knows, naming the personas allowed to GET it and the objects its URL
keywords point at in the matrix's standing cast. A new page therefore joins this crawl as soon as it
has its (compulsory) matrix rule.

A URL that does not answer an HTML page to GET (a file download, a PDF, JSON, a redirect, 405 for a
POST-only view) is recognised from its response, not from a list, and left out; the test fails if the
crawl reaches suspiciously few pages, so a broken log-in or cast cannot make it pass vacuously.

Each persona logs in once (password and second factor, through the real form) and keeps one browser
context for all its pages. Each page is loaded once: axe runs at 1280 px, then the window is narrowed
to 390 px for the reflow check and a second axe pass of the rules whose result depends on the width
(a table that fits at 1280 px may scroll at 390 px, and its container must then be focusable).

Every run also writes screenshots of the main pages at both widths to test-artifacts/screenshots/
(not committed), for a reviewer to look at the app without running it.
"""

from pathlib import Path

import pytest

from tests.authz.test_matrix import RULES, URLS, matrix_url
from tests.conftest import PERSONAS
from tests.factories import PASSWORD

from .journey import BLOCKING_IMPACTS, axe_violations, browser_login

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
WIDE, NARROW = 1280, 390
# Rules whose outcome changes with the width of the window: checked again at 390 px.
NARROW_RULES = ["scrollable-region-focusable", "target-size"]
# At 390 px, everything that scrolls sideways inside the page: the page may not, and anything else
# that does must be a labelled, focusable region (tabindex="0", role="region", aria-label or
# aria-labelledby), as the shared table container is, so keyboard and screen-reader users can scroll it.
SIDEWAYS_SCROLLERS = """() => [...document.querySelectorAll('body, body *')]
    .filter(el => el.scrollWidth > el.clientWidth + 1
        && ['auto', 'scroll'].includes(getComputedStyle(el).overflowX))
    .map(el => ({
        selector: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
            + (typeof el.className === 'string' && el.className.trim()
                ? '.' + el.className.trim().split(/\\s+/).join('.') : ''),
        region: el.tabIndex >= 0 && el.getAttribute('role') === 'region'
            && !!(el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')),
    }))"""

# The current app gives more than 230 HTML pages over all personas; far fewer means the crawl lost
# its way (log-in failed, the cast lacks objects, pages answer redirects), not that the app shrank.
MINIMUM_PAGES = 200

# The main pages, screenshotted on every run: url name -> (file name, persona who is shown it).
MAIN_PAGES = {
    "worklist:attention": ("bm-home-worklist", "bm"),
    "cases:audit_list": ("audit-list", "bm"),
    "cases:audit_detail": ("audit-overview", "bm"),
    "cases:case_detail": ("case-page", "bm"),
    "cases:return_edit": ("return-editor", "contributor"),
    "reviews:case_review": ("case-review", "panel"),
    "reports:report_detail": ("report-page", "bm"),
    "recommendations:tracker": ("tracker", "bm"),
    "recommendations:board_home": ("board-home", "board"),
    "learning:library": ("library", "bm"),
}

# Known failures, each (url name, persona, axe rule id, or "reflow" / "scroll-region" / "load"): pages
# whose templates another piece of work is rewriting. The test prints them apart and fails when one
# of them no longer happens, so that the entry is removed and the page is checked like any other.
KNOWN_FAILURES = set()


@pytest.fixture
def cast(cast):
    """The standing cast, after putting back the rows the data migrations made (the audit-tool
    library, the themes), which an earlier live-server test's flush removed; the matrix's cast
    (`full_cast`, which builds on this fixture) needs them."""
    from audittools.library import install_library
    from learning.models import SEED_THEMES, Theme

    install_library()
    for name, description in SEED_THEMES:
        Theme.objects.get_or_create(name=name, defaults={"description": description})
    return cast


def _pages_by_persona(cast):
    pages = {persona: [] for persona in PERSONAS}
    for url_name in sorted(URLS):
        rule = RULES[url_name]
        for persona in PERSONAS:
            if rule.get is not None and persona in rule.get:
                pages[persona].append((url_name, matrix_url(url_name, cast)))
    return pages


def _not_an_html_page(response):
    """Why a GET answer is not a page to check (None when it is one)."""
    if 300 <= response.status < 400:
        return f"redirect {response.status}"
    if response.status == 405:
        return "405: POST only"
    content_type = response.headers.get("content-type", "")
    if not content_type.startswith("text/html"):
        return content_type.split(";")[0] or "no content type"
    if "attachment" in response.headers.get("content-disposition", ""):
        return "download"
    if "<html" not in response.text()[:1000].lower():
        return "a fragment of a page (htmx), checked inside its page"
    return None


def _blocking(violations):
    return [v for v in violations if v["impact"] in BLOCKING_IMPACTS]


def _targets(violation):
    return ", ".join(" ".join(node["target"]) for node in violation["nodes"][:6])


WIDEST_ELEMENTS = """(limit) => [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > limit + 1 && getComputedStyle(el).position !== 'fixed')
    .filter(el => { /* not clipped by a container that scrolls or hides its overflow (which an
                       absolutely placed element escapes unless the container is positioned) */
        if (getComputedStyle(el).position === 'absolute') return true;
        for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
            if (getComputedStyle(a).overflowX !== 'visible') return false;
        }
        return true; })
    .filter(el => ![...el.children].some(c => c.getBoundingClientRect().right > limit + 1))
    .slice(0, 4)
    .map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
        + (typeof el.className === 'string' && el.className.trim()
            ? '.' + el.className.trim().split(/\\s+/).join('.') : ''))"""

AXE_RULES = """async (rules) => {
    const r = await axe.run(document, {runOnly: {type: 'rule', values: rules}, resultTypes: ['violations']});
    return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map(n => ({target: n.target}))}));
}"""


class Crawl:
    """What the crawl found: pages checked, answers skipped, failures by (url name, persona, rule)."""

    def __init__(self, browser, live_server):
        self.browser = browser
        self.live_server = live_server
        self.base = live_server.url
        self.checked, self.skipped, self.errors = [], [], []
        self.found = {}
        self.shots = set()

    def persona(self, persona, user, pages):
        context = self.browser.new_context(
            base_url=self.base,
            locale="en-GB",
            timezone_id="Europe/London",
            viewport={"width": WIDE, "height": 900},
        )
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.browser_errors = []
        page.on("pageerror", lambda exc: page.browser_errors.append(f"JavaScript error: {exc}"))
        page.on("console", lambda msg: self._console(page, msg))
        try:
            if user is not None:
                browser_login(page, self.live_server, user.email, PASSWORD)
            for url_name, url in pages:
                answer = context.request.get(self.base + url, max_redirects=0)
                reason = _not_an_html_page(answer)
                if reason:
                    self.skipped.append((url_name, persona, reason))
                    continue
                self.page(page, url_name, url, persona)
        finally:
            context.close()

    @staticmethod
    def _console(page, message):
        text = message.text
        if message.type == "error" and ("Content Security Policy" in text or "Refused to" in text):
            page.browser_errors.append(f"CSP violation: {text}")

    def fail(self, url_name, persona, rule, message):
        self.found.setdefault((url_name, persona, rule), message)

    def page(self, page, url_name, url, persona):
        where = f"{url} ({url_name}) as {persona}"
        page.set_viewport_size({"width": WIDE, "height": 900})
        page.browser_errors.clear()
        try:
            page.goto(url)
        except Exception as exc:  # a page that does not load is a failure like any other
            self.fail(url_name, persona, "load", f"{where}: did not load: {exc}")
            return
        if not page.url.endswith(url):
            self.fail(url_name, persona, "load", f"{where}: the browser ended at {page.url}")
            return
        for v in _blocking(axe_violations(page)):
            self.fail(
                url_name,
                persona,
                v["id"],
                f"{where} at {WIDE} px: [{v['impact']}] {v['id']} ({v['help']}): {_targets(v)}",
            )
        self._screenshot(page, url_name, persona, WIDE)

        page.set_viewport_size({"width": NARROW, "height": 844})
        scroll_width, inner_width = page.evaluate(
            "() => [document.scrollingElement.scrollWidth, window.innerWidth]"
        )
        if scroll_width > inner_width:
            widest = ", ".join(page.evaluate(WIDEST_ELEMENTS, inner_width))
            self.fail(
                url_name,
                persona,
                "reflow",
                f"{where} at {NARROW} px: the page scrolls sideways (scrollWidth {scroll_width} > innerWidth "
                f"{inner_width}); widest: {widest}",
            )
        bare = [s["selector"] for s in page.evaluate(SIDEWAYS_SCROLLERS) if not s["region"]]
        if bare:
            self.fail(
                url_name,
                persona,
                "scroll-region",
                f"{where} at {NARROW} px: scrolls sideways but is not a focusable, labelled region "
                f"(tabindex=0, role=region, aria-label): {', '.join(bare)}",
            )
        for v in _blocking(page.evaluate(AXE_RULES, NARROW_RULES)):
            self.fail(
                url_name,
                persona,
                v["id"],
                f"{where} at {NARROW} px: [{v['impact']}] {v['id']} ({v['help']}): {_targets(v)}",
            )
        self._screenshot(page, url_name, persona, NARROW)
        self.errors.extend(f"{where}: {e}" for e in page.browser_errors)
        self.checked.append((url_name, persona))

    def _screenshot(self, page, url_name, persona, width):
        name, shown_to = MAIN_PAGES.get(url_name, (None, None))
        if shown_to == persona:
            page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=True)
            self.shots.add((url_name, width))

    def problems(self):
        new = [self.found[key] for key in sorted(self.found) if key not in KNOWN_FAILURES]
        fixed = sorted(KNOWN_FAILURES - set(self.found))
        missing = sorted({(u, w) for u in MAIN_PAGES for w in (WIDE, NARROW)} - self.shots)
        problems = []
        if len(self.checked) < MINIMUM_PAGES:
            problems.append(
                f"Only {len(self.checked)} pages were checked (expected at least {MINIMUM_PAGES}); "
                f"skipped: {self.skipped}"
            )
        if missing:
            problems.append(f"No screenshot of: {missing}")
        if new:
            problems.append(
                f"{len(new)} accessibility or reflow failures on {len(self.checked)} pages:\n"
                + "\n".join(new)
            )
        if self.errors:
            problems.append("The browser reported errors:\n" + "\n".join(self.errors))
        if fixed:
            problems.append(
                "These known failures no longer happen: remove them from KNOWN_FAILURES:\n"
                + "\n".join(f"{u} as {p}: {r}" for u, p, r in fixed)
            )
        return problems


def test_every_page_is_accessible_and_reflows(_playwright_browser, live_server, full_cast):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob("*.png"):
        old.unlink()
    crawl = Crawl(_playwright_browser, live_server)
    for persona, pages in _pages_by_persona(full_cast).items():
        if pages:
            crawl.persona(persona, None if persona == "anon" else getattr(full_cast, persona), pages)

    known = sorted(key for key in crawl.found if key in KNOWN_FAILURES)
    print(
        f"\nChecked {len(crawl.checked)} pages; skipped {len(crawl.skipped)} answers that are not pages; "
        f"{len(known)} known failures still present."
    )
    for key in known:
        print(f"known failure: {crawl.found[key]}")
    problems = crawl.problems()
    assert not problems, "\n\n".join(problems)
