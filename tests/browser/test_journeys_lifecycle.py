"""The audit's life in a real browser: returns requested, completed and accepted; the panel's review;
the report built, published and downloaded by the Board. Every page is checked by `journey.step`.
"""

import datetime
import re

from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from cases.models import AgencyReturn, Case
from tests.factories import (
    PASSWORD,
    CaseAssuranceFactory,
    CaseFactory,
    ChronologyEntryFactory,
    LearningPointFactory,
    RecommendationFactory,
)

from .journey import browser_login, fill_date

CHRONOLOGY_CSV = (
    "Date,What happened,Who was involved (by role),Source document,Key event\n"
    "14/03/2026,Health visitor raised concern about home conditions,Health visitor,Case notes,yes\n"
    "02/04/2026,Strategy discussion held with police and school,Social worker; police officer,Minutes,no\n"
)


def log_in_as(page, live_server, user):
    page.context.clear_cookies()
    browser_login(page, live_server, user.email, PASSWORD)


def test_returns_are_requested_completed_with_an_import_and_accepted(
    page, journey, live_server, cast, tmp_path
):
    case_two = CaseFactory(audit=cast.audit, number=2, method=Case.Method.PAPER)
    agency = cast.agency.name

    # The Business Manager asks an agency for a return.
    log_in_as(page, live_server, cast.bm)
    page.goto(f"{live_server.url}/cases/{case_two.pk}/")
    page.get_by_role("link", name="Request returns").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Request returns for Case Two")
    journey.step("Business Manager opens the request form for Case Two")

    page.get_by_label(agency).check()
    fill_date(page, "Date the return is due", timezone.localdate() + datetime.timedelta(days=21))
    page.get_by_role("button", name="Request returns").click()
    expect(page.get_by_role("status")).to_contain_text("requested for Case Two")
    journey.step("the return is requested")

    # The agency's contributor completes it.
    log_in_as(page, live_server, cast.contributor)
    page.goto(f"{live_server.url}/portal/")  # the home page is "Needs your attention"
    page.get_by_role("link", name="Start the return for Case Two").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{agency} — Case Two")
    journey.step("contributor opens the return from Our returns")

    page.get_by_label("Description of involvement").fill("Allocated social worker from referral to closure.")
    page.get_by_label("Evaluation of engagement with the child and family").fill("Mother engaged well.")
    page.get_by_role("button", name="Save draft").first.click()
    expect(page.get_by_role("status")).to_have_text("Draft saved.")
    journey.step("saves the draft")

    page.get_by_role("link", name="import rows from a spreadsheet").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Import chronology rows")
    journey.step("opens the import page")

    csv_file = tmp_path / "chronology.csv"
    csv_file.write_text(CHRONOLOGY_CSV, encoding="utf-8")
    page.get_by_label("Chronology file (.csv or .xlsx)").set_input_files(csv_file)
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name="Check the rows before they are added")).to_be_visible()
    expect(page.get_by_text("Strategy discussion held with police and school")).to_be_visible()
    journey.step("sees the file's rows before anything is saved")
    page.get_by_role("button", name="Add these 2 rows").click()
    expect(page.get_by_role("status")).to_have_text("2 chronology rows imported.")
    expect(page.locator("tr.chron-imported")).to_have_count(2)
    what = page.get_by_label("What happened")
    expect(what).to_have_count(2)
    expect(what.nth(0)).to_have_value("Health visitor raised concern about home conditions")
    expect(what.nth(1)).to_have_value("Strategy discussion held with police and school")
    journey.step("sees the imported rows in the return")

    page.get_by_role("button", name="Save and check before submitting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your answers before submitting the return"
    )
    expect(page.locator(".govuk-summary-card", has_text="Chronology of key events")).to_contain_text("2")
    journey.step("checks the answers (each part has a Change link) before submitting")
    page.get_by_role("button", name="Submit return").click()
    expect(page.locator(".govuk-panel")).to_contain_text("Return submitted")
    expect(page.get_by_role("heading", name="What happens next")).to_be_visible()
    journey.step("submits the return and is told what happens next")

    # The Business Manager accepts it; the completion matrix shows it.
    log_in_as(page, live_server, cast.bm)
    page.goto(f"{live_server.url}/audits/{cast.audit.pk}/")
    page.locator(".govuk-task-list").get_by_role("link", name="Returns received and accepted").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Returns")
    matrix = page.locator("#returns-matrix")
    matrix.get_by_role("link", name=f"Submitted ({agency}, Case Two)").click()
    expect(page.get_by_text("Health visitor raised concern about home conditions")).to_be_visible()
    journey.step("Business Manager opens the submitted return")

    page.get_by_role("button", name="Accept this return").click()
    expect(page.get_by_role("status")).to_have_text(f"{agency}'s return accepted.")
    journey.step("accepts it")

    page.goto(f"{live_server.url}/audits/{cast.audit.pk}/returns/")
    expect(matrix.get_by_role("link", name=f"Accepted ({agency}, Case Two)")).to_be_visible()
    journey.step("the audit's completion matrix shows the return accepted")
    assert AgencyReturn.objects.get(case=case_two).status == AgencyReturn.Status.ACCEPTED


