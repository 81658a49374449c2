"""Real-browser tests: Playwright for Python driving Debian's chromium against pytest-django's live server.

One browser for the folder (starting chromium costs seconds); a fresh browser context (cookies,
storage) per test. Every test in this folder is marked `browser` and `postgres`: it skips locally
without chromium or PostgreSQL and fails under REQUIRE_SERVICES=1, as in CI.

Each step of a journey is screenshotted in memory; when the test fails the screenshots (and the
page as it was at the failure) are written to test-artifacts/<test name>/, so a red CI run shows
what the user saw at each step.
"""

import os
import re
from pathlib import Path

import pytest

from tests.conftest import REQUIRE_SERVICES, _browser_available

from .journey import Journey

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.postgres)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    # Let fixtures see whether the test body failed (for the failure screenshots).
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="package")
def _playwright_browser():
    ok, why = _browser_available()
    if not ok:
        if REQUIRE_SERVICES:
            pytest.fail(f"REQUIRE_SERVICES=1 but {why}")
        pytest.skip(why)
    # Playwright's sync API keeps an asyncio loop running in this thread while it is open; Django would
    # refuse the ORM calls of fixtures such as `cast` as "async-unsafe" without this. The browser is
    # package-scoped, so the loop and this variable last only while this folder's tests run (pytest-
    # django keeps live-server tests together) and never reach other tests or their subprocesses.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import expect, sync_playwright

    # A loaded CI machine (2 cores, everything at once) needs more than the default 5 s.
    expect.set_options(timeout=10_000)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(_playwright_browser, live_server, request):
    """A fresh page (own cookies) on the live server, with screenshots written out on failure."""
    context = _playwright_browser.new_context(
        base_url=live_server.url,
        locale="en-GB",
        timezone_id="Europe/London",
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.journey = Journey(page)
    yield page
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    if failed:
        folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", request.node.nodeid)
        page.journey.save_screenshots(folder)
    context.close()


@pytest.fixture
def journey(page):
    return page.journey
