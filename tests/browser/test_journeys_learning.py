"""The learning library in a real browser: search -> result -> audit, each page checked by axe."""

from playwright.sync_api import expect

from tests.factories import PASSWORD, LearningPointFactory

from .journey import browser_login


def test_panel_member_searches_the_library_and_opens_the_audit(page, journey, live_server, cast):
    LearningPointFactory(
        case=cast.case,
        position=1,
        created_by=cast.panel,
        text="Practitioners showed professional curiosity about a new adult in the household.",
    )
    LearningPointFactory(
        case=cast.other_case, position=1, text="Curiosity in an audit this panel member is not on."
    )
    browser_login(page, live_server, cast.panel.email, PASSWORD)
    page.goto(f"{live_server.url}/learning/library/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Learning library")
    journey.step("opens the learning library")

    page.get_by_label("Search words").fill("curiosity")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="1 result")).to_be_visible()
    expect(page.get_by_text("Curiosity in an audit this panel member is not on.")).to_have_count(0)
    journey.step("searches for a word and sees only their own audit's learning")

    page.get_by_role("link", name="Audit under test").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit under test")
    journey.step("opens the audit the result came from")
