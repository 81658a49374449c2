"""The case pack PDF: case summary, each agency's return and the merged timeline, for one reader.

Every page carries the OFFICIAL-SENSITIVE marking (a fixed @page margin box) and the reader's name and
the time of download (a fixed element, so it repeats on every page and its text is escaped by the
template like all user text; nothing the user typed ever reaches the stylesheet).
"""

from django.template.loader import render_to_string
from django.utils import timezone

from cases.timeline import case_timeline
from reports.pdf import render_pdf

from .selectors import pending_returns, review_returns

PACK_CSS = """
@page {
  size: A4;
  margin: 24mm 16mm 22mm 16mm;
  @top-center { content: "OFFICIAL-SENSITIVE"; font: bold 10pt sans-serif; color: #8a1c1c; }
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font: 8pt sans-serif; }
}
body { font: 10pt/1.35 sans-serif; color: #111; }
h1 { font-size: 17pt; margin: 0 0 4mm; }
h2 { font-size: 13pt; margin: 6mm 0 2mm; border-bottom: 1px solid #999; }
h3 { font-size: 11pt; margin: 4mm 0 1mm; }
dt { font-weight: bold; }
dd { margin: 0 0 2mm 0; }
table { width: 100%; border-collapse: collapse; font-size: 8.5pt; }
th, td { border: 1px solid #bbb; padding: 1mm 1.5mm; vertical-align: top; text-align: left; }
caption { text-align: left; font-weight: bold; margin-bottom: 1mm; }
.return { page-break-before: always; }
.reader { position: fixed; bottom: -14mm; left: 0; font-size: 8pt; color: #333; }
.watermark {
  position: fixed; top: 95mm; left: 0; width: 100%; text-align: center;
  font-size: 26pt; color: rgba(140, 28, 28, 0.12); transform: rotate(-30deg);
}
.marking-top { position: fixed; top: -15mm; left: 0; font-size: 8pt; color: #8a1c1c; }
"""


def case_pack_pdf(*, case, reader, now=None):
    """Render the case pack for `reader` (their name and the time go on every page)."""
    now = timezone.localtime(now or timezone.now())
    context = {
        "case": case,
        "audit": case.audit,
        "returns": review_returns(case=case),
        "pending": pending_returns(case=case),
        "timeline": case_timeline(case=case, page_size=0),  # the pack prints every entry
        "reader": reader,
        "generated_at": now,
    }
    html = render_to_string("reviews/case_pack_pdf.html", context)
    return render_pdf(html=html, css=PACK_CSS)
