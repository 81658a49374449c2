"""Acceptance 3 of issue 16: the Business Manager starts from the home page ("Needs your attention")
and deals with one item of each kind there, following its link and never the menu; each item leaves
the home page once it is done."""

import datetime
import re

from django.utils import timezone
from playwright.sync_api import expect

from cases.models import AgencyReturn
from reports.models import LeakHit, ReportBuild
from tests.factories import PASSWORD, InvitationFactory, MeetingFactory

from .journey import browser_login


def _home(page, live_server, journey, what):
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Needs your attention")
    journey.step(what)


def _item(page, key):
    return page.locator(f"section#{key}")


def test_business_manager_clears_the_home_page_one_kind_at_a_time(page, journey, live_server, cast):
    now = timezone.now()
    AgencyReturn.objects.filter(pk=cast.agency_return.pk).update(status="submitted", submitted_at=now)
    soon = MeetingFactory(
        case=cast.case, created_by=cast.bm, starts_at=(now + datetime.timedelta(days=6)).replace(second=0)
    )
    InvitationFactory(
        meeting=soon, agency=cast.agency, name="Robin Practitioner", email="robin@riverton.example"
    )
    started = MeetingFactory(
        case=cast.case, created_by=cast.bm, starts_at=now - datetime.timedelta(hours=2), venue="Hub room 2"
    )
    InvitationFactory(meeting=started, agency=cast.agency, name="Sam Attender", sent_at=now)
    build = ReportBuild.objects.create(
        audit=cast.audit,
        status="done",
        build_date=timezone.localdate(),
        requested_by=cast.bm,
        pdf=b"%PDF-1.7",
    )
    LeakHit.objects.create(
        build=build,
        kind="pattern",
        rule="phone",
        matched="01632 960000",
        section="What we found",
        label="Learning point i",
    )

    browser_login(page, live_server, cast.bm.email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Needs your attention")
    for key in ("returns_to_review", "meetings_inside_lead_time", "meetings_to_record", "reports_with_hits"):
        expect(_item(page, key)).to_be_visible()
    journey.step("the Business Manager lands on what waits for them")

    # 1. A return waiting for review: accept it.
    _item(page, "returns_to_review").get_by_role("link", name=f"{cast.agency.name}: Case One").click()
    page.get_by_role("button", name="Accept this return").click()
    expect(page.get_by_text(f"{cast.agency.name}'s return accepted.")).to_be_visible()
    _home(page, live_server, journey, "the return is accepted and leaves the home page")
    expect(_item(page, "returns_to_review")).to_have_count(0)

    # 2. A meeting inside the lead time with an invitation not sent: send it.
    _item(page, "meetings_inside_lead_time").get_by_role("link").first.click()
    page.get_by_role("button", name="Send 1 invitation").click()
    expect(page.get_by_text("1 invitation sent.")).to_be_visible()
    _home(page, live_server, journey, "the invitation is sent; the meeting now waits for an answer")
    expect(_item(page, "meetings_inside_lead_time")).to_have_count(0)
    expect(_item(page, "meetings_unanswered")).to_be_visible()

    # 3. A meeting that has started: record who attended.
    _item(page, "meetings_to_record").get_by_role("link").first.click()
    page.get_by_role("radio", name="Attended").first.check()
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_text("Attendance recorded")).to_be_visible()
    _home(page, live_server, journey, "attendance is recorded and the meeting leaves the home page")
    expect(_item(page, "meetings_to_record")).to_have_count(0)

    # 4. A report draft the leak guard stopped: override the false positive.
    _item(page, "reports_with_hits").get_by_role("link", name=cast.audit.title).click()
    page.get_by_role("link", name="Override as a false positive").click()
    page.get_by_label("Why this is not an identifying detail").fill(
        "A reserved drama number, not a real one."
    )
    page.get_by_role("button", name=re.compile("Override")).click()
    _home(page, live_server, journey, "the draft is no longer stopped")
    expect(_item(page, "reports_with_hits")).to_have_count(0)