def test_panel_member_reviews_a_case_and_records_a_note_and_a_learning_point(
    page, journey, live_server, cast
):
    ChronologyEntryFactory(
        agency_return=cast.agency_return, what_happened="School nurse shared concern about weight loss"
    )
    AgencyReturn.objects.filter(pk=cast.agency_return.pk).update(
        status=AgencyReturn.Status.SUBMITTED, submitted_at=timezone.now()
    )

    log_in_as(page, live_server, cast.panel)
    page.goto(f"{live_server.url}/audits/")  # the home page is "Needs your attention"
    page.get_by_role("link", name="Audit under test").click()
    page.locator(".govuk-task-list").get_by_role("link", name="Findings agreed").click()
    page.get_by_role("link", name="Case One").and_(page.locator("a[href$='/review/']")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Case One")
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("School nurse shared concern about weight loss")
    journey.step("panel member opens the case review and reads the merged timeline")

    notes = page.locator("#notes")
    notes.get_by_label("Add a note").fill("Ask police whether the strategy discussion was minuted.")
    notes.get_by_role("button", name="Add note").click()
    expect(page.locator("#notes")).to_contain_text("Ask police whether the strategy discussion was minuted.")
    journey.step("adds a panel note")

    page.goto(f"{live_server.url}/cases/{cast.case.pk}/findings/")
    page.get_by_role("group", name="Kind").get_by_label("Good practice").check()  # few choices: radios
    page.get_by_role("textbox", name=re.compile(r"^Learning point")).fill(
        "Health and social care shared information promptly."
    )
    page.get_by_role("button", name="Add learning point").click()
    expect(page.locator("main")).to_contain_text("Health and social care shared information promptly.")
    journey.step("adds a learning point on the findings page")


def test_report_is_built_published_and_downloaded_by_the_board(page, journey, live_server, cast):
    LearningPointFactory(
        case=cast.case, position=1, text="Agencies shared information promptly at the strategy discussion."
    )
    CaseAssuranceFactory(case=cast.case, statement="The panel found the child was safeguarded.")
    RecommendationFactory(
        audit=cast.audit,
        position=1,
        text="Partner agencies should review how early help referrals are recorded.",
        owners=[cast.agency],
    )

    # The Business Manager builds a draft; the build runs (inline in tests) and the page polls until ready.
    log_in_as(page, live_server, cast.bm)
    page.goto(f"{live_server.url}/audits/{cast.audit.pk}/")
    page.locator(".govuk-task-list").get_by_role("link", name="Report published").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("The anonymised report")
    journey.step("Business Manager opens the report page")

    page.get_by_role("button", name="Build a draft PDF").click()
    status = page.locator("#build-status")
    built = status.get_by_text(re.compile(r"^Built: \d+ pages"))
    if not built.is_visible():  # still running: htmx polls every 2 s; without JS the link reloads
        page.reload()
    expect(built).to_be_visible(timeout=30_000)
    expect(status.get_by_role("link", name="Preview the draft (PDF)")).to_be_visible()
    expect(status).to_contain_text("No identifying details found.")
    journey.step("the draft is built and the leak guard finds nothing")

    status.get_by_role("link", name="Publish this draft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Publish this draft as version 1?")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Nothing found")
    expect(page.locator(".govuk-summary-list")).to_contain_text("The Board receives")
    journey.step("checks the version, the leak guard's result and what the Board will receive")
    page.get_by_role("button", name="Publish version 1").click()
    expect(page.locator(".govuk-panel")).to_contain_text("Version 1 published")
    expect(page.locator("#build-status")).to_contain_text("Published as version 1.")
    journey.step("publishes the draft as version 1")

    # A Board member downloads it from Board home.
    log_in_as(page, live_server, cast.board)
    published = page.locator("section", has=page.get_by_role("heading", name="Published audit reports"))
    link = published.get_by_role(
        "link", name=re.compile(rf"Download {re.escape(cast.audit.title)}, version 1")
    )
    expect(link).to_be_visible()
    journey.step("Board member finds the published report on Board home")

    with page.expect_download() as download_info:
        link.click()
    text = "\n".join(p.extract_text() for p in PdfReader(download_info.value.path()).pages)
    flat = " ".join(text.split())
    assert cast.audit.title in flat
    assert "Agencies shared information promptly at the strategy discussion." in flat
    assert cast.term.value not in flat
