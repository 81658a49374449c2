from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.models import TimeStamped


class Agency(TimeStamped):
    """A partner agency: a tenant. Its contributors see only its own returns and actions."""

    class Kind(models.TextChoices):
        CHILDRENS_SOCIAL_CARE = "childrens_social_care", "Children's social care"
        POLICE = "police", "Police"
        HEALTH_PROVIDER = "health_provider", "Health provider"
        HEALTH_COMMISSIONER = "health_commissioner", "Health commissioner"
        EDUCATION = "education", "Education"
        YOUTH_JUSTICE = "youth_justice", "Youth offending / justice"
        MENTAL_HEALTH = "mental_health", "Child & adolescent mental health"
        VOLUNTARY = "voluntary", "Voluntary sector"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    senior_manager_name = models.CharField(max_length=150, help_text="Invitations go out in their name.")
    senior_manager_email = models.EmailField()
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self):
        return self.name


class Audit(TimeStamped):
    """A multi-agency thematic case audit, from planning to closure."""

    class Status(models.TextChoices):
        PLANNING = "planning", "Planning"
        COLLECTING = "collecting", "Collecting returns"
        PANEL_REVIEW = "panel_review", "Panel review"
        REPORTING = "reporting", "Reporting"
        MONITORING = "monitoring", "Monitoring"
        CLOSED = "closed", "Closed"

    title = models.CharField(max_length=250)
    theme = models.CharField(max_length=250, help_text="e.g. Intra-familial child sexual abuse")
    purpose = models.TextField(
        help_text="One purpose per line; shown as the bullet list under 'What we did'."
    )
    period_start = models.DateField("period from")
    period_end = models.DateField("period to")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNING)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    panel = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="PanelMembership", related_name="panel_audits"
    )

    class Meta:
        ordering = ["-period_start", "title"]
        constraints = [
            models.CheckConstraint(
                name="audit_period_in_order", condition=Q(period_end__gte=models.F("period_start"))
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def purpose_items(self):
        return [line.strip(" •-*\t") for line in self.purpose.splitlines() if line.strip(" •-*\t")]


class PanelMembership(TimeStamped):
    """A panel member sitting on an audit's panel, with the role they sit in (reported by role only)."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="panel_memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="panel_memberships"
    )
    panel_role = models.CharField(max_length=250, help_text="e.g. Named Nurse for Safeguarding Children")
    is_chair = models.BooleanField(default=False)

    class Meta:
        ordering = ["-is_chair", "panel_role"]
        constraints = [models.UniqueConstraint(fields=["audit", "user"], name="one_membership_per_audit")]

    def __str__(self):
        return f"{self.panel_role} ({self.audit})"


_UNITS = [
    "",
    "One",
    "Two",
    "Three",
    "Four",
    "Five",
    "Six",
    "Seven",
    "Eight",
    "Nine",
    "Ten",
    "Eleven",
    "Twelve",
    "Thirteen",
    "Fourteen",
    "Fifteen",
    "Sixteen",
    "Seventeen",
    "Eighteen",
    "Nineteen",
]
_TENS = ["", "", "Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty", "Ninety"]


def number_in_words(n: int) -> str:
    """1 -> 'One', 42 -> 'Forty-Two', 105 -> 'One Hundred and Five' (pseudonyms as the seed writes them)."""
    if not 0 < n < 1000:
        raise ValueError("Case numbers run from 1 to 999.")
    hundreds, rest = divmod(n, 100)
    words = f"{_UNITS[hundreds]} Hundred" if hundreds else ""
    if rest:
        part = (
            _UNITS[rest] if rest < 20 else _TENS[rest // 10] + (f"-{_UNITS[rest % 10]}" if rest % 10 else "")
        )
        words = f"{words} and {part}" if words else part
    return words


class Case(TimeStamped):
    """A child's case in an audit, known everywhere by its pseudonym ("Case One")."""

    class SelectionBasis(models.TextChoices):
        SECTION_47 = "section_47", "Section 47 enquiry"
        CP_CONFERENCE = "cp_conference", "Child Protection Conference"

    class ChildStatus(models.TextChoices):
        CP_PLAN = "cp_plan", "Child protection plan"
        LOOKED_AFTER = "looked_after", "Looked after"
        CHILD_IN_NEED = "child_in_need", "Child in need"
        CLOSED = "closed", "Closed"

    class Method(models.TextChoices):
        PAPER = "paper", "Paper audit"
        MEETING = "meeting", "Reflective practice meeting"

    audit = models.ForeignKey(Audit, on_delete=models.PROTECT, related_name="cases")
    number = models.PositiveSmallIntegerField(editable=False)
    pseudonym = models.CharField(max_length=50, editable=False)
    selection_basis = models.CharField(max_length=20, choices=SelectionBasis.choices)
    child_status = models.CharField("child's current status", max_length=20, choices=ChildStatus.choices)
    method = models.CharField("audit method", max_length=10, choices=Method.choices)
    summary = models.TextField(
        blank=True,
        help_text="A short anonymised summary for the panel. No names, addresses or dates of birth.",
    )
    agencies = models.ManyToManyField(
        Agency, related_name="cases", blank=True, verbose_name="agencies known to have worked with the child"
    )
    pack_circulated_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["audit", "number"]
        constraints = [
            models.UniqueConstraint(fields=["audit", "number"], name="case_number_unique_in_audit"),
            models.UniqueConstraint(fields=["audit", "pseudonym"], name="case_pseudonym_unique_in_audit"),
        ]

    def __str__(self):
        return self.pseudonym


class IdentifyingTerm(TimeStamped):
    """A name, address, school or date that identifies the child or family. Seen by the Business
    Manager and the audit's panel; an entry marked to share is also shown to contributors of the agencies
    asked about the case, on the return page. The report's leak guard blocks publication if one appears."""

    class Kind(models.TextChoices):
        CHILD_NAME = "child_name", "Child's name"
        FAMILY_MEMBER = "family_member", "Family member's name"
        ADDRESS = "address", "Address"
        SCHOOL = "school", "School"
        DATE_OF_BIRTH = "date_of_birth", "Date of birth"
        PRACTITIONER = "practitioner", "Practitioner's name"
        OTHER = "other", "Other"

    # Shared by default: what an agency needs to find its own records of the child.
    SHARED_BY_DEFAULT = (Kind.CHILD_NAME, Kind.DATE_OF_BIRTH, Kind.ADDRESS)

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="identifying_terms")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    value = models.CharField(max_length=250)
    share_with_agencies = models.BooleanField(
        "share with contributing agencies",
        default=False,
        help_text="Shown to contributors of the agencies asked for a return on this case, on the return "
        "page only (never in e-mails, exports or PDFs), so they can find their records.",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["kind", "value"]
        constraints = [
            models.UniqueConstraint(fields=["case", "kind", "value"], name="identifying_term_unique")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} (case {self.case_id})"


class AgencyReturn(TimeStamped):
    """One agency's return for one case. The template follows the case's audit method."""

    class Template(models.TextChoices):
        KEY_EVENTS_ANALYSIS = "key_events_analysis", "Key events & analysis"
        KEY_EVENTS_CHRONOLOGY = "key_events_chronology", "Key events & chronology"

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        RETURNED = "returned", "Returned for changes"
        ACCEPTED = "accepted", "Accepted"

    OPEN_STATUSES = (Status.REQUESTED, Status.DRAFT, Status.RETURNED)

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="returns")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="returns")
    template = models.CharField(max_length=30, choices=Template.choices, editable=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REQUESTED)
    due_date = models.DateField()
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Both templates
    involvement = models.TextField("description of involvement", blank=True)
    # Key events & analysis (paper audit)
    engagement_evaluation = models.TextField("evaluation of engagement with the child and family", blank=True)
    # Key events & chronology (reflective practice meeting)
    policy_analysis = models.TextField("analysis of policy and procedures", blank=True)
    practice_analysis = models.TextField("analysis of professional practice", blank=True)
    lessons_learnt = models.TextField("lessons learnt so far", blank=True)

    review_comment = models.TextField(blank=True, help_text="Why the return was sent back for changes.")
    entered_on_behalf = models.BooleanField(default=False, help_text="Completed by the Business Manager.")
    submitted_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    # Optimistic lock: a save must name the version it started from.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["case", "agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["case", "agency"], name="one_return_per_agency_per_case")
        ]

    def __str__(self):
        return f"{self.agency} return for {self.case}"

    @property
    def is_overdue(self):
        return self.status in self.OPEN_STATUSES and self.due_date < timezone.localdate()

    @property
    def days_overdue(self):
        """How many days an open return is past its due date (0 when it is not overdue)."""
        return (timezone.localdate() - self.due_date).days if self.is_overdue else 0

    @property
    def days_late(self):
        """How many days after its due date a submitted or accepted return was submitted (0 if on time)."""
        if self.status in self.OPEN_STATUSES or self.submitted_at is None:
            return 0
        return max(0, (timezone.localdate(self.submitted_at) - self.due_date).days)


