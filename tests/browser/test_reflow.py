"""Reflow (WCAG 1.4.10): at 320 CSS pixels wide (a 1280-pixel screen zoomed to 400%) no page scrolls
sideways. A wide data table may scroll inside the page; the page itself must not."""

from playwright.sync_api import expect

from tests.factories import PASSWORD

from .journey import browser_login


def _page_scrolls_sideways(page):
    return page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth + 1")


def test_pages_reflow_at_400_percent_zoom(page, journey, live_server, cast):
    page.set_viewport_size({"width": 320, "height": 800})
    browser_login(page, live_server, cast.bm.email, PASSWORD)
    for path in (
        "/audits/",
        f"/audits/{cast.audit.pk}/",
        f"/audits/{cast.audit.pk}/cases/",
        f"/audits/{cast.audit.pk}/returns/",
        f"/audits/{cast.audit.pk}/panel/",
        f"/audits/{cast.audit.pk}/meetings/",
        f"/audits/{cast.audit.pk}/findings/",
        f"/audits/{cast.audit.pk}/recommendations/",
        f"/audits/{cast.audit.pk}/assurance/",
        f"/audits/{cast.audit.pk}/grades/",
        f"/audits/{cast.audit.pk}/cases/new/",
        f"/cases/{cast.case.pk}/",
        "/audits/new/",
    ):
        page.goto(f"{live_server.url}{path}")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert not _page_scrolls_sideways(page), f"{path} scrolls sideways at 320 px"
        journey.step(f"{path} at 320 px wide")
