"""Learning across audits: the controlled list of themes and their tags, the audit programme,
follow-ups and re-audits, and the briefings and yearly reports published from them.

The tags are kept here (many-to-many tables owned by this app) so that the findings and the
recommendations do not depend on the layer above them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from core.models import TimeStamped

# The list a new Partnership starts with (a data migration seeds it); the Business Manager keeps it.
SEED_THEMES = [
    ("Information sharing", "Whether agencies shared what they knew, in time, with those who needed it."),
    ("Professional curiosity", "Looking beyond what is presented, asking and checking."),
    ("Voice of the child", "Whether the child was seen, heard and their experience understood."),
    ("Escalation and challenge", "Disagreements raised and resolved between professionals and agencies."),
    ("Supervision", "Reflective and management supervision of practitioners' work."),
    ("Neglect", "Recognising and responding to persistent neglect."),
    ("Domestic abuse", "Children living with domestic abuse and the response to it."),
    ("Disguised compliance", "Families appearing to engage while little changes for the child."),
    ("Transitions", "Moves between services, schools, areas or into adulthood."),
    ("Thresholds", "Applying the levels of need, from early help to child protection."),
]


class Theme(TimeStamped):
    """A practice theme from the Partnership's controlled list. Learning points, recommendations,
    agency actions and audits carry one or more. A theme merged into another keeps its row (so old
    links still say where it went) but carries no tags and is no longer offered."""

    name = models.CharField(max_length=100)
    description = models.CharField(max_length=300, blank=True)
    is_active = models.BooleanField(default=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_from", editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    learning_points = models.ManyToManyField("reviews.LearningPoint", blank=True, related_name="themes")
    recommendations = models.ManyToManyField(
        "recommendations.Recommendation", blank=True, related_name="themes"
    )
    agency_actions = models.ManyToManyField("reviews.AgencyAction", blank=True, related_name="themes")
    audits = models.ManyToManyField("cases.Audit", blank=True, related_name="themes")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="theme_name_unique_ignoring_case"),
            models.CheckConstraint(
                name="merged_theme_is_inactive", condition=Q(merged_into__isnull=True) | Q(is_active=False)
            ),
        ]

    def __str__(self):
        return self.name


class ThemeEvent(models.Model):
    """One change to the list of themes: who, when, what. Append-only."""

    class Kind(models.TextChoices):
        CREATED = "created", "Added"
        RENAMED = "renamed", "Renamed"
        MERGED = "merged", "Merged"
        RETIRED = "retired", "Retired"
        RESTORED = "restored", "Offered again"

    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    detail = models.CharField(max_length=300, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} theme {self.theme_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The theme history is append-only.")
        super().save(*args, **kwargs)


class ProgrammeEntry(TimeStamped):
    """One planned audit in the Partnership's audit programme for a year: what, why, when, who, and how
    it is going. An audit can be opened from it; the entry then links to it."""

    class Reason(models.TextChoices):
        PRACTICE_REVIEW = "practice_review", "A practice review"
        INSPECTION = "inspection", "An inspection"
        PERFORMANCE_DATA = "performance_data", "Performance data"
        EARLIER_AUDIT = "earlier_audit", "An earlier audit"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        SLIPPED = "slipped", "Slipped"

    year = models.PositiveSmallIntegerField(help_text="The programme year, e.g. 2027.")
    title = models.CharField(max_length=250)
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="programme_entries")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    reason_detail = models.CharField("what prompted it", max_length=300, blank=True)
    quarter = models.PositiveSmallIntegerField(choices=[(q, f"Quarter {q}") for q in range(1, 5)])
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PLANNED)
    audit = models.OneToOneField(
        "cases.Audit", on_delete=models.SET_NULL, null=True, blank=True, related_name="programme_entry"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["year", "quarter", "title"]
        constraints = [
            models.CheckConstraint(
                name="programme_quarter_1_to_4", condition=Q(quarter__gte=1, quarter__lte=4)
            ),
            models.CheckConstraint(
                name="programme_year_sensible", condition=Q(year__gte=2000, year__lte=2100)
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.year} Q{self.quarter})"


class CaseSampling(TimeStamped):
    """How a case came to be in its audit's sample: the cohort it was drawn from and its threshold level."""

    class Threshold(models.TextChoices):
        UNIVERSAL = "universal", "Universal services"
        EARLY_HELP = "early_help", "Early help"
        CHILD_IN_NEED = "child_in_need", "Child in need"
        CHILD_PROTECTION = "child_protection", "Child protection"
        LOOKED_AFTER = "looked_after", "Looked after"

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="sampling")
    cohort = models.CharField(
        max_length=250,
        help_text="The group the case was drawn from, e.g. 'all strategy discussions in March'.",
    )
    threshold = models.CharField("threshold level", max_length=20, choices=Threshold.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    def __str__(self):
        return f"Sampling of case {self.case_id}"


class ReAudit(TimeStamped):
    """An audit that re-audits an earlier one: it reuses the earlier audit's tool (so the grades compare)
    and names the recommendations it re-tests."""

    audit = models.OneToOneField("cases.Audit", on_delete=models.CASCADE, related_name="reaudit")
    earlier = models.ForeignKey("cases.Audit", on_delete=models.PROTECT, related_name="reaudited_by")
    recommendations = models.ManyToManyField(
        "recommendations.Recommendation", blank=True, related_name="retested_by"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.CheckConstraint(name="reaudit_not_of_itself", condition=~Q(audit=models.F("earlier")))
        ]

    def __str__(self):
        return f"Audit {self.audit_id} re-audits {self.earlier_id}"


class RecommendationFollowUp(TimeStamped):
    """Did it stick? A recommendation's re-audit date and the audit that follows it up."""

    recommendation = models.OneToOneField(
        "recommendations.Recommendation", on_delete=models.CASCADE, related_name="follow_up"
    )
    reaudit_by = models.DateField("re-audit by", null=True, blank=True)
    audit = models.ForeignKey(
        "cases.Audit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follows_up",
        verbose_name="follow-up audit",
    )
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    def __str__(self):
        return f"Follow-up of recommendation {self.recommendation_id}"


class Briefing(TimeStamped):
    """The practitioner briefing of an audit (a '7-minute briefing'): short texts the Business Manager
    edits; 'what we found' and 'what needs to change' are drawn from the audit's learning points and
    recommendations when the briefing is built."""

    audit = models.OneToOneField("cases.Audit", on_delete=models.CASCADE, related_name="briefing")
    why_it_matters = models.TextField("Why it matters", blank=True)
    questions = models.TextField(
        "Questions for practitioners", blank=True, help_text="One question per line."
    )
    find_out_more = models.TextField("Find out more", blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    def __str__(self):
        return f"Briefing of audit {self.audit_id}"


class PublicationQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Published learning documents cannot be changed.")

    def delete(self):
        raise PermissionError("Published learning documents cannot be deleted.")


class Publication(models.Model):
    """A published version of a briefing (for an audit) or of the yearly report section (for a period):
    the exact PDF (and, for the yearly report, CSV) bytes, checked by the leak guard before it was
    kept. Never changed: a later publication is the next version."""

    class Kind(models.TextChoices):
        BRIEFING = "briefing", "7-minute briefing"
        YEARLY = "yearly", "Yearly report section"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    audit = models.ForeignKey(
        "cases.Audit", on_delete=models.PROTECT, null=True, blank=True, related_name="learning_publications"
    )
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    number = models.PositiveIntegerField()
    pdf = models.BinaryField(editable=False)
    csv = models.TextField(blank=True, editable=False)
    sha256 = models.CharField(max_length=64, editable=False)
    size = models.PositiveIntegerField(editable=False)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(auto_now_add=True)

    objects = PublicationQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "audit", "number"],
                condition=Q(kind="briefing"),
                name="briefing_version_unique",
            ),
            models.UniqueConstraint(
                fields=["kind", "period_start", "period_end", "number"],
                condition=Q(kind="yearly"),
                name="yearly_version_unique",
            ),
            models.CheckConstraint(
                name="publication_has_its_subject",
                condition=(
                    Q(kind="briefing", audit__isnull=False)
                    | Q(kind="yearly", period_start__isnull=False, period_end__isnull=False)
                ),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} version {self.number}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("Published learning documents cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Published learning documents cannot be deleted.")

    @property
    def filename(self):
        if self.kind == self.Kind.BRIEFING:
            return f"audit-{self.audit_id}-briefing-v{self.number}.pdf"
        return f"yearly-report-{self.period_start:%Y%m%d}-{self.period_end:%Y%m%d}-v{self.number}.pdf"
