"""Themes, the library, similar recommendations and the recurring-themes page."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from accounts.permissions import permission_required
from cases.selectors import audit_get_for_user, case_list_for_user
from core.forms import add_service_errors
from recommendations.selectors import recommendation_get_for_user_to_edit
from recommendations.views import recommendation_page_again
from reviews.models import AgencyAction, LearningPoint
from reviews.selectors import case_review_get_for_user

from . import charts, selectors, services
from .forms import LibraryForm, SimilarForm, ThemeForm, ThemeMergeForm

# --- The list of themes (Business Manager) -----------------------------------------------------


@permission_required("manage_audits")
def theme_list(request):
    form = ThemeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            theme = services.theme_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Theme “{theme.name}” added.")
            return redirect("learning:theme_list")
    return render(
        request,
        "learning/theme_list.html",
        {"themes": selectors.theme_list_with_counts(), "form": form},
        status=400 if request.method == "POST" else 200,
    )


@permission_required("manage_audits")
def theme_edit(request, theme_pk):
    theme = selectors.theme_get_for_user_to_edit(request=request, pk=theme_pk)
    form = ThemeForm(
        request.POST if request.POST.get("action") == "rename" else None,
        initial={"name": theme.name, "description": theme.description},
    )
    merge_form = ThemeMergeForm(request.POST if request.POST.get("action") == "merge" else None, source=theme)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "rename" and form.is_valid():
                services.theme_rename(theme=theme, actor=request.user, **form.cleaned_data)
                messages.success(request, "Theme saved. Everything tagged with it keeps the tag.")
                return redirect("learning:theme_list")
            if action == "merge" and merge_form.is_valid():
                target = services.theme_merge(
                    source=theme, target=merge_form.cleaned_data["target"], actor=request.user
                )
                messages.success(
                    request, f"“{theme.name}” merged into “{target.name}”; its tags moved there."
                )
                return redirect("learning:theme_list")
            if action in ("retire", "restore"):
                services.theme_set_active(theme=theme, actor=request.user, active=action == "restore")
                messages.success(request, "Theme updated.")
                return redirect("learning:theme_list")
        except ValidationError as exc:
            add_service_errors(merge_form if action == "merge" else form, exc)
        status = 400
    return render(
        request,
        "learning/theme_edit.html",
        {
            "theme": theme,
            "form": form,
            "merge_form": merge_form,
            "events": theme.events.select_related("actor")[:20],
        },
        status=status,
    )


# --- Tagging ------------------------------------------------------------------------------------


def _posted_theme_ids(request, key):
    ids = set()
    for value in request.POST.getlist(key)[:50]:
        if value.isdigit():
            ids.add(int(value))
    return ids


@permission_required("read_cases")
def findings_themes(request, case_pk):
    """Tag a case's learning points and confidential actions with themes (the panel, while writing
    the findings). GET shows the form on its own page; the findings page shows the same form."""
    # GET shows the case's learning points and actions: that read is logged.
    case = case_review_get_for_user(
        request=request, pk=case_pk, what=None if request.method == "POST" else "findings_themes"
    )
    points = list(LearningPoint.objects.filter(case=case).order_by("position", "pk"))
    actions = list(
        AgencyAction.objects.filter(case=case).select_related("owner_agency").order_by("due_date", "pk")
    )
    themes = list(selectors.active_themes())
    if request.method == "POST":
        by_pk = {t.pk: t for t in themes}
        try:
            chosen_points = {}
            for p in points:
                ids = _posted_theme_ids(request, f"point-{p.pk}")
                if ids - set(by_pk):
                    raise ValidationError("Choose themes from the list.")
                chosen_points[p] = [by_pk[i] for i in ids]
            chosen_actions = {}
            for a in actions:
                ids = _posted_theme_ids(request, f"action-{a.pk}")
                if ids - set(by_pk):
                    raise ValidationError("Choose themes from the list.")
                chosen_actions[a] = [by_pk[i] for i in ids]
            services.findings_tags_set(
                case=case, actor=request.user, points=chosen_points, actions=chosen_actions
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Themes saved.")
        return redirect(reverse("reviews:findings", kwargs={"case_pk": case.pk}) + "#themes")
    return render(
        request, "learning/findings_themes_page.html", tagging_context(case, points, actions, themes)
    )


def tagging_context(case, points, actions, themes):
    tags = selectors.case_tags(case=case)
    return {
        "case": case,
        "themes": themes,
        "point_rows": [(p, tags["points"].get(p.pk, set())) for p in points],
        "action_rows": [(a, tags["actions"].get(a.pk, set())) for a in actions],
    }


@permission_required("manage_audits")
@require_POST
def recommendation_themes(request, recommendation_pk):
    recommendation = recommendation_get_for_user_to_edit(request=request, pk=recommendation_pk)
    themes = list(selectors.active_themes().filter(pk__in=_posted_theme_ids(request, "themes")))
    try:
        services.recommendation_tags_set(recommendation=recommendation, actor=request.user, themes=themes)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Themes saved.")
    return redirect(
        reverse("recommendations:recommendation_detail", kwargs={"recommendation_pk": recommendation.pk})
        + "#themes"
    )


# --- The library ---------------------------------------------------------------------------------


@permission_required("read_learning")
@require_safe
def library(request):
    choices = selectors.library_filter_choices(user=request.user)
    form = LibraryForm(request.GET or None, choices=choices)
    result = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.LibraryFilters(
            query=selectors.search.clean_query(data["q"]),
            theme=data["theme"],
            year=data["year"],
            agency=data["agency"],
            method=data["method"],
            kind=data["kind"],
        )
        page = request.GET.get("page", "1")
        result = selectors.library_search(
            request=request, filters=filters, page=int(page) if page.isdigit() else 1
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "learning/library.html",
        {"form": form, "result": result, "query_string": query.urlencode(), "kinds": selectors.KINDS},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


# --- Have we been here before? --------------------------------------------------------------------


@permission_required("manage_audits")
@require_safe
def similar(request):
    """Past recommendations like the text being drafted (the recommendation form asks for it as you
    type; without JavaScript this page takes the text and answers on its own)."""
    form = SimilarForm(request.GET or None)
    found, text = [], ""
    if form.is_bound and form.is_valid():
        text = form.cleaned_data["text"] or ""
        found = selectors.similar_recommendations_get_for_user(
            request=request,
            text=text,
            exclude_pk=form.cleaned_data["exclude"],
            exclude_audit_pk=form.cleaned_data["audit"],
        )
    template = "learning/_similar.html" if request.headers.get("HX-Request") else "learning/similar.html"
    return render(request, template, {"form": form, "similar": found, "text": text, "asked": bool(text)})


# --- Recurring themes ----------------------------------------------------------------------------


@permission_required("read_learning")
@require_safe
def recurring(request):
    data = selectors.recurring_themes()
    chart = charts.theme_year_chart(data)
    return render(
        request,
        "learning/recurring.html",
        {"data": data, "chart": chart, "overdue": selectors.themes_most_overdue()},
    )


@permission_required("read_learning")
@require_safe
def theme_year(request, theme_pk, year):
    """The audits behind one bar of the chart: those the user may see or whose report is published."""
    theme = selectors.theme_get_for_user(request=request, pk=theme_pk)
    if not 1990 <= year <= 2200:
        raise Http404
    audits = selectors.theme_year_audits(user=request.user, theme=theme, year=year)
    return render(request, "learning/theme_year.html", {"theme": theme, "year": year, "audits": audits})


# --- The audit programme ---------------------------------------------------------------------------


@permission_required("read_learning")
@require_safe
def programme(request):
    from django.utils import timezone

    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year
    entries = list(selectors.programme_for_year(year=year))
    return render(
        request,
        "learning/programme.html",
        {
            "year": year,
            "entries": entries,
            "summary": selectors.programme_summary(entries),
            "years": selectors.programme_years(),
            "may_edit": request.user.is_business_manager,
        },
    )


@permission_required("manage_audits")
def programme_entry_edit(request, entry_pk=None):
    from .forms import ProgrammeEntryForm

    entry = selectors.programme_entry_get_for_user_to_edit(request=request, pk=entry_pk) if entry_pk else None
    form = ProgrammeEntryForm(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            saved = services.programme_entry_save(actor=request.user, entry=entry, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Programme saved.")
            return redirect(reverse("learning:programme") + f"?year={saved.year}")
    return render(
        request,
        "learning/programme_form.html",
        {"form": form, "entry": entry},
        status=400 if request.method == "POST" else 200,
    )


@permission_required("manage_audits")
@require_POST
def programme_entry_open(request, entry_pk):
    entry = selectors.programme_entry_get_for_user_to_edit(request=request, pk=entry_pk)
    try:
        audit = services.programme_entry_open_audit(entry=entry, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(reverse("learning:programme") + f"?year={entry.year}")
    messages.success(request, "Audit opened from the programme. Add its panel and cases.")
    return redirect("cases:audit_detail", audit_pk=audit.pk)


# --- One audit's learning: sampling, re-audit ------------------------------------------------------


@permission_required("read_cases")
def audit_learning(request, audit_pk):
    """How the audit's cases were sampled, whether it re-audits an earlier audit (with the grades side by
    side), and the recommendations it follows up. The Business Manager records; the panel reads."""
    from .forms import ReAuditForm, SamplingForm
    from .models import CaseSampling

    audit = audit_get_for_user(request=request, pk=audit_pk, what="audit_learning")
    cases = list(case_list_for_user(user=request.user).filter(audit=audit).order_by("number"))
    status = 200
    reaudit_form = ReAuditForm(request.POST if request.POST.get("action") == "reaudit" else None, audit=audit)
    sampling_form = SamplingForm(request.POST if request.POST.get("action") == "sampling" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "reaudit" and reaudit_form.is_valid():
                services.reaudit_mark(
                    audit=audit,
                    earlier=reaudit_form.cleaned_data["earlier"],
                    recommendations=list(reaudit_form.cleaned_data["recommendations"]),
                    actor=request.user,
                )
                messages.success(request, "Marked as a re-audit.")
                return redirect("learning:audit_learning", audit_pk=audit.pk)
            if action == "sampling" and sampling_form.is_valid():
                case_pk = request.POST.get("case", "")
                case = next((c for c in cases if str(c.pk) == case_pk), None)
                if case is None:
                    raise Http404
                services.case_sampling_record(case=case, actor=request.user, **sampling_form.cleaned_data)
                messages.success(request, f"Sampling of {case.pseudonym} saved.")
                return redirect("learning:audit_learning", audit_pk=audit.pk)
        except ValidationError as exc:
            add_service_errors(reaudit_form if action == "reaudit" else sampling_form, exc)
        except PermissionDenied:
            raise
        status = 400
    sampling = {s.case_id: s for s in CaseSampling.objects.filter(case__in=cases)}
    return render(
        request,
        "learning/audit_learning.html",
        {
            "audit": audit,
            "case_rows": [(c, sampling.get(c.pk)) for c in cases],
            "reaudit_form": reaudit_form,
            "sampling_form": sampling_form,
            "comparison": selectors.grade_comparison(user=request.user, audit=audit),
            "follows_up": audit.follows_up.select_related("recommendation__audit"),
            "entry": getattr(audit, "programme_entry", None),
            "may_edit": request.user.is_business_manager,
        },
        status=status,
    )


@permission_required("manage_audits")
@require_POST
def recommendation_follow_up(request, recommendation_pk):
    from .forms import FollowUpForm

    recommendation = recommendation_get_for_user_to_edit(request=request, pk=recommendation_pk)
    form = FollowUpForm(request.POST, recommendation=recommendation)
    url = reverse("recommendations:recommendation_detail", kwargs={"recommendation_pk": recommendation.pk})
    if form.is_valid():
        try:
            services.recommendation_follow_up_set(
                recommendation=recommendation, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Follow-up saved.")
            return redirect(url + "#follow-up")
    # The panel (learning.panels) draws the form as posted, with its errors.
    request.learning_follow_up_form = form
    return recommendation_page_again(request, recommendation, follow_up_form=form)


# --- Briefings and the yearly report ----------------------------------------------------------------


def _pdf_response(pdf, filename, *, inline=False):
    from django.http import HttpResponse

    response = HttpResponse(bytes(pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{filename}"'
    return response


@permission_required("manage_audits")
def briefing(request, audit_pk):
    """The audit's 7-minute briefing: the Business Manager edits its texts, checks it with the leak
    guard and publishes a version (refused on any hit)."""
    from . import publications
    from .forms import BriefingForm
    from .models import Briefing, Publication

    audit = audit_get_for_user(request=request, pk=audit_pk, what="briefing")
    current = Briefing.objects.filter(audit=audit).first()
    initial = {
        "why_it_matters": getattr(current, "why_it_matters", ""),
        "questions": getattr(current, "questions", ""),
        "find_out_more": getattr(current, "find_out_more", ""),
    }
    action = request.POST.get("action")
    form = BriefingForm(request.POST if action == "save" else None, initial=initial)
    hits, status = None, 200
    if request.method == "POST":
        if action == "save" and form.is_valid():
            publications.briefing_save(audit=audit, actor=request.user, **form.cleaned_data)
            messages.success(request, "Briefing saved. Check it before publishing.")
            return redirect("learning:briefing", audit_pk=audit.pk)
        if action == "check":
            _pdf, found = publications.preview(
                publications.briefing_document(audit=audit), terms=publications.register_terms(audit=audit)
            )
            hits = [publications.describe(h) for h in found]
        if action == "publish":
            try:
                version = publications.publish(
                    kind=Publication.Kind.BRIEFING, audit=audit, actor=request.user
                )
            except ValidationError as exc:
                hits = exc.messages
                status = 400
            else:
                messages.success(request, f"Briefing version {version.number} published.")
                return redirect("learning:briefing", audit_pk=audit.pk)
        elif action == "save":
            status = 400
    return render(
        request,
        "learning/briefing.html",
        {
            "audit": audit,
            "form": form,
            "hits": hits,
            "document": publications.briefing_document(audit=audit),
            "versions": Publication.objects.filter(kind=Publication.Kind.BRIEFING, audit=audit).defer(
                "pdf", "csv"
            ),
        },
        status=status,
    )


@permission_required("manage_audits")
@require_safe
def briefing_draft(request, audit_pk):
    from . import publications

    audit = audit_get_for_user(request=request, pk=audit_pk, what="briefing_draft")
    return _pdf_response(
        publications.render(publications.briefing_document(audit=audit)),
        f"audit-{audit.pk}-briefing-draft.pdf",
        inline=True,
    )


def _default_period():
    import datetime

    from django.utils import timezone

    today = timezone.localdate()
    end_year = today.year if today.month >= 4 else today.year - 1
    return datetime.date(end_year - 1, 4, 1), datetime.date(end_year, 3, 31)


@permission_required("read_learning")
def yearly(request):
    """The yearly report section: the Business Manager chooses a period, checks and publishes; every
    learning reader sees the published versions (counts only, anonymised by construction)."""
    from . import publications
    from .forms import PeriodForm
    from .models import Publication

    start, end = _default_period()
    form = PeriodForm(request.POST or request.GET or None, initial={"start": start, "end": end})
    document, hits, status = None, None, 200
    if request.method == "POST":
        if not request.user.is_business_manager:
            raise PermissionDenied
        if form.is_valid():
            start, end = form.cleaned_data["start"], form.cleaned_data["end"]
            if request.POST.get("action") == "publish":
                try:
                    version = publications.publish(
                        kind=Publication.Kind.YEARLY, period_start=start, period_end=end, actor=request.user
                    )
                except ValidationError as exc:
                    hits, status = exc.messages, 400
                else:
                    messages.success(request, f"Yearly report section version {version.number} published.")
                    return redirect("learning:yearly")
            else:
                document = publications.yearly_report(period_start=start, period_end=end)
                _pdf, found = publications.preview(document, terms=publications.register_terms())
                hits = [publications.describe(h) for h in found]
        else:
            status = 400
    elif request.user.is_business_manager and form.is_bound and form.is_valid():
        document = publications.yearly_report(
            period_start=form.cleaned_data["start"], period_end=form.cleaned_data["end"]
        )
    return render(
        request,
        "learning/yearly.html",
        {
            "form": form,
            "document": document,
            "hits": hits,
            "versions": publications.publication_list_for_user(user=request.user).filter(
                kind=Publication.Kind.YEARLY
            ),
            "may_publish": request.user.is_business_manager,
        },
        status=status,
    )


@permission_required("read_learning")
@require_safe
def publication_download(request, publication_pk, fmt):
    from django.http import HttpResponse

    if fmt not in ("pdf", "csv"):
        raise Http404
    publication = selectors.publication_get_for_user(request=request, pk=publication_pk)
    if fmt == "csv":
        if not publication.csv:
            raise Http404
        response = HttpResponse(publication.csv, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{publication.filename[:-4]}.csv"'
        return response
    return _pdf_response(publication.pdf, publication.filename)
