"""Changes to the themes and their tags. Each service checks its rule, writes in one transaction and
records who acted."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.permissions import can_manage_audit, can_review_case

from .models import Theme, ThemeEvent

NAME_MAX = 100


def _require_business_manager(actor):
    if not can_manage_audit(actor):
        raise PermissionDenied("Only the Business Manager keeps the list of themes.")


def _require_reviewer(actor, case):
    """The Business Manager or a member of the case's audit panel."""
    if not can_review_case(actor, case):
        raise PermissionDenied("Only the Business Manager and the audit's panel tag its findings.")


def _clean_name(name, *, exclude_pk=None):
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": "Give the theme a name."})
    if len(name) > NAME_MAX:
        raise ValidationError({"name": f"Keep the name to {NAME_MAX} characters."})
    clash = Theme.objects.filter(name__iexact=name).exclude(pk=exclude_pk).first()
    if clash:
        raise ValidationError({"name": f"There is already a theme called “{clash.name}”."})
    return name


@transaction.atomic
def theme_create(*, actor, name, description=""):
    """A new theme on the controlled list; names are unique whatever their case."""
    _require_business_manager(actor)
    theme = Theme.objects.create(
        name=_clean_name(name), description=(description or "").strip()[:300], created_by=actor
    )
    ThemeEvent.objects.create(theme=theme, kind=ThemeEvent.Kind.CREATED, detail=theme.name, actor=actor)
    return theme


@transaction.atomic
def theme_rename(*, theme, actor, name, description=None):
    """Rename a theme (and change its description). Its tags stay: they point at the theme, not its name."""
    _require_business_manager(actor)
    theme = Theme.objects.select_for_update().get(pk=theme.pk)
    if theme.merged_into_id:
        raise ValidationError("This theme was merged into another; rename that one.")
    name = _clean_name(name, exclude_pk=theme.pk)
    old = theme.name
    theme.name = name
    if description is not None:
        theme.description = description.strip()[:300]
    theme.save(update_fields=["name", "description", "updated_at"])
    if old != name:
        ThemeEvent.objects.create(
            theme=theme, kind=ThemeEvent.Kind.RENAMED, detail=f"{old} → {name}", actor=actor
        )
    return theme


@transaction.atomic
def theme_merge(*, source, target, actor):
    """Merge `source` into `target`: everything tagged with the source is tagged with the target (once),
    the source loses its tags, is retired and remembers where it went. Nothing loses a theme."""
    _require_business_manager(actor)
    if source.pk == target.pk:
        raise ValidationError({"target": "Choose a different theme to merge into."})
    source, target = (
        Theme.objects.select_for_update().get(pk=source.pk),
        Theme.objects.select_for_update().get(pk=target.pk),
    )
    if source.merged_into_id:
        raise ValidationError("This theme has already been merged.")
    if target.merged_into_id or not target.is_active:
        raise ValidationError({"target": "Merge into a theme that is still offered."})
    moved = 0
    for relation in ("learning_points", "recommendations", "agency_actions", "audits"):
        ids = list(getattr(source, relation).values_list("pk", flat=True))
        getattr(target, relation).add(*ids)
        getattr(source, relation).clear()
        moved += len(ids)
    source.merged_into = target
    source.is_active = False
    source.save(update_fields=["merged_into", "is_active", "updated_at"])
    ThemeEvent.objects.create(
        theme=source,
        kind=ThemeEvent.Kind.MERGED,
        detail=f"into {target.name} ({moved} tags moved)",
        actor=actor,
    )
    ThemeEvent.objects.create(
        theme=target,
        kind=ThemeEvent.Kind.MERGED,
        detail=f"{source.name} merged in ({moved} tags)",
        actor=actor,
    )
    return target


@transaction.atomic
def theme_set_active(*, theme, actor, active):
    """Retire a theme (no longer offered for new tags; its tags stay) or offer it again."""
    _require_business_manager(actor)
    theme = Theme.objects.select_for_update().get(pk=theme.pk)
    if theme.merged_into_id and active:
        raise ValidationError("A merged theme cannot be offered again.")
    if theme.is_active != active:
        theme.is_active = active
        theme.save(update_fields=["is_active", "updated_at"])
        kind = ThemeEvent.Kind.RESTORED if active else ThemeEvent.Kind.RETIRED
        ThemeEvent.objects.create(theme=theme, kind=kind, actor=actor)
    return theme


def _set_tags(relation, obj, themes):
    """Set the active themes of `obj`; tags of retired themes it already has are kept."""
    wanted = {t.pk for t in themes}
    inactive = set(Theme.objects.filter(is_active=False).values_list("pk", flat=True))
    if wanted & inactive:
        raise ValidationError("Choose themes that are still offered.")
    current = set(obj.themes.values_list("pk", flat=True))
    to_add = wanted - current
    to_remove = (current - wanted) - inactive
    if to_add:
        obj.themes.add(*to_add)
    if to_remove:
        obj.themes.remove(*to_remove)
    return len(to_add) + len(to_remove)


@transaction.atomic
def findings_tags_set(*, case, actor, points, actions):
    """Tag a case's learning points and confidential actions with themes, all at once.
    `points` and `actions` map each object of the case to the themes it should carry."""
    _require_reviewer(actor, case)
    changed = 0
    for point, themes in points.items():
        if point.case_id != case.pk:
            raise ValidationError("A learning point of another case cannot be tagged here.")
        changed += _set_tags("learning_points", point, themes)
    for action, themes in actions.items():
        if action.case_id != case.pk:
            raise ValidationError("An action of another case cannot be tagged here.")
        changed += _set_tags("agency_actions", action, themes)
    return changed


