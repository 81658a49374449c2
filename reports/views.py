from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils.timezone import localtime
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.models import Role, User
from accounts.permissions import can_publish, permission_required
from cases.audit_pages import audit_pages_nav
from cases.selectors import audit_get_for_user_to_edit
from core.confirmation import Row, announce, confirmation_page

from . import selectors, services
from .content import framing_defaults
from .forms import LeakHitOverrideForm, ReportFramingForm
from .models import AuditReport, ReportBuild


def hit_fix_url(hit, audit_pk):
    """Where the Business Manager goes to change the text a hit was found in."""
    audit_url = reverse("cases:audit_detail", kwargs={"audit_pk": audit_pk})
    if hit.object_type == "learning_point":
        return reverse(
            "reviews:learning_point_edit", kwargs={"case_pk": hit.case_id, "point_pk": hit.object_id}
        )
    if hit.object_type == "assurance":
        return reverse("reviews:assurance_edit", kwargs={"case_pk": hit.case_id})
    if hit.object_type == "recommendation":
        return reverse("recommendations:recommendation_edit", kwargs={"recommendation_pk": hit.object_id})
    if hit.object_type == "framing":
        return reverse("reports:framing_edit", kwargs={"audit_pk": audit_pk})
    if hit.object_type == "audit":
        return reverse("cases:audit_edit", kwargs={"audit_pk": audit_pk})
    if hit.object_type == "board_meeting":
        return reverse("recommendations:meeting_edit", kwargs={"board_meeting_pk": hit.object_id})
    if hit.object_type == "agency":
        return reverse("admin:cases_agency_changelist")
    if hit.object_type in ("pdf_page", "pdf_metadata"):
        return reverse("reports:build_preview", kwargs={"build_pk": hit.build_id}) + (
            f"#page={hit.page}" if hit.page else ""
        )
    return audit_url


def _build_context(request, build, *, offer_publish=True):
    hits = list(build.hits.select_related("case", "term_case", "overridden_by")) if build else []
    report_url = reverse("reports:report_detail", kwargs={"audit_pk": build.audit_id}) if build else ""
    for hit in hits:
        # The editor shows the hit highlighted and, once saved, comes back here.
        hit.fix_url = (
            hit_fix_url(hit, build.audit_id) + "?" + urlencode({"leak_hit": hit.pk, "next": report_url})
        )
    blocking = [h for h in hits if not h.is_overridden]
    published = build is not None and hasattr(build, "version")
    stale = bool(
        build and build.status == ReportBuild.Status.DONE and not published and services.build_is_stale(build)
    )
    return {
        "build": build,
        "hits": hits,
        "blocking_count": len(blocking),
        "stale": stale,
        # The publish page lists its own problems (the newer-draft one too) instead of the button.
        "can_publish": offer_publish
        and can_publish(request.user, build, stale=stale, blocking=bool(blocking)),
    }


@permission_required("read_cases")
@require_safe
def report_detail(request, audit_pk):
    """The report's page: framing text, the latest draft with its leak guard result, versions."""
    audit = selectors.report_audit_get_for_user(request=request, pk=audit_pk)
    framing = AuditReport.objects.filter(audit=audit).first()
    defaults = framing_defaults(audit=audit)
    texts = {key: (getattr(framing, key, "") or "") or default for key, default in defaults.items()}
    build = selectors.latest_build(audit=audit)
    context = {
        "audit": audit,
        "framing": framing,
        "texts": texts,
        "versions": audit.report_versions.defer("pdf").select_related("published_by"),
        "audit_nav": audit_pages_nav(audit, "reports:report_detail"),
        **_build_context(request, build),
    }
    return render(request, "reports/report_detail.html", context)


