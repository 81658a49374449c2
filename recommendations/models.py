import string

from django.conf import settings
from django.db import models
from django.db.models import Q

from cases.models import Agency, Audit, TimeStamped


class BoardMeeting(TimeStamped):
    """A meeting of the Board, so that a deadline can be 'the January 2018 Board meeting'."""

    date = models.DateField(unique=True)
    title = models.CharField(max_length=200)

    class Meta:
        ordering = ["date"]

    def __str__(self):
        return f"{self.title} ({self.date:%d/%m/%Y})"


class Recommendation(TimeStamped):
    """A lettered recommendation to the Board (a, b, c…), owned by one or more agencies."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        RESPONSE_RECEIVED = "response_received", "Response received"
        ASSURED = "assured", "Assured"
        CLOSED = "closed", "Closed"

    audit = models.ForeignKey(Audit, on_delete=models.PROTECT, related_name="recommendations")
    position = models.PositiveIntegerField(default=0)
    text = models.TextField()
    owners = models.ManyToManyField(Agency, related_name="recommendations", verbose_name="owner agencies")
    deadline_date = models.DateField(null=True, blank=True)
    deadline_meeting = models.ForeignKey(
        BoardMeeting, on_delete=models.PROTECT, null=True, blank=True, related_name="recommendations_due"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    status_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["audit", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                name="recommendation_has_one_deadline",
                condition=(
                    Q(deadline_date__isnull=False, deadline_meeting__isnull=True)
                    | Q(deadline_date__isnull=True, deadline_meeting__isnull=False)
                ),
                violation_error_message="Give either a deadline date or a Board meeting, not both.",
            ),
        ]

    def __str__(self):
        return f"Recommendation {self.pk}"

    @property
    def letter(self):
        """Positions run 1, 2, 3… within an audit (kept contiguous by the services): a, b, c…"""
        return letter_for(max(self.position, 1) - 1)

    @property
    def deadline(self):
        """The deadline as a date, whether it was given as a date or a Board meeting."""
        return self.deadline_meeting.date if self.deadline_meeting_id else self.deadline_date


def letter_for(index: int) -> str:
    """0 -> 'a', 25 -> 'z', 26 -> 'aa'."""
    letters = string.ascii_lowercase
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = letters[rem] + out
    return out


class RecommendationResponse(TimeStamped):
    """An owner agency's progress update or final response to a recommendation."""

    recommendation = models.ForeignKey(Recommendation, on_delete=models.PROTECT, related_name="responses")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    is_final = models.BooleanField("final response", default=False)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"Response {self.pk} to recommendation {self.recommendation_id}"