class ChronologyEntry(TimeStamped):
    """One key event in an agency's chronology. People are described by role, never by name."""

    class Precision(models.TextChoices):
        DAY = "day", "Exact day"
        MONTH = "month", "Month only"
        APPROXIMATE = "approximate", "Approximate"

    agency_return = models.ForeignKey(AgencyReturn, on_delete=models.CASCADE, related_name="entries")
    position = models.PositiveIntegerField(default=0)
    date = models.DateField()
    date_precision = models.CharField(max_length=12, choices=Precision.choices, default=Precision.DAY)
    time = models.TimeField(null=True, blank=True)
    what_happened = models.TextField()
    who_involved = models.CharField("who was involved (by role)", max_length=250, blank=True)
    source = models.CharField("source document", max_length=250, blank=True)
    significance = models.TextField(blank=True)
    is_key_event = models.BooleanField("key event", default=False)

    class Meta:
        ordering = ["agency_return", "position", "date"]
        verbose_name_plural = "chronology entries"
        indexes = [models.Index(fields=["agency_return", "date"])]

    def __str__(self):
        return f"{self.date:%d/%m/%Y} entry (return {self.agency_return_id})"

    @property
    def display_date(self):
        if self.date_precision == self.Precision.MONTH:
            return self.date.strftime("%B %Y")
        text = f"{self.date.day} {self.date:%B %Y}"
        return f"c. {text}" if self.date_precision == self.Precision.APPROXIMATE else text


class ReturnTransition(TimeStamped):
    """One step in a return's life (requested, draft, submitted, returned, accepted): who and when."""

    agency_return = models.ForeignKey(AgencyReturn, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=AgencyReturn.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=AgencyReturn.Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    comment = models.TextField(blank=True)
    on_behalf = models.BooleanField(default=False, help_text="Done by the Business Manager for the agency.")

    class Meta:
        ordering = ["agency_return", "at", "pk"]

    def __str__(self):
        return f"{self.from_status or 'new'} -> {self.to_status} (return {self.agency_return_id})"
