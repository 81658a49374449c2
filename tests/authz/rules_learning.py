"""Authorisation rules for the learning app: themes, the library, similar recommendations, recurring
themes (objects are scoped further by learning.selectors; see tests/learning)."""

from .rule import Rule

BM = {"bm"}
READERS = {"bm", "panel"}
# Everyone but the administrator (who sees no case data); each sees only their scope.
LEARNING = {"bm", "panel", "panel_other", "contributor", "contributor_other", "board", "qa"}

RULES = {
    "learning:library": Rule(get=LEARNING),
    "learning:theme_list": Rule(get=BM),
    "learning:theme_edit": Rule(get=BM),
    "learning:recurring": Rule(get=LEARNING),
    "learning:theme_year": Rule(get=LEARNING),
    "learning:findings_themes": Rule(get=READERS),
    "learning:recommendation_themes": Rule(get=None, post=BM),
    "learning:similar": Rule(get=BM),
    "learning:programme": Rule(get=LEARNING),
    "learning:programme_entry_create": Rule(get=BM),
    "learning:programme_entry_edit": Rule(get=BM),
    "learning:programme_entry_open": Rule(get=None, post=BM),
    "learning:audit_learning": Rule(get=READERS),
    "learning:recommendation_follow_up": Rule(get=None, post=BM),
}


def extend_cast(cast):
    from learning.models import ProgrammeEntry, Theme

    cast.theme = Theme.objects.order_by("pk").first()
    cast.programme_entry = ProgrammeEntry.objects.create(
        year=2026, title="Planned audit", theme=cast.theme, reason="inspection", quarter=2, created_by=cast.bm
    )


KWARGS = {
    "theme_pk": lambda cast: cast.theme.pk,
    "year": lambda cast: cast.audit.period_end.year,
    "entry_pk": lambda cast: cast.programme_entry.pk,
}
