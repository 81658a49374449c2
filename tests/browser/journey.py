"""What every browser journey needs: logging in through the real form, named steps with screenshots,
an axe-core check of every page a step lands on, and keyboard helpers.

A journey reads like the user's story:

    browser_login(page, live_server, "bm@test.example", PASSWORD)
    journey.step("Business Manager lands on the audit list")
    page.get_by_role("link", name="Audit under test").click()
    journey.step("opens the audit")

`step()` screenshots the page (kept in memory, written to test-artifacts/ only if the test fails),
runs axe-core against WCAG 2.2 AA and fails on any serious or critical violation, and fails if the
page logged a JavaScript error or a Content-Security-Policy violation.
"""

import json
import shutil
from pathlib import Path

AXE_PATH = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
# WCAG 2.0, 2.1 and 2.2 at levels A and AA: what UK public bodies must meet.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING_IMPACTS = {"serious", "critical"}


def browser_login(page, live_server, email, password, *, second_factor=None):
    """Log in through the real login form, as a person would, and wait for the landing page.

    The one place the journeys log in: when login gains a step (a one-time code), pass
    `second_factor`, a callable that completes it on `page`, or extend this function.
    """
    code = None if second_factor is not None else issue_backup_code(email)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    if second_factor is not None:
        second_factor(page)
    elif "/accounts/two-factor/verify/" in page.url:
        page.get_by_label("Code").fill(code)
        with page.expect_navigation():
            page.get_by_role("button", name="Continue").click()
    assert "/accounts/login/" not in page.url, f"login as {email} failed: {page.inner_text('main')[:300]}"
    return page


def issue_backup_code(email):
    """Give the user a one-time backup code (as they would have from enrolment) and return it;
    the login form then asks for it as their second factor."""
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    from accounts.models import User
    from accounts.two_factor import second_factor_required

    user = User.objects.filter(email=email).first()
    if user is None or not second_factor_required(user):
        return None
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name="Browser test codes", defaults={"confirmed": True}
    )
    code = StaticToken.random_token()
    StaticToken.objects.create(device=device, token=code)
    return code


def axe_violations(page, *, tags=WCAG_TAGS):
    """Run axe-core in the page and return its violations (dicts as axe reports them).

    axe is evaluated through the DevTools protocol rather than a <script> tag, so the page's
    Content-Security-Policy (which forbids inline and injected scripts) neither blocks it nor has to
    be bypassed for the rest of the test.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_PATH.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => ({target: n.target, summary: n.failureSummary}))}));
        }""",
        tags,
    )
    return result


def format_violations(violations):
    lines = []
    for v in violations:
        lines.append(f"- [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:5]:
            lines.append(f"    {json.dumps(node['target'])}: {(node['summary'] or '').splitlines()[-1:]}")
    return "\n".join(lines)


class Journey:
    """The steps of one test: screenshots, accessibility checks, browser errors."""

    def __init__(self, page):
        self.page = page
        self.shots = []  # (step name, PNG bytes)
        self.browser_errors = []
        self.checked = []  # (step name, url) of every page axe checked
        page.on("pageerror", lambda exc: self.browser_errors.append(f"JavaScript error: {exc}"))
        page.on("console", self._on_console)

    def _on_console(self, message):
        text = message.text
        if message.type == "error" and ("Content Security Policy" in text or "Refused to" in text):
            self.browser_errors.append(f"CSP violation: {text}")

    def step(self, name, *, check_accessibility=True):
        """Mark the end of a step: screenshot it, check the page with axe, fail on browser errors."""
        self.page.wait_for_load_state("load")
        self._screenshot(name)
        assert not self.browser_errors, f"{name}: the browser reported errors:\n" + "\n".join(
            self.browser_errors
        )
        if check_accessibility:
            violations = axe_violations(self.page)
            self.checked.append((name, self.page.url))
            blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
            assert not blocking, (
                f"{name} ({self.page.url}): serious or critical WCAG 2.2 AA violations:\n"
                + format_violations(blocking)
            )

    def _screenshot(self, name):
        try:
            self.shots.append((name, self.page.screenshot(full_page=True)))
        except Exception as exc:  # a closed page must not hide the real failure
            self.shots.append((f"{name} (no screenshot: {exc})", b""))

    def save_screenshots(self, folder):
        shutil.rmtree(folder, ignore_errors=True)  # only this run's steps, not an earlier failure's
        folder.mkdir(parents=True, exist_ok=True)
        self._screenshot("at failure")
        for number, (name, png) in enumerate(self.shots, start=1):
            if png:
                slug = "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")[:60]
                (folder / f"{number:02d}-{slug}.png").write_bytes(png)


def press_tab_until(page, locator, *, max_presses=80, shift=False):
    """Press Tab (or Shift+Tab) until `locator` has the keyboard focus; fail if it never does."""
    handle = locator.element_handle()
    for _ in range(max_presses):
        if page.evaluate("(el) => document.activeElement === el", handle):
            return
        page.keyboard.press("Shift+Tab" if shift else "Tab")
    raise AssertionError(f"{locator} never received focus after {max_presses} Tab presses")


def focused_text(page):
    """What a screen reader would announce first for the focused element (its label or text)."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            if (!el) return '';
            if (el.labels && el.labels.length) return el.labels[0].innerText.trim();
            return (el.getAttribute('aria-label') || el.innerText || el.value || '').trim();
        }"""
    )


def fill_date(page, legend, value):
    """Type a date into a GOV.UK date input (day, month and year boxes under `legend`)."""
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(value.day))
    group.get_by_label("Month").fill(str(value.month))
    group.get_by_label("Year").fill(str(value.year))