@permission_required("manage_audits")
def framing_edit(request, audit_pk):
    audit = audit_get_for_user_to_edit(request=request, pk=audit_pk)
    framing = AuditReport.objects.filter(audit=audit).first() or AuditReport(audit=audit)
    form = ReportFramingForm(
        request.POST or None, instance=framing, defaults=framing_defaults(audit=audit), guard_audit=audit
    )
    if request.method == "POST" and form.is_valid():
        services.report_framing_save(audit=audit, actor=request.user, **form.cleaned_data)
        messages.success(request, "Framing text saved. Build a new draft to see it in the report.")
        return redirect("reports:report_detail", audit_pk=audit.pk)
    return render(request, "reports/framing_form.html", {"form": form, "audit": audit})


@permission_required("manage_audits")
@require_POST
def build_create(request, audit_pk):
    audit = audit_get_for_user_to_edit(request=request, pk=audit_pk)
    services.report_build_request(audit=audit, actor=request.user)
    messages.info(request, "Building a draft of the report.")
    return redirect(reverse("reports:report_detail", kwargs={"audit_pk": audit.pk}) + "#draft")


@permission_required("read_published")
@require_safe
def build_status(request, build_pk):
    """The draft's progress, polled by htmx every two seconds until the build has finished."""
    # The finished partial shows the leak guard's hits (polling has stopped): the accessor logs it.
    build = selectors.build_get_for_user(request=request, pk=build_pk)
    return render(
        request, "reports/_build_status.html", {"audit": build.audit, **_build_context(request, build)}
    )


