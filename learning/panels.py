"""Panels this app adds to pages of the apps below it (see core.slots): theme tags on the findings and
on a recommendation, and "have we been here before?" beside a recommendation being drafted."""

from django.template.loader import render_to_string

from accounts.models import Role
from core import slots

from . import selectors


def findings_themes(*, request, case, **_):
    """On the findings page: a form to tag the case's learning points and actions with themes."""
    from reviews.models import AgencyAction, LearningPoint

    from .views import tagging_context

    points = list(LearningPoint.objects.filter(case=case).order_by("position", "pk"))
    actions = list(
        AgencyAction.objects.filter(case=case).select_related("owner_agency").order_by("due_date", "pk")
    )
    context = tagging_context(case, points, actions, list(selectors.active_themes()))
    return render_to_string("learning/_findings_themes.html", context, request=request)


def recommendation_themes(*, request, recommendation, **_):
    """On a recommendation's page: its themes (the Business Manager changes them there)."""
    may_tag = request.user.role == Role.BUSINESS_MANAGER
    current = set(recommendation.themes.values_list("pk", flat=True))
    context = {
        "recommendation": recommendation,
        "may_tag": may_tag,
        "current": [t for t in selectors.active_themes() if t.pk in current]
        + list(recommendation.themes.filter(is_active=False)),
        "themes": list(selectors.active_themes()) if may_tag else [],
        "chosen": current,
    }
    return render_to_string("learning/_recommendation_themes.html", context, request=request)


def recommendation_similar(*, request, audit, recommendation=None, text="", **_):
    """Beside the recommendation form: similar past recommendations for the text (updated as it is typed)."""
    if request.user.role != Role.BUSINESS_MANAGER:
        return ""
    if not hasattr(recommendation, "pk"):  # the create page has no recommendation yet
        recommendation = None
    text = text or (recommendation.text if recommendation is not None else "")
    found = selectors.similar_recommendations(
        user=request.user,
        text=text,
        exclude_pk=getattr(recommendation, "pk", None),
        exclude_audit_pk=audit.pk,
    )
    return render_to_string(
        "learning/_similar_panel.html",
        {"similar": found, "audit": audit, "recommendation": recommendation, "asked": bool(text)},
        request=request,
    )


slots.fill("reviews.findings", findings_themes)
slots.fill("recommendations.detail", recommendation_themes)
slots.fill("recommendations.form", recommendation_similar)
