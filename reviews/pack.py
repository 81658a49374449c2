"""The case pack PDF: case summary, each agency's return and the merged timeline, for one reader.

Every page carries the OFFICIAL-SENSITIVE marking (a fixed @page margin box) and the reader's name and
the time of download (a fixed element, so it repeats on every page and its text is escaped by the
template like all user text; nothing the user typed ever reaches the stylesheet). The diagonal
watermark is an image, kept out of the text layer (see watermark_png).
"""

import hashlib

from django.db import transaction
from django.db.models import Count, Max
from django.template.loader import render_to_string
from django.utils import timezone

from accesslog.models import AccessLogEntry
from accesslog.services import access_record
from cases.models import AgencyReturn, ChronologyEntry
from cases.timeline import case_timeline
from core.pdf import render_pdf
from operations.enqueue import enqueue_now

from .models import CasePackBuild
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
.watermark { position: fixed; top: 70mm; left: 14mm; width: 150mm; }
.marking-top { position: fixed; top: -15mm; left: 0; font-size: 8pt; color: #8a1c1c; }
"""


def watermark_png(text):
    """The reader's watermark as a faint, rotated raster image (a PNG data URL): seen on every printed
    page but not in the PDF's text layer, so a screen reader does not read it out on every page and
    copied text does not carry it. The reader's name is also printed once per page as real text in the
    footer, where it is meant to be read."""
    import base64
    import io

    from PIL import Image, ImageDraw, ImageFont

    from core.pdf import asset_root

    font = ImageFont.truetype(str(asset_root() / "fonts" / "LiberationSans-Regular.ttf"), 56)
    left, top, right, bottom = font.getbbox(text)
    canvas = Image.new("RGBA", (right - left + 40, bottom - top + 40), (255, 255, 255, 0))
    ImageDraw.Draw(canvas).text((20 - left, 20 - top), text, font=font, fill=(140, 28, 28, 34))
    rotated = canvas.rotate(30, expand=True, resample=Image.Resampling.BICUBIC)
    buffer = io.BytesIO()
    rotated.save(buffer, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def case_pack_pdf(*, case, reader, now=None):
    """Render the case pack for `reader` (their name and the time go on every page)."""
    now = timezone.localtime(now or timezone.now())
    context = {
        "watermark": watermark_png(f"{reader.full_name} · {now:%-d %B %Y %H:%M}"),
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


# --- Prepared by the worker, kept per reader and version ---------------------------------------


def case_pack_version(*, case):
    """A fingerprint of everything the pack shows: the case, its audit, every return and every
    chronology row (count and latest change, so an added, edited or removed row makes a new pack)."""

    returns = AgencyReturn.objects.filter(case=case).aggregate(n=Count("pk"), latest=Max("updated_at"))
    rows = ChronologyEntry.objects.filter(agency_return__case=case).aggregate(
        n=Count("pk"), latest=Max("updated_at")
    )
    parts = (case.pk, case.updated_at, case.audit.updated_at, sorted(returns.items()), sorted(rows.items()))
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def case_pack_current(*, case, reader):
    """The reader's pack of the case as it is now, if one was asked for."""
    return CasePackBuild.objects.filter(
        case=case, reader=reader, version=case_pack_version(case=case)
    ).first()


def case_pack_download(*, request, case):
    """The reader's case pack as PDF bytes, the download written to the access log; None while the
    worker is still preparing it (the caller shows its progress instead)."""
    build = case_pack_prepare(case=case, reader=request.user)
    build.refresh_from_db()
    if build.status != build.Status.DONE:
        return None
    access_record(
        request=request, what="case_pack", obj=case, case=case, action=AccessLogEntry.Action.DOWNLOAD
    )
    return bytes(build.pdf)


def case_pack_prepare(*, case, reader, retry=False):
    """The reader's pack of the current version: the stored one, or a new one queued for the worker.
    A failed one is queued again only when asked (`retry`): a render that ran out of time would again.
    Older versions of the reader's pack are dropped. The row is committed before the task is sent, so
    a worker never looks for a build that is not there yet (called outside any transaction)."""
    from .tasks import case_pack_render

    version = case_pack_version(case=case)
    with transaction.atomic():
        build, created = CasePackBuild.objects.get_or_create(case=case, reader=reader, version=version)
        if created:
            CasePackBuild.objects.filter(case=case, reader=reader).exclude(pk=build.pk).delete()
        elif retry and build.status == CasePackBuild.Status.FAILED:
            CasePackBuild.objects.filter(pk=build.pk).update(
                status=CasePackBuild.Status.QUEUED,
                progress=0,
                stage="",
                error="",
                started_at=None,
                finished_at=None,
            )
        else:
            return build
    enqueue_now(case_pack_render, build.pk)
    return build


def _progress(build_id, progress, stage):
    CasePackBuild.objects.filter(pk=build_id).update(progress=progress, stage=stage)


def case_pack_build_run(*, build_id):
    """Render a queued pack. Claimed by one conditional update, so a redelivered task does nothing."""
    claimed = CasePackBuild.objects.filter(pk=build_id, status=CasePackBuild.Status.QUEUED).update(
        status=CasePackBuild.Status.RUNNING,
        started_at=timezone.now(),
        progress=10,
        stage="Reading the returns",
    )
    if not claimed:
        return
    build = CasePackBuild.objects.select_related("case__audit", "reader").get(pk=build_id)
    _progress(build_id, 30, "Rendering the PDF")
    pdf = case_pack_pdf(case=build.case, reader=build.reader, now=build.created_at)
    CasePackBuild.objects.filter(pk=build_id).update(
        status=CasePackBuild.Status.DONE, progress=100, stage="Ready", pdf=pdf, finished_at=timezone.now()
    )


def case_pack_build_fail(*, build_id, error):
    CasePackBuild.objects.filter(pk=build_id).exclude(status=CasePackBuild.Status.DONE).update(
        status=CasePackBuild.Status.FAILED, stage="Failed", error=str(error)[:500], finished_at=timezone.now()
    )
