"""Authorisation rules for the learning app: themes, the library, similar recommendations, recurring
themes (objects are scoped further by learning.selectors; see tests/learning)."""

from .rule import Rule

BM = {"bm"}
READERS = {"bm", "panel"}
# Everyone but the administrator (who sees no case data); each sees only their scope.
LEARNING = {"bm", "panel", "panel_other", "contributor", "contributor_other", "board"}

RULES = {
    "learning:library": Rule(get=LEARNING),
    "learning:theme_list": Rule(get=BM),
    "learning:theme_edit": Rule(get=BM),
    "learning:recurring": Rule(get=LEARNING),
    "learning:theme_year": Rule(get=LEARNING),
    "learning:findings_themes": Rule(get=READERS),
    "learning:recommendation_themes": Rule(get=None, post=BM),
    "learning:similar": Rule(get=BM),
}


def extend_cast(cast):
    from learning.models import Theme

    cast.theme = Theme.objects.order_by("pk").first()


KWARGS = {
    "theme_pk": lambda cast: cast.theme.pk,
    "year": lambda cast: cast.audit.period_end.year,
}
