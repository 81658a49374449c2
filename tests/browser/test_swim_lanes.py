"""The swim lanes in a real browser: every bar is reached with Tab, shows that it has the focus, and
Enter (or a click) takes the panel member to the row of its first entry in the list, on the page that
holds it, with that row highlighted."""

import datetime

from playwright.sync_api import expect

from cases.models import ChronologyEntry
from tests.factories import PASSWORD, AgencyFactory, AgencyReturnFactory

from .journey import browser_login, press_tab_until


def _case_over_two_years(cast, settings):
    settings.TIMELINE_PAGE_SIZE = 10
    csc = cast.agency_return
    csc.status = "accepted"
    csc.save()
    police = AgencyReturnFactory(
        case=cast.case, agency=cast.other_agency, status="submitted", requested_by=cast.bm
    )
    start = datetime.date(2024, 1, 8)
    for agency_return, offset, text in ((csc, 0, "Home visit"), (police, 3, "Police welfare check")):
        ChronologyEntry.objects.bulk_create(
            ChronologyEntry(
                agency_return=agency_return,
                position=i,
                date=start + datetime.timedelta(days=30 * i + offset),
                what_happened=f"{text} {i + 1}",
                is_key_event=i == 20,
            )
            for i in range(24)
        )
    return csc, police


def test_a_bar_is_focused_with_tab_and_enter_opens_its_row(page, journey, live_server, cast, settings):
    csc, police = _case_over_two_years(cast, settings)
    target = police.entries.get(what_happened="Police welfare check 21")  # on a later page
    browser_login(page, live_server, cast.panel.email, PASSWORD)
    page.goto(f"{live_server.url}/cases/{cast.case.pk}/timeline/")
    lanes = page.get_by_role("group", name="Swim lanes of Case One")
    expect(lanes).to_be_visible()
    expect(page.locator(f"#entry-{target.pk}")).to_have_count(0)  # not on the first page
    bar = lanes.get_by_role("link", name=f"{target.date:%B %Y} — Riverton Police: 1 entry, 1 key event")
    press_tab_until(page, bar, max_presses=200)
    expect(bar).to_be_focused()
    # The focused bar is drawn differently (yellow, outlined): focus is visible.
    fill = bar.locator("rect").evaluate("(el) => getComputedStyle(el).fill")
    assert fill == "rgb(255, 221, 0)", fill
    journey.step("a bar of the police lane has the keyboard focus")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert f"entry={target.pk}" in page.url and page.url.endswith(f"#entry-{target.pk}")
    row = page.locator(f"#entry-{target.pk}")
    expect(row).to_be_visible()
    expect(row).to_contain_text("Police welfare check 21")
    expect(row).to_be_in_viewport()
    assert row.evaluate("(el) => el.matches(':target')")
    journey.step("Enter opened the page holding the entry, its row highlighted")


def test_clicking_a_bar_opens_its_row_and_lanes_show_agencies_without_a_return(
    page, journey, live_server, cast, settings
):
    csc, _police = _case_over_two_years(cast, settings)
    cast.case.agencies.add(AgencyFactory(name="Riverton Health"))
    first = csc.entries.get(what_happened="Home visit 1")
    browser_login(page, live_server, cast.panel.email, PASSWORD)
    page.goto(f"{live_server.url}/cases/{cast.case.pk}/review/?page=3")
    lanes = page.get_by_role("group", name="Swim lanes of Case One")
    expect(lanes).to_contain_text("Riverton Health")
    expect(lanes).to_contain_text("no return yet")
    with page.expect_navigation():
        lanes.get_by_role(
            "link", name=f"{first.date:%B %Y} — Riverton Children's Social Care: 1 entry"
        ).click()
    row = page.locator(f"#entry-{first.pk}")
    expect(row).to_be_in_viewport()
    expect(row).to_contain_text("Home visit 1")
    journey.step("a click on the first bar opened the first page at its row")


def test_on_a_phone_the_lanes_keep_readable_labels_and_scroll_inside_their_figure(
    page, journey, live_server, cast, settings
):
    _case_over_two_years(cast, settings)
    page.set_viewport_size({"width": 390, "height": 844})
    browser_login(page, live_server, cast.panel.email, PASSWORD)
    page.goto(f"{live_server.url}/cases/{cast.case.pk}/timeline/")
    lanes = page.get_by_role("group", name="Swim lanes of Case One")
    expect(lanes).to_be_visible()
    # The page itself does not scroll sideways; the figure's focusable region does.
    assert not page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth + 1")
    assert page.locator("figure.timeline-lanes [role=region]").evaluate(
        "(el) => el.scrollWidth > el.clientWidth"
    )
    # Every label line is drawn at least at 12 px, in full.
    heights = page.locator("figure.timeline-lanes g.lane text tspan").evaluate_all(
        "(spans) => spans.map((s) => s.getBoundingClientRect().height)"
    )
    assert heights and min(heights) >= 11, heights
    first_label = (
        lanes.locator("g.lane text")
        .first.locator("tspan")
        .evaluate_all("(spans) => spans.map((s) => s.textContent)")
    )
    assert " ".join(first_label[:2]) == "Riverton Children's Social Care", first_label
    journey.step("the swim lanes at 390 px: labels readable, the figure scrolls")
