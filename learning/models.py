"""Learning across audits: the controlled list of themes and their tags, the audit programme,
follow-ups and re-audits, and the briefings and yearly reports published from them.

The tags are kept here (many-to-many tables owned by this app) so that the findings and the
recommendations do not depend on the layer above them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from cases.models import TimeStamped

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
