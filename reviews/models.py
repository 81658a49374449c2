from django.conf import settings
from django.db import models

from cases.models import Agency, Case
from core.models import TimeStamped


class CaseNote(TimeStamped):
    """A note between panel members about a case. Never published."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"Note {self.pk} on case {self.case_id}"


class CaseNoteRevision(TimeStamped):
    """The text a note had before one edit by its author: the note's edit history."""

    note = models.ForeignKey(CaseNote, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField("text before the edit")
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["note", "created_at", "pk"]

    def __str__(self):
        return f"Revision {self.pk} of note {self.note_id}"


class ReflectivePracticeMeeting(TimeStamped):
    """A meeting where the practitioners who knew the child best reflect with the panel."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="meetings")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    venue = models.CharField(max_length=250)
    terms_of_reference = models.TextField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    # The calendar file's SEQUENCE (core.calendar): raised each time the time or place changes, so a
    # calendar program replaces the event it holds instead of keeping the old one.
    sequence = models.PositiveIntegerField(default=0)
    panel_attending = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Meetings are not in the change history: who last changed the details is kept here.
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["starts_at"]

    def __str__(self):
        return f"Reflective practice meeting for {self.case}"


class Invitation(TimeStamped):
    """A practitioner invited to a meeting, sent in the name of their agency's senior manager."""

    class Response(models.TextChoices):
        PENDING = "pending", "No response yet"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"

    class Attendance(models.TextChoices):
        UNKNOWN = "unknown", "Not recorded"
        ATTENDED = "attended", "Attended"
        APOLOGIES = "apologies", "Sent apologies"
        DID_NOT_ATTEND = "did_not_attend", "Did not attend"

    meeting = models.ForeignKey(
        ReflectivePracticeMeeting, on_delete=models.CASCADE, related_name="invitations"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=150)
    role = models.CharField(max_length=150)
    email = models.EmailField()
    sent_at = models.DateTimeField(null=True, blank=True)
    response = models.CharField(max_length=10, choices=Response.choices, default=Response.PENDING)
    response_reason = models.TextField(blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    attendance = models.CharField(max_length=16, choices=Attendance.choices, default=Attendance.UNKNOWN)
    attendance_reason = models.TextField(blank=True)
    # Invitations are not in the change history: who added, last corrected, sent and took attendance.
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    attendance_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Part of the personal link: raised when the invitation is re-sent or its address corrected, so
    # every earlier link stops working (it answers "replaced") and only the newest e-mail's link works.
    link_version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["agency__name", "name"]
        constraints = [models.UniqueConstraint(fields=["meeting", "email"], name="one_invitation_per_email")]

    def __str__(self):
        return f"Invitation {self.pk} to meeting {self.meeting_id}"


class LearningPoint(TimeStamped):
    """A numbered learning point of a case (i, ii, iii… in the report)."""

    class Kind(models.TextChoices):
        GOOD_PRACTICE = "good_practice", "Good practice"
        AREA_FOR_DEVELOPMENT = "area_for_development", "Area for development"
        LEARNING = "learning", "Learning"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="learning_points")
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=24, choices=Kind.choices)
    text = models.TextField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["case", "position", "pk"]

    def __str__(self):
        return f"Learning point {self.position} of case {self.case_id}"


class SafeguardingConcern(TimeStamped):
    """An immediate safeguarding concern about a child in an audited case, raised by a panel member or
    an agency contributor for one agency to act on now. Access-logged, in history, never published."""

    class Urgency(models.TextChoices):
        IMMEDIATE = "immediate", "Immediate: act today"
        WITHIN_24_HOURS = "24_hours", "Within 24 hours"
        WITHIN_3_DAYS = "3_days", "Within 3 working days"

    class Status(models.TextChoices):
        OPEN = "open", "Open: not yet acknowledged"
        ACKNOWLEDGED = "acknowledged", "Acknowledged by the agency"
        RESOLVED = "resolved", "Resolved"

    UNRESOLVED = (Status.OPEN, Status.ACKNOWLEDGED)

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="concerns")
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="concerns", verbose_name="agency that must act"
    )
    description = models.TextField("what the concern is")
    urgency = models.CharField(max_length=12, choices=Urgency.choices, default=Urgency.IMMEDIATE)
    status = models.CharField(max_length=14, choices=Status.choices, default=Status.OPEN)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField()
    acknowledged_on = models.DateField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action_taken = models.TextField("what the agency did", blank=True)
    action_taken_on = models.DateField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-raised_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="concern_acknowledged_has_date",
                condition=models.Q(status="open") | models.Q(acknowledged_on__isnull=False),
            ),
        ]

    def __str__(self):
        return f"Safeguarding concern {self.pk} (case {self.case_id})"


class CaseAssurance(TimeStamped):
    """The panel's assurance: whether any child was left unsafe or at risk of continued harm."""

    class Finding(models.TextChoices):
        NO_CHILD_UNSAFE = "no_child_unsafe", "No child was left unsafe or at risk of continued harm"
        CHILD_UNSAFE = "child_unsafe", "A child was left unsafe or at risk of continued harm"
        NOT_DETERMINED = "not_determined", "Not yet determined"

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="assurance")
    finding = models.CharField(max_length=20, choices=Finding.choices, default=Finding.NOT_DETERMINED)
    statement = models.TextField(blank=True)
    concern = models.ForeignKey(
        SafeguardingConcern,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assurances",
        verbose_name="immediate safeguarding concern raised",
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="child_unsafe_assurance_names_a_concern",
                condition=~models.Q(finding="child_unsafe") | models.Q(concern__isnull=False),
                violation_error_message="A child left unsafe must be referred back at once: raise an "
                "immediate safeguarding concern and link it here.",
            )
        ]

    def __str__(self):
        return f"Assurance for case {self.case_id}"


class AgencyAction(TimeStamped):
    """A confidential action for one agency, monitored by the audit group and never published."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        RESPONDED = "responded", "Response received"
        COMPLETED = "completed", "Completed"
        CLOSED = "closed", "Closed"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="agency_actions")
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="actions")
    description = models.TextField("what is to be done")
    due_date = models.DateField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    agency_response = models.TextField(blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["due_date", "pk"]

    def __str__(self):
        return f"Action {self.pk} for {self.owner_agency}"


class CasePackBuild(models.Model):
    """One rendering of a case pack for one reader (their name is on every page), kept while the case's
    records are unchanged: `version` fingerprints what the pack shows, so the same reader downloading
    again gets the stored PDF, and a change to any return or chronology makes a new one. Rendered by a
    Celery task with a time limit (reviews.tasks), never in the request."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Preparing"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="pack_builds")
    reader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    version = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    stage = models.CharField(max_length=100, blank=True)
    error = models.TextField(blank=True)
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "reader", "version"], name="one_pack_per_reader_and_version"
            )
        ]

    def __str__(self):
        return f"Case pack of case {self.case_id} for user {self.reader_id} ({self.status})"

    @property
    def is_finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED)


class CaseReviewMark(TimeStamped):
    """A panel member saying they have read a circulated case. The case waits on their home page
    ("Needs your attention") until they mark it, and again if the pack is circulated anew after."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="review_marks")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reviewed_at = models.DateTimeField()

    class Meta:
        ordering = ["case", "reviewer"]
        constraints = [
            models.UniqueConstraint(fields=["case", "reviewer"], name="one_review_mark_per_reviewer")
        ]

    def __str__(self):
        return f"Case {self.case_id} reviewed by user {self.reviewer_id}"
