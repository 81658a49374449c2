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
    "learning:briefing": Rule(get=BM),
    "learning:briefing_draft": Rule(get=BM),
    # Everyone but the administrator reads the published versions; only the BM checks and publishes.
    "learning:yearly": Rule(get=LEARNING, post=BM),
    "learning:publication_download": Rule(get=LEARNING),
}


def extend_cast(cast):
    from learning.models import ProgrammeEntry, Theme

    cast.theme = Theme.objects.order_by("pk").first()
    import datetime
    import hashlib

    from learning.models import Publication

    pdf = b"%PDF-1.7\n% yearly fixture\n%%EOF\n"
    cast.yearly_publication = Publication.objects.create(
        kind="yearly",
        period_start=datetime.date(2025, 4, 1),
        period_end=datetime.date(2026, 3, 31),
        number=1,
        pdf=pdf,
        csv="section,label,value\n",
        sha256=hashlib.sha256(pdf).hexdigest(),
        size=len(pdf),
        published_by=cast.bm,
    )
    cast.programme_entry = ProgrammeEntry.objects.create(
        year=2026, title="Planned audit", theme=cast.theme, reason="inspection", quarter=2, created_by=cast.bm
    )


KWARGS = {
    "theme_pk": lambda cast: cast.theme.pk,
    "year": lambda cast: cast.audit.period_end.year,
    "entry_pk": lambda cast: cast.programme_entry.pk,
    "publication_pk": lambda cast: cast.yearly_publication.pk,
    "fmt": lambda cast: "pdf",
}
