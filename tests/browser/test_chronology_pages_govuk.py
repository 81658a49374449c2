"""The chronology pages in GOV.UK Frontend markup, in a real browser at a phone's width and a desktop's:
the return editor (with a refused save), the return as submitted, the merged timeline with its swim
lanes, and the import page. Each wide table or picture scrolls inside its own focusable, labelled
region; the page never scrolls sideways; axe finds nothing serious (journey.step)."""

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD

from .journey import browser_login
from .test_swim_lanes import _case_over_two_years

PAGE_FITS = "() => document.scrollingElement.scrollWidth <= window.innerWidth"


def _check_regions(page):
    """Every scroll region is reachable with the keyboard and says what it holds."""
    regions = page.locator(".app-table-container")
    assert regions.count() > 0
    for region in regions.all():
        assert region.get_attribute("tabindex") == "0"
        assert region.get_attribute("role") == "region"
        assert (region.get_attribute("aria-label") or "").strip()


@pytest.mark.parametrize("width", [390, 1280])
def test_the_timeline_and_a_submitted_return(page, journey, live_server, cast, settings, width):
    csc, _police = _case_over_two_years(cast, settings)
    page.set_viewport_size({"width": width, "height": 900})
    browser_login(page, live_server, cast.bm.email, PASSWORD)
    for path, name in (
        (f"/cases/{cast.case.pk}/timeline/", "the merged timeline"),
        (f"/returns/{csc.pk}/", "a submitted return"),
        (f"/cases/{cast.case.pk}/review/", "the case review"),
    ):
        page.goto(f"{live_server.url}{path}")
        assert page.evaluate(PAGE_FITS), name
        _check_regions(page)
        # Captions are drawn above their tables.
        for caption in page.locator("caption:not(.govuk-visually-hidden)").all():
            table_top = caption.evaluate(
                "(c) => c.closest('table').querySelector('thead').getBoundingClientRect().top"
            )
            assert caption.bounding_box()["y"] < table_top
        journey.step(f"{name} at {width} px")
    page.goto(f"{live_server.url}/cases/{cast.case.pk}/timeline/")
    region = page.get_by_role("region", name="Swim lanes of Case One (scrolls sideways on a narrow screen)")
    region.focus()
    expect(region).to_be_focused()
    if width == 390:
        assert region.evaluate("(el) => el.scrollWidth > el.clientWidth")
        page.keyboard.press("ArrowRight")
        page.wait_for_function("(el) => el.scrollLeft > 0", arg=region.element_handle())


@pytest.mark.parametrize("width", [390, 1280])
def test_the_return_editor_with_problems_in_its_rows(page, journey, live_server, cast, width):
    page.set_viewport_size({"width": width, "height": 900})
    browser_login(page, live_server, cast.contributor.email, PASSWORD)
    page.goto(f"{live_server.url}/returns/{cast.agency_return.pk}/edit/")
    assert page.evaluate(PAGE_FITS)
    page.get_by_role("button", name="Add row").click()
    page.get_by_role("button", name="Add row").click()
    page.get_by_label("Date, row 1", exact=True).fill("31/02/2025")
    page.get_by_label("What happened, row 1", exact=True).fill("A visit.")
    page.get_by_label("Date, row 2", exact=True).fill("01/03/2025")
    page.get_by_role("button", name="Save draft").first.click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name="Row 1, Date")).to_have_attribute("href", "#entries-0-date")
    expect(summary.get_by_role("link", name="Row 2, What happened")).to_have_attribute(
        "href", "#entries-1-what_happened"
    )
    # Each invalid cell shows its message above the input, which is marked and described by it.
    date = page.get_by_label("Date, row 1", exact=True)
    expect(date).to_have_class("govuk-input govuk-input--width-10 govuk-input--error")
    expect(date).to_have_attribute("aria-describedby", "entries-0-date-error")
    expect(page.locator("#entries-0-date-error")).to_be_visible()
    assert page.evaluate(PAGE_FITS)
    _check_regions(page)
    journey.step(f"the return editor with two invalid cells at {width} px")

    summary.get_by_role("link", name="Row 2, What happened").click()
    expect(page.get_by_label("What happened, row 2", exact=True)).to_be_focused()
    page.goto(f"{live_server.url}/returns/{cast.agency_return.pk}/import/")
    assert page.evaluate(PAGE_FITS)
    journey.step(f"the import page at {width} px")
