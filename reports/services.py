"""State changes for the report: framing text, draft builds, the leak guard, overrides, publishing."""

import datetime
import hashlib
import io
import logging
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import Role, User
from accounts.permissions import can_manage_audit, require
from cases.models import Agency, IdentifyingTerm
from core import leakguard
from core.links import absolute_url
from core.pdf import render_pdf
from notifications.services import notification_queue
from operations.enqueue import enqueue_now, enqueue_on_commit

from .content import report_content
from .models import AuditReport, LeakHit, ReportBuild, ReportVersion

PDF_VARIANT = "pdf/ua-1"
# A running build is declared dead this long after its hard time limit has passed.
REPORT_BUILD_DEAD_MARGIN_SECONDS = 60

log = logging.getLogger(__name__)


@transaction.atomic
def report_framing_save(*, audit, actor, what_we_did, how_we_did_this, assurance):
    """Save the Business Manager's framing text; a blank field falls back to the default."""
    report, _ = AuditReport.objects.select_for_update().get_or_create(audit=audit)
    report.what_we_did = what_we_did.strip()
    report.how_we_did_this = how_we_did_this.strip()
    report.assurance = assurance.strip()
    report.updated_by = actor
    report.full_clean()
    report.save()
    return report


QUEUED_STAGE = "Waiting for a worker"
# Shown while the broker is unreachable (at most 100 characters: ReportBuild.stage).
UNREACHABLE_STAGE = "Waiting for the worker: the task queue is unreachable; the build starts when it is back"


def _mark_waiting_for_worker(build_id):
    ReportBuild.objects.filter(pk=build_id, status=ReportBuild.Status.QUEUED).update(
        stage=UNREACHABLE_STAGE, updated_at=timezone.now()
    )


def report_build_enqueue(*, build_id, on_commit=True):
    """Hand a queued build to the worker (guarded: an unreachable broker leaves it queued and says so)."""
    from .tasks import report_build_render

    on_unreachable = lambda: _mark_waiting_for_worker(build_id)  # noqa: E731
    if on_commit:
        return enqueue_on_commit(report_build_render, build_id, on_unreachable=on_unreachable)
    return enqueue_now(report_build_render, build_id, on_unreachable=on_unreachable)


@transaction.atomic
def report_build_request(*, audit, actor):
    """Queue a draft build. The render runs in a Celery task once the row is committed; if the broker
    is unreachable the build stays queued and the periodic sweep hands it over later."""
    build = ReportBuild.objects.create(
        audit=audit, requested_by=actor, build_date=timezone.localdate(), stage=QUEUED_STAGE
    )
    report_build_enqueue(build_id=build.pk)
    return build


