"""The printed PDF is read as a reader reads it: a word the renderer hyphenated across two lines is one
word again, so a register term split that way is still found, and the halves of an ordinary word do
not look like unknown names."""

import io

import pytest
from pypdf import PdfReader

from core import leakguard
from core.pdf import render_pdf
from core.terms import Term
from reports.services import pdf_texts, reader_text


@pytest.mark.parametrize(
    ("extracted", "read"),
    [
        ("Northbridge Clinical Commis\u2010\nsioning Group", "Northbridge Clinical Commissioning Group"),
        ("Northbridge Constabu\u00ad\n lary", "Northbridge Constabulary"),
        ("Kai Fenwick-\nDoyle was seen", "Kai Fenwick-Doyle was seen"),
        ("ends a sentence.\nNext line", "ends a sentence.\nNext line"),
        ("a list -\n- item", "a list -\n- item"),
    ],
)
def test_hyphenated_line_breaks_are_joined(extracted, read):
    assert reader_text(extracted) == read


def _narrow_pdf(text):
    html = (
        '<html lang="en"><body><table style="width:30mm"><tr>'
        f'<td style="hyphens:auto; overflow-wrap:break-word; font-size:11pt">{text}</td>'
        "</tr></table></body></html>"
    )
    return render_pdf(html=html, css="", pdf_variant=None)


def test_a_term_the_renderer_hyphenates_is_still_found_and_agency_names_raise_nothing():
    pdf = _narrow_pdf(
        "Northbridge Clinical Commissioning Group and Northbridge Constabulary met Bartholomew Quennington."
    )
    # The renderer did hyphenate (else this test would prove nothing).
    assert "\u2010\n" in "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    pages = pdf_texts(pdf)
    guard = leakguard.Guard(
        [Term(case_id=None, case_label="Case One", kind="child_name", value="Bartholomew Quennington")],
        today=None,
        vocabulary=["Northbridge Clinical Commissioning Group", "Northbridge Constabulary"],
    )
    hits = guard.check_all(pages)
    assert {h.kind for h in hits} >= {"register"}
    assert not [h for h in hits if h.kind == "name"], [h.matched for h in hits]
