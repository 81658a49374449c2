"""The report PDF read back: the seed's structure, every learning point and recommendation, and nothing
that identifies a child, a family or a practitioner, nor anything confidential."""

import io

import pytest
from pypdf import PdfReader

from reports.services import render_report
from reviews.models import AgencyAction, CaseNote, Invitation

from .conftest import (
    ACTION,
    LEARNING,
    NOTE,
    PRACTITIONER,
    RECOMMENDATIONS,
    TERMS,
    TITLE,
    TODAY,
    flat,
    pdf_text,
)


@pytest.fixture
def rendered(seeded):
    content, pdf = render_report(audit=seeded.audit, build_date=TODAY)
    return content, pdf, pdf_text(pdf)


def test_sections_come_in_the_seed_order(rendered):
    _, _, text = rendered
    body = flat(text)
    # Skip the contents page: find each heading after it.
    start = body.index("Annex: recommendation tracker") + len("Annex: recommendation tracker")
    headings = [
        "What we did",
        "The purpose of the review was to:",
        "How we did this",
        "Case selection",
        "The two methods",
        "The panel",
        "Agencies that contributed",
        "What we found",
        "Case One Learning - Reflective practice meeting",
        "Case Two Learning - Paper audit",
        "Case Three Learning - Paper audit",
        "Case Four Learning - Reflective practice meeting",
        "What we recommend should happen now",
        "Annex: recommendation tracker",
    ]
    positions = [body.index(h, start) for h in headings]
    assert positions == sorted(positions)


def test_title_page_and_contents_with_page_numbers(rendered, settings):
    _, pdf, _ = rendered
    pages = [flat(p.extract_text()) for p in PdfReader(io.BytesIO(pdf)).pages]
    assert settings.BOARD_NAME in pages[0]
    assert TITLE in pages[0].replace("Intra- Familial", "Intra-Familial")
    assert "25 November 2026" in pages[0]
    contents = pages[1]
    assert contents.startswith("Contents")
    # Each contents line ends with the page its section starts on.
    for heading in ["What we did", "How we did this", "What we found", "What we recommend should happen now"]:
        page_number = next(i for i, p in enumerate(pages[2:], start=3) if p.startswith(heading))
        assert f"{heading} ." in contents
        after = contents.split(heading, 1)[1].lstrip(" .")
        assert after.startswith(str(page_number)), (heading, page_number, after[:20])


def test_every_page_has_marking_page_x_of_y_and_running_header(rendered):
    _, pdf, _ = rendered
    pages = PdfReader(io.BytesIO(pdf)).pages
    total = len(pages)
    for number, page in enumerate(pages, start=1):
        text = flat(page.extract_text())
        assert "OFFICIAL" in text
        assert f"Page {number} of {total}" in text
        if number > 1:
            assert TITLE in text.replace("Intra- Familial", "Intra-Familial")


def test_official_marking_is_on_every_page_exactly_once(rendered):
    _, pdf, _ = rendered
    for number, page in enumerate(PdfReader(io.BytesIO(pdf)).pages, start=1):
        assert page.extract_text().count("OFFICIAL") == 1, f"page {number}"


def test_the_same_assurance_for_every_case_is_said_once(seeded):
    from reviews.models import CaseAssurance

    CaseAssurance.objects.filter(case__audit=seeded.audit).update(
        statement="The panel found every child in this audit safe."
    )
    _, pdf = render_report(audit=seeded.audit, build_date=TODAY)
    body = flat(pdf_text(pdf))
    assert body.count("The panel found every child in this audit safe.") == 1
    assert "Assurance, the same for every case:" in body


def test_every_learning_point_is_numbered_under_its_case(rendered):
    _, _, text = rendered
    body = flat(text)
    for number, points in LEARNING.items():
        for i, point in enumerate(points, start=1):
            numeral = ["i", "ii", "iii"][i - 1]
            assert f"{numeral}. {flat(point)} [case {number} point {i}]" in body
        assert f"The panel found no child left unsafe in case number {number}." in body