def report_build_sweep(*, now=None):
    """The periodic sweep (beat, polling the database). Returns (re-enqueued, failed).

    - A build still queued REPORT_BUILD_REQUEUE_SECONDS after it was queued (or last handed over) is
      handed to the worker again: its message was never sent (broker down) or was lost. Harmless if
      the first message still exists: only one task can claim the build.
    - A build "running" for longer than its hard time limit (plus a margin) has been killed with its
      worker: it is marked failed, with the reason, so the page stops waiting."""
    now = now or timezone.now()
    requeue_before = now - datetime.timedelta(seconds=settings.REPORT_BUILD_REQUEUE_SECONDS)
    queued = list(
        ReportBuild.objects.filter(status=ReportBuild.Status.QUEUED, updated_at__lt=requeue_before)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for build_id in queued:
        ReportBuild.objects.filter(pk=build_id, status=ReportBuild.Status.QUEUED).update(
            stage=QUEUED_STAGE, updated_at=now
        )
        if not report_build_enqueue(build_id=build_id, on_commit=False):
            break  # the broker is still away: the next sweep tries again
    limit = settings.REPORT_BUILD_TIME_LIMIT
    dead_before = now - datetime.timedelta(seconds=limit + REPORT_BUILD_DEAD_MARGIN_SECONDS)
    failed = ReportBuild.objects.filter(status=ReportBuild.Status.RUNNING, started_at__lt=dead_before).update(
        status=ReportBuild.Status.FAILED,
        stage="Failed",
        error=(
            f"The build was still running after its time limit of {limit} seconds: the worker was "
            "stopped or lost it. Build the draft again."
        ),
        finished_at=now,
        updated_at=now,
    )
    if queued or failed:
        log.warning("report_build_sweep requeued=%s failed=%s", len(queued), failed)
    return len(queued), failed


def _progress(build, progress, stage):
    ReportBuild.objects.filter(pk=build.pk).update(progress=progress, stage=stage, updated_at=timezone.now())


def report_html(content):
    return render_to_string("reports/pdf/report.html", {"c": content})


def report_css():
    return render_to_string("reports/pdf/report.css", {})


def render_report(*, audit, build_date):
    """(content, pdf bytes) of an audit's report as of build_date. Tagged PDF/UA where WeasyPrint can."""
    content = report_content(audit=audit, build_date=build_date)
    html = report_html(content)
    pdf = render_pdf(html=html, css=report_css(), pdf_variant=PDF_VARIANT)
    return content, pdf


def register_terms(*, audit):
    """Every case's register, for the guard (the guard reads it; the report never prints it)."""
    return [
        leakguard.Term(case_id=t.case_id, case_label=t.case.pseudonym, kind=t.kind, value=t.value)
        for t in IdentifyingTerm.objects.filter(case__audit=audit).select_related("case").order_by("pk")
    ]


# Words of the app itself and of safeguarding work that are capitalised but are nobody's name.
APP_VOCABULARY = [
    "Ofsted", "Cafcass", "Barnardo's", "NSPCC", "Childline", "Marac", "Mappa", "Mash", "Camhs", "Sendco",
    "Senco", "Pscb", "Lscb", "Lscp", "Safeguarding", "Multi-Agency", "Intra-Familial", "Section",
    "Board", "Partnership", "Annex", "Rec", "Case", "Learning", "Assurance", "Official",
]  # fmt: skip


def board_vocabulary():
    """The Board's vocabulary for the possible-name layer: its name, agency names, the places it
    names in LEAKGUARD_PLACES, and the app's own words. Free text typed by users (meeting titles,
    panel roles) is deliberately not vocabulary: it could carry a name."""

    return [
        settings.BOARD_NAME,
        *settings.LEAKGUARD_PLACES,
        *APP_VOCABULARY,
        *Agency.objects.values_list("name", flat=True),
    ]


# A word the renderer hyphenated at a line end ("Commis-" / "sioning"): the hyphen it inserts is
# U+2010 or a soft hyphen, never typed text, so the two halves are one word. A typed hyphen-minus at a
# line end ("Smith-" / "Jones") keeps its hyphen and loses the break.
_RENDERER_HYPHEN_BREAK = re.compile(r"(\w)[\u2010\u00ad][ \t]*\r?\n[ \t]*(\w)")
_TYPED_HYPHEN_BREAK = re.compile(r"(\w)-[ \t]*\r?\n[ \t]*(\w)")


def reader_text(text):
    """Page text as a reader reads it: words split across lines by hyphenation joined again, so that
    neither a name split by the renderer escapes the register nor the halves of an ordinary word
    ("Constabu", "lary") look like unknown names."""
    return _TYPED_HYPHEN_BREAK.sub(r"\1-\2", _RENDERER_HYPHEN_BREAK.sub(r"\1\2", text))


def pdf_texts(pdf):
    """The PDF as it will be read: each page's extracted text and the document's metadata, located."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    texts = [
        leakguard.LocatedText(
            "Printed PDF", f"Page {n}", reader_text(page.extract_text() or ""), object_type="pdf_page", page=n
        )
        for n, page in enumerate(reader.pages, start=1)
    ]
    meta = reader.metadata or {}
    for key in ("/Title", "/Subject", "/Keywords", "/Author", "/Creator", "/Producer"):
        value = meta.get(key)
        if value:
            texts.append(
                leakguard.LocatedText("PDF metadata", key.lstrip("/"), str(value), object_type="pdf_metadata")
            )
    return texts


def guard_report(*, content, pdf, terms, today):
    """The leak guard over a built report: the located field texts (to say which field to fix) and
    the PDF itself, page by page, with its metadata (to catch anything printed that no field list
    names). A hit in the PDF that a field hit already explains is not repeated; it gives that hit its
    page."""
    guard = leakguard.Guard(terms, today=today, vocabulary=board_vocabulary())
    field_hits = guard.check_all(content.located_texts())
    printed = pdf_texts(pdf)
    pdf_hits = guard.check_all(printed)
    by_key = {}
    for hit in field_hits:
        by_key.setdefault((hit.kind, hit.rule, hit.key), []).append(hit)
    extra = []
    for hit in pdf_hits:
        same = by_key.get((hit.kind, hit.rule, hit.key))
        if same:
            for h in same:
                if h.page is None:
                    h.page = hit.page
        else:
            extra.append(hit)
    return field_hits + extra


def build_inputs_digest(*, content, terms):
    """Everything a build read: the report's HTML (every printed text) and the register."""
    digest = hashlib.sha256(report_html(content).encode())
    for term in sorted(terms, key=lambda t: (t.case_id or 0, t.kind, t.value)):
        digest.update(f"\x1e{term.case_id}\x1f{term.kind}\x1f{term.value}".encode())
    return digest.hexdigest()


def build_is_stale(build):
    """True when a text or register entry the build read has changed since (or it predates digests)."""
    if build.status != ReportBuild.Status.DONE:
        return False
    terms = register_terms(audit=build.audit)
    content = report_content(audit=build.audit, build_date=build.build_date)
    return build.inputs_sha256 != build_inputs_digest(content=content, terms=terms)


def _carried_overrides(*, audit, exclude_build_id):
    """{signature: the earliest override of a hit with that signature} in the audit's earlier builds."""
    found = {}
    for hit in (
        LeakHit.objects.filter(build__audit=audit, overridden_at__isnull=False)
        .exclude(build_id=exclude_build_id)
        .exclude(signature="")
        .order_by("overridden_at")
    ):
        found.setdefault(hit.signature, hit)
    return found


def report_build_run(*, build_id):
    """Render a queued build and run the leak guard over its texts and over the PDF itself. Safe to
    run twice: the build is claimed (queued -> running) by one conditional update, and only the
    claimant renders."""
    claimed = ReportBuild.objects.filter(pk=build_id, status=ReportBuild.Status.QUEUED).update(
        status=ReportBuild.Status.RUNNING,
        started_at=timezone.now(),
        progress=10,
        stage="Reading the audit's records",
    )
    if not claimed:
        return None
    build = ReportBuild.objects.select_related("audit").get(pk=build_id)
    try:
        terms = register_terms(audit=build.audit)
        content = report_content(audit=build.audit, build_date=build.build_date)
        _progress(build, 30, "Rendering the PDF")
        pdf = render_pdf(html=report_html(content), css=report_css(), pdf_variant=PDF_VARIANT)
        _progress(build, 80, "Checking for identifying details")
        hits = guard_report(content=content, pdf=pdf, terms=terms, today=build.build_date)
        pages = _page_count(pdf)
        with transaction.atomic():
            carried = _carried_overrides(audit=build.audit, exclude_build_id=build.pk)
            rows = []
            for hit in hits:
                signature = hit.signature
                earlier = carried.get(signature) if hit.can_override else None
                rows.append(
                    LeakHit(
                        build=build,
                        kind=hit.kind,
                        rule=hit.rule,
                        matched=hit.matched[:250],
                        context=hit.context,
                        section=hit.where.section,
                        label=hit.where.label[:200],
                        case_id=hit.where.case_id,
                        object_type=hit.where.object_type,
                        object_id=hit.where.object_id,
                        term_case_id=hit.term_case_id,
                        page=hit.page,
                        signature=signature,
                        override_reason=earlier.override_reason if earlier else "",
                        overridden_by_id=earlier.overridden_by_id if earlier else None,
                        overridden_at=earlier.overridden_at if earlier else None,
                    )
                )
            LeakHit.objects.bulk_create(rows)
            ReportBuild.objects.filter(pk=build.pk).update(
                status=ReportBuild.Status.DONE,
                progress=100,
                stage="Built",
                pdf=pdf,
                sha256=hashlib.sha256(pdf).hexdigest(),
                page_count=pages,
                inputs_sha256=build_inputs_digest(content=content, terms=terms),
                finished_at=timezone.now(),
            )
    except Exception as exc:
        report_build_fail(build_id=build.pk, error=exc)
        raise
    build.refresh_from_db()
    return build


def report_build_fail(*, build_id, error):
    """Record a failed build; the message shown names the error's type only (no user text)."""
    ReportBuild.objects.filter(pk=build_id).exclude(status=ReportBuild.Status.DONE).update(
        status=ReportBuild.Status.FAILED,
        stage="Failed",
        error=type(error).__name__ if not isinstance(error, str) else error,
        finished_at=timezone.now(),
    )


def _page_count(pdf):
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        return len(PdfReader(io.BytesIO(pdf)).pages)
    except PdfReadError:  # the count is only informative; a build never fails for it
        return None


def blocking_hits(build):
    """Hits that stop publication: every register hit and every pattern hit not overridden."""
    return build.hits.filter(overridden_at__isnull=True)


@transaction.atomic
def leak_hit_override(*, hit, actor, reason):
    """Mark a pattern or possible-name hit as a false positive, with the reason, who and when.
    Register hits never."""
    hit = LeakHit.objects.select_for_update().get(pk=hit.pk)
    reason = reason.strip()
    if hit.kind == LeakHit.Kind.REGISTER:
        raise ValidationError("A register hit cannot be overridden: change the text and build again.")
    if hit.is_overridden:
        raise ValidationError("This hit has already been overridden.")
    if len(reason) < 10:
        raise ValidationError({"reason": "Say why this is not identifying (at least 10 characters)."})
    hit.override_reason = reason
    hit.overridden_by = actor
    hit.overridden_at = timezone.now()
    hit.save(update_fields=["override_reason", "overridden_by", "overridden_at", "updated_at"])
    return hit


@transaction.atomic
def report_publish(*, build, actor):
    """Publish a finished draft as the audit's next immutable version. Refused while the leak guard
    has unresolved hits, if a newer draft exists (publish what was last checked), if anything the
    draft read has changed since it was built (it is stale), or if the stored PDF's own text now
    holds a term of the current register or an unresolved pattern: checked again here, in the same
    transaction as the publication."""
    build = ReportBuild.objects.select_for_update().select_related("audit").get(pk=build.pk)
    require(can_manage_audit(actor, build.audit))
    if build.status != ReportBuild.Status.DONE or not build.pdf:
        raise ValidationError("Only a finished draft can be published.")
    if hasattr(build, "version"):
        raise ValidationError(f"This draft is already published as version {build.version.number}.")
    newer = ReportBuild.objects.filter(audit=build.audit, created_at__gt=build.created_at).exists()
    if newer:
        raise ValidationError("A newer draft exists: publish that one instead.")
    blocking = blocking_hits(build).count()
    if blocking:
        raise ValidationError(
            f"The leak guard found {blocking} identifying detail{'s' if blocking != 1 else ''}: "
            "fix the text and build again (or override a pattern hit that is a false positive)."
        )
    # Lock the audit (and so its register's readers) while the draft is checked and numbered.
    build.audit.__class__.objects.select_for_update().get(pk=build.audit_id)
    if build_is_stale(build):
        raise ValidationError(
            "This draft is out of date: a text or a register entry it reads has changed since it was built. "
            "Build a new draft and publish that."
        )
    pdf = bytes(build.pdf)
    overridden = {
        (kind, rule, leakguard.normalise(matched))
        for kind, rule, matched in build.hits.filter(overridden_at__isnull=False).values_list(
            "kind", "rule", "matched"
        )
    }
    guard = leakguard.Guard(
        register_terms(audit=build.audit), today=build.build_date, vocabulary=board_vocabulary()
    )
    recheck = [
        h
        for h in guard.check_all(pdf_texts(pdf))
        if not (h.can_override and (h.kind, h.rule, h.key) in overridden)
    ]
    if recheck:
        pages = sorted({h.page for h in recheck if h.page})
        raise ValidationError(
            f"The leak guard found {len(recheck)} identifying detail{'s' if len(recheck) != 1 else ''} in the "
            f"PDF's own text{' (page ' + ', '.join(map(str, pages)) + ')' if pages else ''}: build again."
        )
    number = (ReportVersion.objects.filter(audit=build.audit).aggregate(n=Max("number"))["n"] or 0) + 1
    version = ReportVersion.objects.create(
        audit=build.audit,
        number=number,
        build=build,
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
        size=len(pdf),
        build_date=build.build_date,
        published_by=actor,
    )
    board_tell_published(version=version)
    return version


def board_tell_published(*, version):
    """E-mail every active Board member that a new version is published: the audit's title, the
    version and a link to the Board home, never any of the report. Through the one outbound path, so
    a title that would carry a register term is withheld (and the Business Manager told); once per
    version and member."""

    link = absolute_url("recommendations:board_home")
    terms = register_terms(audit=version.audit)
    for member in User.objects.filter(role=Role.BOARD_MEMBER, is_active=True).order_by("pk"):
        notification_queue(
            key=f"report_version:{version.pk}:published:{member.email.lower()}",
            kind="report_published",
            to=member.email,
            recipient=member,
            subject=f"Audit report published: {version.audit.title} (version {version.number})",
            template="reports/email/report_published",
            context={"audit": version.audit, "version": version, "link": link},
            about=version,
            withhold=terms,
        )
