"""The completion matrix in a real browser: on a phone (390 px) a card per case and no sideways
scrolling of the page; on a wider screen the table. Every page is checked by `journey.step` (axe)."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import PASSWORD, AgencyFactory, AgencyReturnFactory, CaseFactory

from .journey import browser_login


def _page_scrolls_sideways(page):
    return page.evaluate("() => document.scrollingElement.scrollWidth > window.innerWidth")


def test_business_manager_reads_the_completion_matrix_on_a_phone_and_a_desktop(
    page, journey, live_server, cast
):
    # A wide audit: six agencies, four cases, one return overdue.
    agencies = [cast.agency, cast.other_agency] + [
        AgencyFactory(name=f"Riverton Agency with a long name {i}") for i in range(4)
    ]
    late_day = timezone.localdate() - datetime.timedelta(days=4)
    cast.agency_return.due_date = late_day
    cast.agency_return.save()
    for n in range(2, 5):
        case = CaseFactory(audit=cast.audit, number=n)
        for agency in agencies:
            AgencyReturnFactory(case=case, agency=agency, requested_by=cast.bm)

    page.set_viewport_size({"width": 390, "height": 844})
    browser_login(page, live_server, cast.bm.email, PASSWORD)
    page.goto(f"{live_server.url}/audits/{cast.audit.pk}/")
    page.locator(".govuk-task-list").get_by_role("link", name="Returns requested").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Returns")
    cards = page.locator(".app-matrix-cards .govuk-summary-card")
    expect(cards).to_have_count(4)
    expect(page.locator(".app-table--matrix")).to_be_hidden()
    case_one = cards.filter(has=page.get_by_role("heading", name="Case One"))
    row = case_one.locator(".govuk-summary-list__row", has_text=cast.agency.name)
    expect(row).to_contain_text("Requested")
    expect(row).to_contain_text("Overdue by 4 days")
    expect(row).to_contain_text(f"Due {late_day:%-d %B %Y}")
    assert not _page_scrolls_sideways(page), "the returns page scrolls sideways at 390 px"
    journey.step("on a phone the matrix is a card per case, and the page does not scroll sideways")

    row.get_by_role("link", name=f"Requested ({cast.agency.name}, Case One)").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(cast.agency.name)
    journey.step("a card's status opens the return")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.go_back()
    expect(page.locator(".app-matrix-cards")).to_be_hidden()
    table = page.get_by_role("region", name="Returns by case and agency, with due dates")
    expect(table).to_be_visible()
    expect(table.get_by_role("columnheader", name="Riverton Agency with a long name 3")).to_be_visible()
    expect(table.get_by_role("row", name="Case One")).to_contain_text("Overdue by 4 days")
    assert not _page_scrolls_sideways(page)
    journey.step("on a desktop the matrix is a table of cases by agency")