def test_every_recommendation_with_owners_and_uk_deadlines(rendered, seeded):
    _, _, text = rendered
    body = flat(text)
    for letter, rec_text in zip("abc", RECOMMENDATIONS, strict=True):
        assert f"{letter}. {rec_text}" in body
    assert (
        "Owners: Riverton Children's Social Care, Riverton Police. Deadline: January 2027 Board meeting, "
        "31 January 2027." in body
    )
    assert "Owner: Riverton Hospitals NHS Trust. Deadline: 15 March 2027." in body
    assert "Owner: Riverton Police. Deadline: 1 October 2026." in body


def test_how_we_did_this_counts_methods_and_lists_roles_and_contributing_agencies(rendered):
    _, _, text = rendered
    body = flat(text)
    assert "Paper audit (2 cases)" in body and "Reflective practice meeting (2 cases)" in body
    # The methods are said once, in their own part, not again in the framing text.
    assert "two by paper audit and two by reflective practice meeting" not in body
    assert body.count("Paper audit (2 cases)") == 1
    assert "Chair of the panel" in body and "Named Nurse for Safeguarding Children" in body
    agencies = body.split("Agencies that contributed", 1)[1].split("What we found", 1)[0]
    # Submitted and accepted returns count; a draft does not.
    assert "Riverton Children's Social Care" in agencies and "Riverton Police" in agencies
    returned, not_returned = agencies.split("Asked but did not return:")
    assert "Riverton Hospitals NHS Trust" not in returned
    # x of y agencies asked returned, and those that did not are named.
    assert "2 of 3 agencies asked for a return sent one." in returned
    assert "Riverton Hospitals NHS Trust." in not_returned


def test_annex_tracker_as_of_the_build_date(rendered):
    _, _, text = rendered
    annex = flat(text).rsplit("Annex: recommendation tracker", 1)[1]
    assert "as of 25 November 2026" in annex
    # Each row: letter, the recommendation's short text, owners, deadline, state in words (and colour).
    for letter, rec_text in zip("abc", RECOMMENDATIONS, strict=True):
        first = flat(rec_text).split(". ", 1)[0].rstrip(".")
        assert f"{letter} {' '.join(first.split()[:6])}" in annex, letter
    assert "Riverton Police 1 October 2026 Overdue (open)" in annex
    assert "Riverton Hospitals NHS Trust 15 March 2027 On track (open)" in annex


def test_nothing_identifying_or_confidential_reaches_the_pdf(rendered, cast, seeded):
    _, pdf, text = rendered
    body = flat(text).lower()
    forbidden = [value for terms in TERMS.values() for _, value in terms]
    forbidden += [
        part for value in list(forbidden) for part in value.replace("-", " ").split() if len(part) > 3
    ]
    forbidden += [PRACTITIONER, "Wilhelmina", NOTE, ACTION]
    forbidden += list(Invitation.objects.values_list("name", flat=True))
    forbidden += list(CaseNote.objects.values_list("body", flat=True))
    forbidden += list(AgencyAction.objects.values_list("description", flat=True))
    # Nobody's name: not the panel's, not the Business Manager's, not the agencies' senior managers'.
    forbidden += [cast.bm.full_name, cast.panel.full_name, "Nina Nursename", "Pat Senior"]
    forbidden += [cast.case.summary] if cast.case.summary else []
    for value in forbidden:
        assert value.lower() not in body, value
    assert b"Zephyrine" not in pdf


def test_pdf_metadata_title_language_tagged_a4_and_bundled_fonts(rendered):
    _, pdf, _ = rendered
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.metadata.title == TITLE
    root = reader.trailer["/Root"]
    assert str(root["/Lang"]).lower() == "en-gb"
    assert root["/MarkInfo"]["/Marked"]  # tagged (PDF/UA-1 variant)
    assert "/StructTreeRoot" in root
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    assert fonts and all(f.startswith("/Report-Sans") or f.startswith("Report-Sans") for f in fonts), fonts


def test_an_audit_with_nothing_yet_still_renders(cast):
    from tests.factories import AuditFactory

    audit = AuditFactory(title="Empty audit", created_by=cast.bm)
    _, pdf = render_report(audit=audit, build_date=TODAY)
    body = flat(pdf_text(pdf))
    assert "No cases were selected." in body and "No recommendations were made." in body
