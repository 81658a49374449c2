"""Every page the URL resolver knows, for every role that may open it, in a real browser.

The pages and who may open them come from the authorisation matrix (tests/authz: one rule per URL
name, the standing cast extended by each app's `extend_cast`), so a new view is crawled as soon as
it has its rule. Each persona gets one browser page, reused for all its URLs (the session cookie of
a fully logged-in test client, second factor included). For every HTML page:

- axe-core, WCAG 2.0/2.1/2.2 A and AA: no serious or critical violation;
- at 390 CSS pixels wide (a phone) the page itself does not scroll sideways
  (`document.scrollingElement.scrollWidth <= window.innerWidth`); a wide table may scroll inside
  its own focusable region;
- no JavaScript error and no Content-Security-Policy refusal.

Screenshots of the main pages at 1280 and 390 pixels are written to var/screenshots/ (gitignored),
for people to look at; CI may keep the folder as an artefact. All problems are gathered and reported
together, page by page, rather than stopping at the first.
"""

import re
from pathlib import Path

from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.authz.test_matrix import KWARGS, RULES, URLS, _rule_modules
from tests.conftest import PERSONAS
from tests.helpers import login

from .journey import BLOCKING_IMPACTS, axe_violations, format_violations

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
WIDE, NARROW = 1280, 390

# The pages people spend their day on: screenshotted (once, by the first persona that opens them).
MAIN_PAGES = {
    "login",
    "cases:audit_list",
    "cases:audit_detail",
    "cases:case_detail",
    "cases:portal",
    "cases:return_edit",
    "cases:return_detail",
    "cases:return_submit",
    "cases:case_timeline",
    "reviews:case_review",
    "reviews:findings",
    "reviews:meeting_detail",
    "reports:report_detail",
    "reports:build_publish",
    "recommendations:board_home",
    "recommendations:tracker",
    "recommendations:recommendation_detail",
    "audittools:tool_detail",
    "notifications:log",
    "accesslog:search",
    "history:retention",
    "operations:health",
}


def _full_cast(cast):
    from audittools.library import install_library

    install_library()  # the live server's flush removed the rows the data migration made
    for module in _rule_modules():
        if hasattr(module, "extend_cast"):
            module.extend_cast(cast)
    return cast


def _url(name, cast):
    rule = RULES[name]
    kwargs = {kw: (rule.kwargs.get(kw) or KWARGS[kw])(cast) for kw in URLS[name]}
    return reverse(name, kwargs=kwargs)


def _pages_for(persona, cast, client):
    """(url name, path) of every HTML page `persona` may open, as the test client sees it."""
    pages = []
    for name in sorted(URLS):
        rule = RULES[name]
        if rule.get is None or persona not in rule.get:
            continue
        expected = rule.get_status if isinstance(rule.get_status, tuple) else (rule.get_status,)
        if 200 not in expected:
            continue
        path = _url(name, cast)
        response = client.get(path)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue  # downloads (CSV, XLSX, PDF, calendar files) and redirects are not pages
        if b"<html" not in response.content[:400].lower():
            continue  # an htmx partial, shown inside its page
        pages.append((name, path))
    return pages


def _scrolls_sideways(page):
    return page.evaluate("() => ({scroll: document.scrollingElement.scrollWidth, inner: window.innerWidth})")


# Content wider than its box must not be cut off where nobody can reach it: it may only scroll inside
# a region a keyboard user can reach and a screen reader names (tabindex=0, role=region, aria-label)
# and that shows a cue that there is more (the app-table-container class draws it).
CLIPPED_JS = """() => {
    const found = [];
    for (const el of document.querySelectorAll('main *, header *, footer *')) {
        if (el.scrollWidth <= el.clientWidth + 1 || el.clientWidth <= 2) continue;
        if (['SELECT', 'TEXTAREA', 'INPUT', 'PROGRESS', 'svg'].includes(el.tagName)) continue;
        const overflow = getComputedStyle(el).overflowX;
        if (overflow === 'visible') continue;  // spills onto the page: the page check catches it
        const region = (overflow === 'auto' || overflow === 'scroll') && el.getAttribute('tabindex') === '0'
            && el.getAttribute('role') === 'region' && (el.getAttribute('aria-label') || '').trim()
            && el.classList.contains('app-table-container');
        if (!region) {
            const what = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
            found.push(`${what} (${overflow}, content ${el.scrollWidth} px in ${el.clientWidth} px)`);
        }
    }
    return found;
}"""


def test_every_page_for_every_role_is_accessible_and_fits_a_phone(_playwright_browser, live_server, cast):
    full = _full_cast(cast)
    problems = []
    shot = set()
    visited = 0
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for persona in PERSONAS:
        client = Client()
        if persona != "anon":
            login(client, getattr(full, persona))
        pages = _pages_for(persona, full, client)
        context = _playwright_browser.new_context(
            base_url=live_server.url,
            locale="en-GB",
            timezone_id="Europe/London",
            viewport={"width": WIDE, "height": 900},
        )
        context.set_default_timeout(20_000)
        if persona != "anon":
            cookie = client.cookies[settings.SESSION_COOKIE_NAME]
            context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda exc, errors=errors: errors.append(f"JavaScript error: {exc}"))
        page.on(
            "console",
            lambda m, errors=errors: (
                errors.append(f"CSP: {m.text}")
                if m.type == "error" and ("Content Security Policy" in m.text or "Refused to" in m.text)
                else None
            ),
        )
        try:
            for name, path in pages:
                errors.clear()
                where = f"{persona} {name} ({path})"
                page.set_viewport_size({"width": WIDE, "height": 900})
                response = page.goto(path)
                page.wait_for_load_state("load")
                if response is None or response.status != 200:
                    problems.append(f"{where}: answered {response and response.status} in the browser")
                    continue
                visited += 1
                blocking = [v for v in axe_violations(page) if v["impact"] in BLOCKING_IMPACTS]
                if blocking:
                    problems.append(f"{where}: WCAG 2.2 AA violations:\n{format_violations(blocking)}")
                slug = re.sub(r"[^\w]+", "-", name)
                if name in MAIN_PAGES and name not in shot:
                    page.screenshot(path=SCREENSHOTS / f"{slug}-{WIDE}.png", full_page=True)
                page.set_viewport_size({"width": NARROW, "height": 844})
                size = _scrolls_sideways(page)
                if size["scroll"] > size["inner"]:
                    problems.append(
                        f"{where}: scrolls sideways at {NARROW} px ({size['scroll']} > {size['inner']})"
                    )
                for clipped in page.evaluate(CLIPPED_JS):
                    problems.append(f"{where}: at {NARROW} px, {clipped} is cut off or scrolls unannounced")
                if name in MAIN_PAGES and name not in shot:
                    page.screenshot(path=SCREENSHOTS / f"{slug}-{NARROW}.png", full_page=True)
                    shot.add(name)
                problems.extend(f"{where}: {e}" for e in errors)
        finally:
            context.close()
    assert visited >= 60, f"only {visited} pages were crawled: is the cast missing objects?"
    assert not problems, f"{len(problems)} problems on {visited} pages:\n" + "\n".join(problems)
