"""Panels this app adds to pages of the apps below it (see core.slots): theme tags on the findings and
on a recommendation, and "have we been here before?" beside a recommendation being drafted."""

from django.template.loader import render_to_string

from accounts.permissions import allows, can_manage_audit
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
    may_tag = can_manage_audit(request.user)
    tagged = list(recommendation.themes.order_by("name", "pk"))
    current = {t.pk for t in tagged}
    context = {
        "recommendation": recommendation,
        "may_tag": may_tag,
        # Its themes still offered first, then any retired since it was tagged.
        "current": [t for t in tagged if t.is_active] + [t for t in tagged if not t.is_active],
        "themes": list(selectors.active_themes()) if may_tag else [],
        "chosen": current,
    }
    return render_to_string("learning/_recommendation_themes.html", context, request=request)


def recommendation_similar(*, request, audit, recommendation=None, text="", **_):
    """Beside the recommendation form: similar past recommendations for the text (updated as it is typed)."""
    if not can_manage_audit(request.user):
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


def recommendation_follow_up(*, request, recommendation, **_):
    """On a recommendation's page: did it stick? Its follow-up chain, and the form to name a re-audit date
    or follow-up audit (the Business Manager)."""
    from .forms import FollowUpForm

    if allows(request.user, "sit_on_board"):
        return ""
    may_edit = can_manage_audit(request.user)
    chain = selectors.follow_up_chain(recommendation=recommendation)
    follow_up = chain[0]["follow_up"] if chain else None
    form = getattr(request, "learning_follow_up_form", None) or (
        FollowUpForm(
            recommendation=recommendation,
            initial={
                "reaudit_by": getattr(follow_up, "reaudit_by", None),
                "audit": getattr(follow_up, "audit_id", None),
            },
        )
        if may_edit
        else None
    )
    context = {
        "recommendation": recommendation,
        "chain": chain,
        "form": form,
        "may_edit": may_edit,
        "reviewer": allows(request.user, "read_cases"),
    }
    return render_to_string("learning/_recommendation_follow_up.html", context, request=request)


def audit_panel(*, request, audit, **_):
    """On the audit page: its place in the programme, whether it re-audits or follows up another."""
    from .models import ReAudit

    context = {
        "audit": audit,
        "entry": getattr(audit, "programme_entry", None),
        "reaudit": ReAudit.objects.filter(audit=audit).select_related("earlier").first(),
        "follows_up": audit.follows_up.select_related("recommendation__audit"),
        "themes": list(audit.themes.values_list("name", flat=True)),
    }
    return render_to_string("learning/_audit_panel.html", context, request=request)


slots.fill("reviews.findings", findings_themes)
slots.fill("recommendations.detail", recommendation_follow_up)
slots.fill("cases.audit", audit_panel)
slots.fill("recommendations.detail", recommendation_themes)
slots.fill("recommendations.form", recommendation_similar)
