"""A chronology of real length in a real browser: 200 rows paged 50 at a time, a row edited, one
added, one removed, saved and submitted; a refused save keeps everything typed and its summary
links to the row at fault."""

import datetime

from playwright.sync_api import expect

from cases.models import AgencyReturn, ChronologyEntry
from tests.factories import PASSWORD

from .journey import browser_login

ROWS = 200


def _long_chronology(agency_return):
    start = datetime.date(2024, 1, 1)
    ChronologyEntry.objects.bulk_create(
        ChronologyEntry(
            agency_return=agency_return,
            position=i,
            date=start + datetime.timedelta(days=3 * i),
            what_happened=f"Contact {i + 1}: home visit, child seen.",
            who_involved="Social worker",
        )
        for i in range(ROWS)
    )
    return list(agency_return.entries.order_by("position").values_list("pk", flat=True))


def test_contributor_edits_saves_and_submits_a_200_row_chronology(page, journey, live_server, cast):
    ids = _long_chronology(cast.agency_return)
    browser_login(page, live_server, cast.contributor.email, PASSWORD)
    page.goto(f"{live_server.url}/returns/{cast.agency_return.pk}/edit/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{cast.agency.name} — Case One")
    pager = page.get_by_role("navigation", name="Chronology pages")
    expect(pager.get_by_role("button", name="Rows 1–50")).to_have_attribute("aria-current", "page")
    expect(page.locator("tr[data-chron-row]:visible")).to_have_count(50)
    journey.step("opens a 200-row return: 50 rows a page")

    # Edit row 120 on page 3.
    pager.get_by_role("button", name="Rows 101–150").click()
    row_120 = page.get_by_label("What happened, row 120", exact=True)
    expect(row_120).to_be_visible()
    row_120.fill("Contact 120: unannounced visit; the child was not seen.")
    # Remove row 5 (page 1): the rows after it move up.
    pager.get_by_role("button", name="Rows 1–50").click()
    page.get_by_role("button", name="Remove row 5", exact=True).click()
    expect(page.get_by_label("What happened, row 5", exact=True)).to_have_value(
        "Contact 6: home visit, child seen."
    )
    # Add a row at the end: the last page opens with the new row focused.
    page.get_by_role("button", name="Add row").click()
    new_date = page.get_by_label("Date, row 200", exact=True)
    expect(new_date).to_be_focused()
    new_date.fill("02/03/2026")
    page.get_by_label("What happened, row 200", exact=True).fill("Child protection conference.")
    journey.step("edits row 120, removes row 5 and adds row 200 in the page")

    page.get_by_role("button", name="Save draft").first.click()
    expect(page.get_by_role("status")).to_have_text("Draft saved.")
    journey.step("saves the draft")
    entries = list(cast.agency_return.entries.order_by("position"))
    assert len(entries) == ROWS
    assert ids[4] not in [e.pk for e in entries]
    assert [e.pk for e in entries[:199]] == ids[:4] + ids[5:], "unchanged rows keep their ids, in order"
    assert entries[118].what_happened == "Contact 120: unannounced visit; the child was not seen."
    assert entries[199].what_happened == "Child protection conference."

    # A refused save: an impossible date on row 150, and typing elsewhere that must not be lost.
    pager = page.get_by_role("navigation", name="Chronology pages")
    pager.get_by_role("button", name="Rows 101–150").click()
    page.get_by_label("Date, row 150", exact=True).fill("31/02/2025")
    pager.get_by_role("button", name="Rows 1–50").click()
    page.get_by_label("Significance, row 10", exact=True).fill("Typed before the refused save.")
    page.get_by_label("Description of involvement").fill("Allocated social worker throughout.")
    page.get_by_role("button", name="Save draft").first.click()
    summary = page.get_by_role("alert").filter(has_text="There is a problem: nothing was saved")
    expect(summary).to_be_visible()
    link = summary.get_by_role("link", name="Row 150, Date")
    expect(link).to_be_visible()
    journey.step("a refused save lists the problem at the top, linked to its row")

    link.click()
    bad_date = page.get_by_label("Date, row 150", exact=True)
    expect(bad_date).to_be_focused()
    expect(bad_date).to_have_value("31/02/2025")
    pager.get_by_role("button", name="Rows 1–50").click()
    expect(page.get_by_label("Significance, row 10", exact=True)).to_have_value(
        "Typed before the refused save."
    )
    expect(page.get_by_label("Description of involvement")).to_have_value(
        "Allocated social worker throughout."
    )
    journey.step("the link opens the row at fault; everything typed is still there")
    assert not cast.agency_return.entries.filter(significance="Typed before the refused save.").exists()

    # Correct it, complete the return and submit.
    pager.get_by_role("button", name="Rows 101–150").click()
    bad_date.fill("28/02/2025")
    page.get_by_label("Analysis of policy and procedures").fill("Procedures were followed.")
    page.get_by_label("Analysis of professional practice").fill("Visits were timely.")
    page.get_by_label("Lessons learnt so far").fill("Record the child's own words.")
    page.get_by_role("button", name="Save and check before submitting").click()
    expect(page.locator(".govuk-summary-card", has_text="Chronology of key events")).to_contain_text("200")
    journey.step("checks the 200-row return's answers")
    page.get_by_role("button", name="Submit return").click()
    expect(page.locator(".govuk-panel")).to_contain_text("Return submitted")
    journey.step("submits the 200-row return")
    r = AgencyReturn.objects.get(pk=cast.agency_return.pk)
    assert r.status == AgencyReturn.Status.SUBMITTED and r.entries.count() == ROWS
    assert r.entries.get(position=9).significance == "Typed before the refused save."
    assert r.entries.get(position=149).date == datetime.date(2025, 2, 28)
