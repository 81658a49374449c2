"""Keyboard-only use: a person who cannot use a mouse completes the forms with Tab, arrows, Space and Enter.

Nothing here clicks or fills: focus moves with Tab, choices are made with the arrow keys and Space,
forms are submitted with Enter, including an agency return with a chronology row.
"""

import datetime

from playwright.sync_api import expect

from tests.factories import PASSWORD

from .journey import browser_login, focused_text, press_tab_until


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_the_main_content(
    page, journey, live_server, cast
):
    browser_login(page, live_server, cast.bm.email, PASSWORD)
    page.goto(f"{live_server.url}/audits/")  # the home page is "Needs your attention"; this is the list
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()  # visually hidden until focused
    journey.step("the skip link shows on the first Tab")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Create an audit")).to_be_focused()


def test_business_manager_adds_a_case_with_the_keyboard_only(page, journey, live_server, cast):
    browser_login(page, live_server, cast.bm.email, PASSWORD)
    page.goto(f"{live_server.url}/audits/")
    press_tab_until(page, page.get_by_role("link", name="Audit under test"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit under test")
    press_tab_until(page, page.locator(".govuk-task-list").get_by_role("link", name="Cases selected"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cases")

    press_tab_until(page, page.get_by_role("link", name="Add a case"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a case")
    journey.step("reaches the case form by keyboard")

    # The form's fields come in reading order, each announced by its label.
    # The few-option choices are radios: Tab reaches each group, an arrow key moves and selects.
    press_tab_until(page, page.get_by_label("Section 47 enquiry"))
    page.keyboard.press("Space")  # Section 47 enquiry
    page.keyboard.press("Tab")
    assert focused_text(page) == "Child protection plan"
    page.keyboard.press("ArrowDown")  # Looked after
    assert focused_text(page) == "Looked after"
    page.keyboard.press("Tab")
    assert focused_text(page) == "Paper audit"
    page.keyboard.press("ArrowDown")  # Reflective practice meeting
    page.keyboard.press("Tab")
    assert focused_text(page) == cast.agency.name
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert focused_text(page) == cast.other_agency.name
    page.keyboard.press("Tab")
    assert focused_text(page).startswith("Summary")
    page.keyboard.type("Looked after; reflective practice meeting planned.")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Add the case")).to_be_focused()
    journey.step("fills every field with the keyboard")

    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Case Two")
    summary = page.locator("dl.case-summary")
    expect(summary).to_contain_text("Section 47 enquiry")
    expect(summary).to_contain_text("Looked after")
    expect(summary).to_contain_text(cast.agency.name)
    expect(summary).not_to_contain_text(cast.other_agency.name)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Reflective practice meeting")
    journey.step("submits with Enter and sees Case Two as entered")


def test_keyboard_user_adds_a_register_term_and_is_told_of_a_duplicate(page, journey, live_server, cast):
    browser_login(page, live_server, cast.bm.email, PASSWORD)
    page.goto(f"{live_server.url}/cases/{cast.case.pk}/")
    register = page.locator("#register")
    press_tab_until(page, register.get_by_label("Kind"))
    for _ in range(1):
        page.keyboard.press("ArrowDown")  # Child's name
    page.keyboard.press("Tab")
    page.keyboard.type(cast.term.value)
    page.keyboard.press("Enter")  # Enter in a text field submits its form
    expect(register.locator(".govuk-error-message")).to_contain_text("This term is already in the register.")
    expect(register.get_by_label("Term", exact=True)).to_have_value(cast.term.value)
    journey.step("a duplicate term is refused with the message next to the field, the text kept")


def test_contributor_adds_a_chronology_row_and_saves_the_draft_with_the_keyboard_only(
    page, journey, live_server, cast
):
    browser_login(page, live_server, cast.contributor.email, PASSWORD)
    page.goto(f"{live_server.url}/portal/")
    press_tab_until(page, page.get_by_role("link", name="Start the return for Case One"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{cast.agency.name} — Case One")
    journey.step("opens the return from Our returns by keyboard")

    press_tab_until(page, page.get_by_role("button", name="Add row"))
    page.keyboard.press("Enter")
    expect(page.locator("tr#row-1")).to_be_visible()
    # The new row's date field has the focus: typing goes straight into it.
    assert focused_text(page) == "Date, row 1"
    journey.step("adds an empty chronology row by keyboard")

    page.keyboard.type("14/03/2026")
    page.keyboard.press("Tab")
    assert focused_text(page).startswith("Date precision")
    page.keyboard.press("Tab")
    assert focused_text(page).startswith("Time")
    page.keyboard.type("09:30")
    page.keyboard.press("Tab")
    assert focused_text(page).startswith("What happened")
    page.keyboard.type("Home visit; concerns about home conditions shared with social care.")
    page.keyboard.press("Tab")
    assert focused_text(page).startswith("Who was involved")
    page.keyboard.type("Health visitor")
    press_tab_until(page, page.get_by_role("button", name="Save draft").last)
    page.keyboard.press("Enter")

    expect(page.get_by_role("status")).to_have_text("Draft saved.")
    expect(page.get_by_label("What happened")).to_have_value(
        "Home visit; concerns about home conditions shared with social care."
    )
    journey.step("the row is saved with the draft")
    entry = cast.agency_return.entries.get()
    assert entry.date == datetime.date(2026, 3, 14)
    assert entry.who_involved == "Health visitor"