@transaction.atomic
def recommendation_tags_set(*, recommendation, actor, themes):
    """The Business Manager (who drafts recommendations) tags one with themes."""
    _require_business_manager(actor)
    return _set_tags("recommendations", recommendation, themes)


@transaction.atomic
def audit_themes_set(*, audit, actor, themes):
    """The themes an audit set out to look at (from its programme entry, or chosen)."""
    _require_business_manager(actor)
    return _set_tags("audits", audit, themes)


# --- The audit programme, sampling, re-audits and follow-ups ---------------------------------------

QUARTER_START = {1: (4, 1), 2: (7, 1), 3: (10, 1), 4: (1, 1)}  # the Partnership's year runs April to March


def quarter_dates(year, quarter):
    """The first and last day of a programme quarter (year 2027: April 2027 to March 2028)."""
    import calendar
    import datetime

    month, _ = QUARTER_START[quarter]
    start_year = year + 1 if quarter == 4 else year
    start = datetime.date(start_year, month, 1)
    end_month = month + 2
    end = datetime.date(start_year, end_month, calendar.monthrange(start_year, end_month)[1])
    return start, end


@transaction.atomic
def programme_entry_save(*, actor, entry=None, **fields):
    """Add or change a planned audit in the programme (the Business Manager)."""
    from .models import ProgrammeEntry

    _require_business_manager(actor)
    if (
        fields.get("theme") is not None
        and not fields["theme"].is_active
        and (entry is None or entry.theme_id != fields["theme"].pk)
    ):
        raise ValidationError({"theme": "Choose a theme that is still offered."})
    entry = entry or ProgrammeEntry(created_by=actor)
    for name, value in fields.items():
        setattr(entry, name, value)
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def programme_entry_open_audit(*, entry, actor, purpose=""):
    """Open the audit a programme entry plans: its title and theme, the quarter as its period, the
    entry's theme on the audit; the entry becomes 'in progress' and links to it. Once only."""
    from cases.services import audit_create

    from .models import ProgrammeEntry

    _require_business_manager(actor)
    entry = ProgrammeEntry.objects.select_for_update().select_related("theme").get(pk=entry.pk)
    if entry.audit_id:
        raise ValidationError("An audit has already been opened from this entry.")
    start, end = quarter_dates(entry.year, entry.quarter)
    audit = audit_create(
        actor=actor,
        title=entry.title,
        theme=entry.theme.name,
        purpose=purpose
        or f"Planned in the {entry.year} audit programme ({entry.get_reason_display().lower()}).",
        period_start=start,
        period_end=end,
    )
    entry.theme.audits.add(audit)
    entry.audit = audit
    entry.status = ProgrammeEntry.Status.IN_PROGRESS
    entry.save(update_fields=["audit", "status", "updated_at"])
    return audit


@transaction.atomic
def case_sampling_record(*, case, actor, cohort, threshold):
    """How a case was sampled (the Business Manager, who selects the cases)."""
    from .models import CaseSampling

    _require_business_manager(actor)
    cohort = " ".join((cohort or "").split())
    if not cohort:
        raise ValidationError({"cohort": "Say which group the case was drawn from."})
    sampling = CaseSampling.objects.select_for_update().filter(case=case).first() or CaseSampling(case=case)
    sampling.cohort, sampling.threshold, sampling.recorded_by = cohort[:250], threshold, actor
    sampling.full_clean()
    sampling.save()
    return sampling


@transaction.atomic
def reaudit_mark(*, audit, earlier, actor, recommendations=()):
    """Mark `audit` as the re-audit of `earlier`: it reuses the earlier audit's tool version (when it has
    none of its own yet) so the two audits' grades compare, and names the recommendations it re-tests
    (the earlier audit's only)."""
    from audittools.models import AuditTool

    from .models import ReAudit

    _require_business_manager(actor)
    if audit.pk == earlier.pk:
        raise ValidationError({"earlier": "An audit cannot re-audit itself."})
    if earlier.period_end > audit.period_end:
        raise ValidationError({"earlier": "Choose an audit that came before this one."})
    if any(r.audit_id != earlier.pk for r in recommendations):
        raise ValidationError({"recommendations": "Choose recommendations of the earlier audit."})
    earlier_tool = AuditTool.objects.filter(audit=earlier).first()
    own_tool = AuditTool.objects.filter(audit=audit).first()
    if earlier_tool and own_tool is None:
        AuditTool.objects.create(audit=audit, version=earlier_tool.version, chosen_by=actor)
    link, _ = ReAudit.objects.update_or_create(
        audit=audit, defaults={"earlier": earlier, "created_by": actor}
    )
    link.recommendations.set(recommendations)
    return link


@transaction.atomic
def recommendation_follow_up_set(*, recommendation, actor, reaudit_by=None, audit=None):
    """Did it stick? A re-audit date and/or the audit that follows the recommendation up (a later audit)."""
    from .models import RecommendationFollowUp

    _require_business_manager(actor)
    if audit is not None and audit.pk == recommendation.audit_id:
        raise ValidationError({"audit": "Choose a later audit, not the one that made the recommendation."})
    if reaudit_by is not None and reaudit_by < recommendation.created_at.date():
        raise ValidationError(
            {"reaudit_by": "The re-audit date must come after the recommendation was made."}
        )
    follow_up = RecommendationFollowUp.objects.select_for_update().filter(
        recommendation=recommendation
    ).first() or RecommendationFollowUp(recommendation=recommendation)
    follow_up.reaudit_by, follow_up.audit, follow_up.updated_by = reaudit_by, audit, actor
    follow_up.save()
    return follow_up
