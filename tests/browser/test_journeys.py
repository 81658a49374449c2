"""The users' journeys, end to end in a real browser, each page checked with axe-core (WCAG 2.2 AA).

Every `journey.step(...)` screenshots the page and fails on serious/critical accessibility
violations or browser errors. Journeys of later features (returns portal, panel review, tracker,
report) extend this module with the same pattern.
"""

import datetime
import re

from playwright.sync_api import expect

from tests.factories import PASSWORD

from .journey import browser_login, fill_date


def cases_section(page):
    """The "Cases selected" section of the audit's cases page."""
    return page.locator("section", has=page.get_by_role("heading", name="Cases selected", exact=True))


def open_stage(page, name):
    """From the audit's overview, follow one stage of its task list to that stage's page."""
    page.locator(".govuk-task-list").get_by_role("link", name=name).click()


def test_business_manager_adds_a_case_a_register_term_and_a_panel_member(page, journey, live_server, cast):
    browser_login(page, live_server, cast.bm.email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Needs your attention")
    page.get_by_role("link", name="All audits").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audits")
    journey.step("Business Manager goes from the home page to the audit list")

    page.get_by_role("link", name="Audit under test").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit under test")
    expect(page.locator(".govuk-task-list__item", has_text="Cases selected")).to_contain_text("Completed")
    journey.step("opens the audit: its stages as a task list")

    open_stage(page, "Cases selected")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cases")
    expect(cases_section(page).get_by_role("link", name="Case One")).to_be_visible()
    journey.step("follows the stage 'Cases selected' to the cases page and sees Case One")

    page.get_by_role("link", name="Add a case").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a case")
    journey.step("opens the case form")

    page.get_by_label("Child Protection Conference").check()
    page.get_by_label("Child in need").check()
    page.get_by_label("Paper audit").check()
    page.get_by_label("Riverton Police").check()
    page.get_by_label("Summary").fill("Referral by school nurse; concluded section 47 enquiry.")
    page.get_by_role("button", name="Add the case").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Case Two")
    expect(page.get_by_role("status")).to_have_text("Case Two added.")
    expect(page.get_by_text("Riverton Police")).to_be_visible()
    journey.step("adds Case Two")

    register = page.locator("#register")
    expect(register).to_contain_text("The register is empty.")
    register.get_by_label("Kind").select_option(label="School")
    register.get_by_label("Term", exact=True).fill("H")
    register.get_by_role("button", name="Add to register").click()
    expect(register.locator(".govuk-error-message")).to_contain_text("Enter at least two characters.")
    expect(register.get_by_label("Kind")).to_have_value("school")
    journey.step("a one-letter term is refused, with the message next to the field")

    register.get_by_label("Term", exact=True).fill("Hollowmere Primary School")
    register.get_by_role("button", name="Add to register").click()
    expect(page.get_by_role("status")).to_have_text("Term added to the register.")
    expect(register.get_by_role("cell", name="Hollowmere Primary School")).to_be_visible()
    journey.step("adds a school to the identifying-terms register")

    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Audit under test").click()
    open_stage(page, "Case packs circulated")
    expect(page.get_by_role("heading", level=1)).to_have_text("Panel and case packs")
    panel = page.locator("section", has=page.get_by_role("heading", name="Panel", exact=True))
    panel.get_by_label("Panel member").select_option(label=str(cast.panel_other))
    panel.get_by_label("Panel role").fill("Designated Nurse")
    panel.get_by_role("button", name="Add to panel").click()
    expect(page.get_by_role("status")).to_have_text("Panel member added.")
    member = panel.locator(".govuk-summary-list__row", has_text=cast.panel_other.full_name)
    expect(member).to_contain_text("Designated Nurse")
    packs = page.locator("section", has=page.get_by_role("heading", name="Case packs", exact=True))
    expect(packs.get_by_role("link", name="Case Two")).to_be_visible()
    journey.step("adds a panel member and sees both cases' packs on the panel page")

    name = cast.panel_other.full_name
    panel.get_by_role("link", name=f"Remove {name} from the panel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Remove {name} from the panel?")
    journey.step("is asked to confirm removing the panel member, with what it means")
    page.get_by_role("button", name="Remove panel member").click()
    expect(page.locator(".govuk-panel")).to_contain_text(f"{name} removed from the panel")
    expect(panel.locator(".govuk-summary-list__row", has_text=name)).to_have_count(0)
    journey.step("removes the panel member and is told what happens next")


def test_business_manager_opens_an_audit_and_corrects_its_period(page, journey, live_server, cast):
    browser_login(page, live_server, cast.bm.email, PASSWORD)
    page.get_by_role("link", name="All audits").click()
    page.get_by_role("link", name="Create an audit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create an audit")
    journey.step("opens the new-audit form")

    page.get_by_label("Title").fill("Neglect in the early years")
    page.get_by_label("Theme").fill("Neglect")
    page.get_by_label("Purpose").fill("Examine inter-agency working.\nIdentify effective practice.")
    fill_date(page, "Period from", datetime.date(2026, 7, 1))
    fill_date(page, "Period to", datetime.date(2026, 1, 31))
    page.get_by_role("button", name="Create the audit").click()
    summary = page.locator(".govuk-error-summary")
    expect(
        summary.get_by_role("link", name="The period must end on or after the day it starts.")
    ).to_be_visible()
    expect(page.locator("#div_id_period_end .govuk-error-message")).to_contain_text("must end on or after")
    expect(page.get_by_label("Title")).to_have_value("Neglect in the early years")
    journey.step("a period ending before it starts is refused, with the message next to the field")

    fill_date(page, "Period to", datetime.date(2026, 12, 31))
    page.get_by_role("button", name="Create the audit").click()
    expect(page.get_by_role("status")).to_have_text("Audit created.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Neglect in the early years")
    expect(page.get_by_text("1 July 2026 to 31 December 2026")).to_be_visible()
    journey.step("the audit is opened, its period shown UK style")


def test_panel_member_reads_the_case_and_its_register(page, journey, live_server, cast):
    browser_login(page, live_server, cast.panel.email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Needs your attention")
    page.get_by_role("main").get_by_role("link", name="Audits on your panel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audits on your panel")
    expect(page.get_by_role("link", name="Another audit")).to_have_count(0)
    journey.step("panel member lands on the audits of their panel")

    page.get_by_role("link", name="Audit under test").click()
    expect(page.get_by_role("link", name="Edit the audit's details")).to_have_count(0)
    open_stage(page, "Cases selected")
    expect(page.get_by_role("link", name="Add a case")).to_have_count(0)
    journey.step("opens the audit's cases, without the Business Manager's buttons")

    cases_section(page).get_by_role("link", name="Case One").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Case One")
    register = page.locator("#register")
    expect(register.get_by_role("cell", name="Zephyrine Quillfeather")).to_be_visible()
    expect(register.get_by_role("button", name="Add to register")).to_have_count(0)
    journey.step("opens Case One and reads the identifying-terms register")


def test_panel_member_of_another_audit_gets_page_not_found(page, journey, live_server, cast):
    browser_login(page, live_server, cast.panel_other.email, PASSWORD)
    response = page.goto(f"{live_server.url}/cases/{cast.case.pk}/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.locator("main")).not_to_contain_text("Zephyrine")
    journey.step("panel member of another audit opens the case's address and is told it is not found")


def test_contributor_lands_on_our_returns(page, journey, live_server, cast):
    browser_login(page, live_server, cast.contributor.email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/to-do/$"))
    expect(page.get_by_role("link", name="Return on Case One")).to_be_visible()
    page.get_by_role("link", name="Your agency's returns").click()
    expect(page).to_have_url(re.compile(r"/portal/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Returns requested from {cast.agency.name}")
    expect(page.get_by_role("link", name="Our returns")).to_be_visible()
    expect(page.get_by_role("cell", name="Case One", exact=True)).to_be_visible()
    journey.step("agency contributor lands on Our returns")

    response = page.goto(f"{live_server.url}/cases/{cast.case.pk}/")
    assert response.status in (403, 404)
    expect(page.locator("main")).not_to_contain_text("Zephyrine")
    journey.step("case detail is not theirs to read")


def test_board_member_lands_on_board_home(page, journey, live_server, cast):
    browser_login(page, live_server, cast.board.email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/board/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Board home")
    expect(page.get_by_role("link", name="Audits")).to_have_count(0)
    journey.step("Board member lands on Board home")


def test_login_page_and_a_wrong_password(page, journey, live_server, cast):
    page.goto(f"{live_server.url}/accounts/login/")
    journey.step("the login page")
    page.get_by_label("E-mail address").fill(cast.bm.email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("main")).to_contain_text("enter a correct e-mail address and password")
    expect(page.get_by_label("E-mail address")).to_have_value(cast.bm.email)
    journey.step("a wrong password is refused with a message, the e-mail kept")