@permission_required("read_published")
@require_safe
def build_preview(request, build_pk):
    """A finished draft, inline in the browser: Business Manager and the audit's panel only."""
    build = selectors.build_get_for_user_to_preview(request=request, pk=build_pk)
    response = HttpResponse(bytes(build.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="audit-{build.audit_id}-draft-{build.pk}.pdf"'
    return response


def _publish_summary(request, build):
    """What the Business Manager checks before publishing: the version it becomes, the leak guard's
    result on this draft, and what the Board will receive. Problems stop the publication."""
    context = _build_context(request, build, offer_publish=False)
    hits = context["hits"]
    blocking = context["blocking_count"]
    overridden = len(hits) - blocking
    next_number = (build.audit.report_versions.aggregate(n=Max("number"))["n"] or 0) + 1
    if not hits:
        guard = "Nothing found: no register term, pattern or possible name in this draft."
    elif blocking:
        guard = f"{blocking} possible identifying detail{pluralize(blocking)} still to fix."
    else:
        guard = (
            f"Nothing left to fix: {overridden} finding{pluralize(overridden)} overridden as "
            f"false positive{pluralize(overridden)}, each with a recorded reason."
        )
    board = User.objects.filter(role=Role.BOARD_MEMBER, is_active=True).count()
    summary = [
        Row("Audit", str(build.audit)),
        Row("Version", f"Version {next_number}"),
        Row(
            "Draft", f"Built {localtime(build.created_at):%d/%m/%Y %H:%M}, dated {build.build_date:%d/%m/%Y}"
        ),
        Row("Pages", str(build.page_count or "Not counted")),
        Row("Leak guard", guard),
        Row(
            "The Board receives",
            f"The report as a PDF, version {next_number}, exactly as in the draft preview. "
            f"{board} Board member{pluralize(board)} are e-mailed a link to Board home (the e-mail holds "
            "the audit's title and the version, none of the report) and can download it there, as can this "
            "audit's panel and the agencies that sent a return. No case detail, register term or chronology "
            "goes with it.",
        ),
    ]
    report_url = reverse("reports:report_detail", kwargs={"audit_pk": build.audit_id})
    problems = []
    if hasattr(build, "version"):
        problems.append({"text": f"This draft is already published as version {build.version.number}."})
    elif build.status != ReportBuild.Status.DONE:
        problems.append({"text": "Only a finished draft can be published.", "url": report_url + "#draft"})
    else:
        if blocking:
            problems.append(
                {"text": "Fix what the leak guard found, then build again.", "url": report_url + "#draft"}
            )
        if context["stale"]:
            problems.append(
                {
                    "text": "This draft is out of date: a text or a register entry it reads has changed. "
                    "Build a new draft.",
                    "url": report_url + "#draft",
                }
            )
        if build.audit.report_builds.filter(created_at__gt=build.created_at).exists():
            problems.append({"text": "A newer draft exists: publish that one instead.", "url": report_url})
    overdue = _past_deadline(build)
    if overdue:
        summary.append(
            Row(
                "Deadlines already passed",
                "; ".join(f"({r.letter}) was due {r.deadline:%-d %B %Y}" for r in overdue)
                + ". The report will show "
                + ("it" if len(overdue) == 1 else "them")
                + " as overdue: check the deadline or record the response before publishing.",
            )
        )
    return next_number, summary, problems


def _past_deadline(build):
    """Read once per request (the summary row and the warning both say it)."""
    if not hasattr(build, "_past_deadline"):
        build._past_deadline = selectors.recommendations_past_deadline(audit=build.audit, on=build.build_date)
    return build._past_deadline


def _past_deadline_warning(build):
    overdue = _past_deadline(build)
    if not overdue:
        return ""
    n = len(overdue)
    return f"{n} recommendation{pluralize(n)} in this draft {'has' if n == 1 else 'have'} a deadline that has already passed. "


@permission_required("manage_audits")
@require_http_methods(["GET", "POST"])
def build_publish(request, build_pk):
    """GET: what publishing this draft means (version, leak guard, what the Board receives);
    POST: publish it. The service checks everything again in the publishing transaction."""
    # GET shows the leak guard's result on the draft: that read is logged.
    build = selectors.build_get_for_user_to_edit(
        request=request, pk=build_pk, what="report_leak_hits" if request.method == "GET" else None
    )
    report_url = reverse("reports:report_detail", kwargs={"audit_pk": build.audit_id})
    if request.method == "GET":
        number, summary, problems = _publish_summary(request, build)
        return confirmation_page(
            request,
            caption=str(build.audit),
            title=f"Publish this draft as version {number}?",
            summary=summary,
            paragraphs=[
                "The leak guard checks the PDF once more as it is published; if it finds anything, nothing "
                "is published and you are told why.",
            ],
            warning=_past_deadline_warning(build)
            + "A published version cannot be changed or withdrawn. To correct it, publish a new version.",
            problems=problems,
            button=f"Publish version {number}",
            destructive=False,
            cancel_url=report_url + "#draft",
        )
    try:
        version = services.report_publish(build=build, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(report_url + "#draft")
    announce(
        request,
        title=f"Version {version.number} published",
        body=str(build.audit),
        next_steps=[
            "Board members are e-mailed a link to Board home, where they can download it now, as can this "
            "audit's panel and the agencies that sent a return.",
            "It cannot be changed. To correct anything, change the text, build a new draft and publish it "
            "as the next version; earlier versions stay available.",
        ],
    )
    return redirect(report_url + "#versions-h")


@permission_required("manage_audits")
def hit_override(request, hit_pk):
    hit = selectors.leak_hit_get_for_user_to_edit(request=request, pk=hit_pk)
    form = LeakHitOverrideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.leak_hit_override(hit=hit, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error("reason" if hasattr(exc, "error_dict") else None, exc.messages)
        else:
            messages.success(request, "Override recorded.")
            return redirect(
                reverse("reports:report_detail", kwargs={"audit_pk": hit.build.audit_id}) + "#draft"
            )
    return render(request, "reports/hit_override.html", {"form": form, "hit": hit, "audit": hit.build.audit})


@permission_required("download_published_reports")
@require_safe
def version_download(request, version_pk):
    """A published version, exactly as published (its checksum is verified before it is sent)."""
    version = selectors.version_get_for_user(request=request, pk=version_pk)
    pdf = bytes(version.pdf)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{version.filename}"'
    response["ETag"] = f'"{version.sha256}"'
    return response
