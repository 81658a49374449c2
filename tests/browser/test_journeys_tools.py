"""Browser journey: an agency grades itself on the audit tool, the chair moderates a grade (a reason is
required), records the overall judgement and raises an immediate safeguarding concern, and the agency
acknowledges the concern and reads its moderated grade."""

import re

from playwright.sync_api import expect

from audittools.library import install_library
from audittools.models import Tool
from audittools.services import audit_tool_choose
from cases.models import AgencyReturn
from tests.factories import PASSWORD

from .journey import browser_login

RECOGNITION = re.compile("Grade your agency's recognition of need and risk")


def test_grading_moderation_and_an_immediate_concern(page, journey, live_server, cast):
    install_library()  # an earlier live-server test flushed the rows the data migration made
    audit_tool_choose(audit=cast.audit, tool=Tool.objects.get(library_key="generic-macfa"), actor=cast.bm)

    # The agency grades itself.
    browser_login(page, live_server, cast.contributor.email, PASSWORD)
    page.goto(f"{live_server.url}/returns/{cast.agency_return.pk}/")
    page.get_by_role("link", name=re.compile("Audit tool questions")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit tool questions")
    journey.step("contributor opens the audit tool questions of their return")
    page.get_by_role("group", name=RECOGNITION).get_by_label("Outstanding").check()
    page.get_by_role(
        "group", name="Were the risks to the child recognised when they first showed?"
    ).get_by_label("Yes").check()
    page.get_by_role("button", name="Save answers").click()
    expect(page.get_by_role("status")).to_contain_text("Answers saved")
    expect(page.get_by_role("group", name=RECOGNITION).get_by_label("Outstanding")).to_be_checked()
    journey.step("grades the recognition of need and risk Outstanding and saves")

    # The return is submitted (its chronology is another journey's business).
    AgencyReturn.objects.filter(pk=cast.agency_return.pk).update(status=AgencyReturn.Status.SUBMITTED)

    # The chair moderates.
    page.context.clear_cookies()
    browser_login(page, live_server, cast.panel.email, PASSWORD)
    page.goto(f"{live_server.url}/cases/{cast.case.pk}/review/")
    moderation = page.locator("#moderation")
    expect(moderation.locator("#moderation-grid")).to_contain_text("Self: Outstanding")
    journey.step("chair sees the agency's self-grade on the case review page")
    moderation.get_by_text(re.compile("^Moderate")).first.click()
    moderation.get_by_label("Panel's grade").first.select_option(label="Good")
    moderation.get_by_role("button", name=re.compile("Save")).first.click()
    expect(page.get_by_role("alert").or_(page.get_by_role("status")).first).to_contain_text(
        "Give the reason the panel"
    )
    journey.step("a changed grade without a reason is refused")
    moderation = page.locator("#moderation")
    moderation.get_by_text(re.compile("^Moderate")).first.click()
    moderation.get_by_label("Panel's grade").first.select_option(label="Good")
    moderation.get_by_label(re.compile("Reason")).first.fill("No evidence the early signs were shared.")
    moderation.get_by_role("button", name=re.compile("Save")).first.click()
    expect(page.get_by_role("status")).to_contain_text("Moderated grade saved")
    expect(page.locator("#moderation-grid")).to_contain_text("Panel: Good")
    journey.step("the panel's grade is saved with its reason")

    page.get_by_label("Overall judgement").select_option(label="Requires improvement")
    page.get_by_label("Why").fill("Early signs were missed by more than one agency.")
    page.get_by_role("button", name="Record judgement").click()
    expect(page.get_by_role("status")).to_contain_text("Overall judgement recorded")
    journey.step("the chair records the overall judgement")

    page.get_by_role("link", name="Raise an immediate safeguarding concern").click()
    page.get_by_label(re.compile("What is the concern")).fill(
        "A sibling still lives in the same home with no plan."
    )
    page.get_by_label("Which agency must act?").select_option(label=cast.agency.name)
    page.get_by_label("Immediate: act today").check()
    page.get_by_role("button", name="Raise the concern now").click()
    expect(page.get_by_role("status")).to_contain_text("Concern raised")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Immediate safeguarding concern")
    journey.step("the chair raises an immediate safeguarding concern")

    # The agency acknowledges the concern and reads its moderated grade.
    page.context.clear_cookies()
    browser_login(page, live_server, cast.contributor.email, PASSWORD)
    page.get_by_role("link", name="Safeguarding concerns").click()
    page.get_by_role("table").get_by_role("link").first.click()
    page.get_by_label("What your agency did").fill("Duty social worker visited the same afternoon.")
    page.get_by_role("button", name="Record acknowledgement").click()
    expect(page.get_by_role("status")).to_contain_text("Acknowledgement recorded")
    expect(page.locator("main")).to_contain_text("Acknowledged by the agency")
    journey.step("the agency acknowledges the concern and says what it did")

    page.goto(f"{live_server.url}/returns/{cast.agency_return.pk}/tool/")
    expect(page.locator("main")).to_contain_text("Panel's moderated grade: Good")
    expect(page.locator("main")).to_contain_text("No evidence the early signs were shared.")
    journey.step("the agency reads the panel's grade and reason on its return, read-only")
