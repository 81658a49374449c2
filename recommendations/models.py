import string
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from cases.models import Agency, Audit
from core.models import TimeStamped


class BoardMeeting(TimeStamped):
    """A meeting of the Board, so that a deadline can be 'the January 2018 Board meeting'."""

    date = models.DateField(unique=True)
    title = models.CharField(max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["date"]

    def __str__(self):
        return f"{self.date.day} {self.date:%B %Y} ({self.title})"


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

    @property
    def deadline_display(self):
        """'31 January 2027' or '31 January 2027 (January Board meeting)'."""
        deadline = self.deadline
        if deadline is None:
            return ""
        text = f"{deadline.day} {deadline:%B %Y}"
        return f"{text} ({self.deadline_meeting.title})" if self.deadline_meeting_id else text


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


class RecommendationComment(TimeStamped):
    """A note from the Business Manager or a panel member of the audit. Internal: never shown to
    agencies or the Board."""

    recommendation = models.ForeignKey(Recommendation, on_delete=models.PROTECT, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField("comment")

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Comment {self.pk} on recommendation {self.recommendation_id}"


def evidence_upload_to(instance, filename):
    """Server-chosen names: the uploader's file name is kept only as a label in the database."""

    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"evidence/{uuid.uuid4().hex}.{extension}"


class EvidenceFile(TimeStamped):
    """A file attached to a response, kept in private storage and served only through a view that
    checks who is asking."""

    response = models.ForeignKey(RecommendationResponse, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(upload_to=evidence_upload_to, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Evidence {self.pk} for response {self.response_id}"


class RecommendationActivity(models.Model):
    """One change to a recommendation, with who made it and when (its activity, shown on its page).
    Append-only. Not to be confused with history.RecommendationEvent, the trigger-written change history."""

    class Kind(models.TextChoices):
        CREATED = "created", "Drafted"
        EDITED = "edited", "Edited"
        DEADLINE_CHANGED = "deadline_changed", "Deadline changed"
        MOVED = "moved", "Moved"
        COMMENTED = "commented", "Commented"
        PROGRESS_UPDATE = "progress_update", "Progress update posted"
        FINAL_RESPONSE = "final_response", "Final response posted"
        ASSURED = "assured", "Marked assured"
        MORE_REQUESTED = "more_requested", "More asked for"
        CLOSED = "closed", "Closed"

    recommendation = models.ForeignKey(Recommendation, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    from_status = models.CharField(max_length=20, choices=Recommendation.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Recommendation.Status.choices, blank=True)
    detail = models.TextField(blank=True, help_text="What changed, e.g. the old and new deadline.")
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} (recommendation {self.recommendation_id})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The recommendation history is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The recommendation history is append-only.")
