"""Themes, the library, similar recommendations and the recurring-themes page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from accesslog.services import access_record
from accounts.permissions import business_manager_required, case_reader_required
from cases.selectors import case_list_for_user
from pscb_audit.forms import add_service_errors
from recommendations.selectors import recommendation_list_for_user
from reviews.models import AgencyAction, LearningPoint

from . import charts, selectors, services
from .forms import LibraryForm, SimilarForm, ThemeForm, ThemeMergeForm
from .models import Theme
from .permissions import learning_reader_required

# --- The list of themes (Business Manager) -----------------------------------------------------


@business_manager_required
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


@business_manager_required
def theme_edit(request, theme_pk):
    theme = get_object_or_404(Theme, pk=theme_pk)
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


@case_reader_required
def findings_themes(request, case_pk):
    """Tag a case's learning points and confidential actions with themes (the panel, while writing
    the findings). GET shows the form on its own page; the findings page shows the same form."""
    case = get_object_or_404(case_list_for_user(user=request.user), pk=case_pk)
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
    access_record(request=request, what="findings_themes", obj=case, case=case)
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


@business_manager_required
@require_POST
def recommendation_themes(request, recommendation_pk):
    recommendation = get_object_or_404(recommendation_list_for_user(user=request.user), pk=recommendation_pk)
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


@learning_reader_required
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


@business_manager_required
@require_safe
def similar(request):
    """Past recommendations like the text being drafted (the recommendation form asks for it as you
    type; without JavaScript this page takes the text and answers on its own)."""
    form = SimilarForm(request.GET or None)
    found, text = [], ""
    if form.is_bound and form.is_valid():
        text = form.cleaned_data["text"] or ""
        found = selectors.similar_recommendations(
            user=request.user,
            text=text,
            exclude_pk=form.cleaned_data["exclude"],
            exclude_audit_pk=form.cleaned_data["audit"],
        )
        if found:
            access_record(request=request, what="similar_recommendations")
    template = "learning/_similar.html" if request.headers.get("HX-Request") else "learning/similar.html"
    return render(request, template, {"form": form, "similar": found, "text": text, "asked": bool(text)})


# --- Recurring themes ----------------------------------------------------------------------------


@learning_reader_required
@require_safe
def recurring(request):
    data = selectors.recurring_themes()
    chart = charts.theme_year_chart(data)
    return render(
        request,
        "learning/recurring.html",
        {"data": data, "chart": chart, "overdue": selectors.themes_most_overdue()},
    )


@learning_reader_required
@require_safe
def theme_year(request, theme_pk, year):
    """The audits behind one bar of the chart: those the user may see or whose report is published."""
    theme = get_object_or_404(Theme, pk=theme_pk)
    if not 1990 <= year <= 2200:
        raise Http404
    audits = selectors.theme_year_audits(user=request.user, theme=theme, year=year)
    return render(request, "learning/theme_year.html", {"theme": theme, "year": year, "audits": audits})
