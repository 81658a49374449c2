"""Audit tools: versioned, ordered sections of questions; the answers agencies give on their returns;
the panel's moderation of the grades; and the chair's overall judgement per case."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from cases.models import AgencyReturn, Audit, Case
from core.models import TimeStamped


class Grade(models.TextChoices):
    """The four-point scale inspectors use, best first."""

    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
    INADEQUATE = "inadequate", "Inadequate"


# Colour and words together, never colour alone (CSS classes in static/css, text always shown).
GRADE_CSS = {
    Grade.OUTSTANDING: "grade-outstanding",
    Grade.GOOD: "grade-good",
    Grade.REQUIRES_IMPROVEMENT: "grade-requires-improvement",
    Grade.INADEQUATE: "grade-inadequate",
}
GOOD_OR_BETTER = (Grade.OUTSTANDING, Grade.GOOD)


class YesNoNA(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_APPLICABLE = "na", "Not applicable"


class Tool(TimeStamped):
    """An audit tool. Library tools ship with the system and are copied, never edited."""

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    is_library = models.BooleanField(default=False, editable=False)
    library_key = models.SlugField(max_length=60, blank=True, editable=False)
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Tools are not in the change history: who last changed the tool, its sections or its questions.
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-is_library", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["library_key"], condition=~Q(library_key=""), name="one_library_tool_per_key"
            )
        ]

    def __str__(self):
        return self.name

    @property
    def latest_version(self):
        return self.versions.order_by("-number").first()


class ToolVersion(TimeStamped):
    """One version of a tool. Frozen when an audit using it requests its first return: from then on
    an edit of the tool makes the next version, and the audit keeps this one."""

    tool = models.ForeignKey(Tool, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(default=1)
    frozen_at = models.DateTimeField(null=True, blank=True)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["tool", "-number"]
        constraints = [models.UniqueConstraint(fields=["tool", "number"], name="tool_version_number_unique")]

    def __str__(self):
        return f"{self.tool.name}, version {self.number}"

    @property
    def is_frozen(self):
        return self.frozen_at is not None


class ToolSection(TimeStamped):
    """An ordered section (a domain) of a tool version; it may end with good practice / areas for
    development boxes."""

    version = models.ForeignKey(ToolVersion, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=200)
    guidance = models.TextField(blank=True)
    practice_boxes = models.BooleanField(
        "ends with good practice / areas for development boxes", default=False
    )

    class Meta:
        ordering = ["version", "position", "pk"]

    def __str__(self):
        return self.title


class ToolQuestion(TimeStamped):
    """One question. `return_field` binds a question to a text of the return itself (the two
    original templates): it is answered in the return's main form, not among the tool's questions."""

    class AnswerType(models.TextChoices):
        TEXT = "text", "Free text"
        YES_NO_NA = "yes_no_na", "Yes / no / not applicable"
        GRADE = "grade", "Grade (Outstanding, Good, Requires improvement, Inadequate)"
        DATE = "date", "Date"
        CHOICE = "choice", "Choice from a list"

    class ReturnField(models.TextChoices):
        INVOLVEMENT = "involvement", "Description of involvement"
        ENGAGEMENT = "engagement_evaluation", "Evaluation of engagement with the child and family"
        POLICY = "policy_analysis", "Analysis of policy and procedures"
        PRACTICE = "practice_analysis", "Analysis of professional practice"
        LESSONS = "lessons_learnt", "Lessons learnt so far"

    section = models.ForeignKey(ToolSection, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField(default=0)
    text = models.CharField("question", max_length=500)
    help_text = models.CharField("hint", max_length=500, blank=True)
    answer_type = models.CharField(max_length=12, choices=AnswerType.choices, default=AnswerType.TEXT)
    required = models.BooleanField("an answer is required to submit", default=False)
    max_length = models.PositiveIntegerField(
        "longest answer (characters)", null=True, blank=True, help_text="Free text only."
    )
    choices = models.JSONField(default=list, blank=True, help_text="Choice lists only: the options.")
    return_field = models.CharField(max_length=30, choices=ReturnField.choices, blank=True, editable=False)

    class Meta:
        ordering = ["section", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                name="tool_question_max_length_positive",
                condition=Q(max_length__isnull=True) | Q(max_length__gt=0),
            )
        ]

    def __str__(self):
        return self.text

    @property
    def option_choices(self):
        """(value, label) pairs for the answer types that offer a fixed set."""
        if self.answer_type == self.AnswerType.GRADE:
            return list(Grade.choices)
        if self.answer_type == self.AnswerType.YES_NO_NA:
            return list(YesNoNA.choices)
        if self.answer_type == self.AnswerType.CHOICE:
            return [(c, c) for c in self.choices]
        return []


class AuditTool(TimeStamped):
    """The tool version an audit uses. Chosen by the Business Manager; fixed once its version is
    frozen (the audit's first return request)."""

    audit = models.OneToOneField(Audit, on_delete=models.CASCADE, related_name="tool")
    version = models.ForeignKey(ToolVersion, on_delete=models.PROTECT, related_name="audits")
    chosen_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    grades_annex = models.BooleanField(
        "print an annex of aggregate grade counts in the published report", default=False
    )

    def __str__(self):
        return f"{self.version} for audit {self.audit_id}"


class ReturnAnswer(TimeStamped):
    """An agency's answer to one tool question on its return. Grades, yes/no and choices are stored
    as their value; dates in `date`."""

    agency_return = models.ForeignKey(AgencyReturn, on_delete=models.CASCADE, related_name="tool_answers")
    question = models.ForeignKey(ToolQuestion, on_delete=models.PROTECT, related_name="answers")
    value = models.TextField(blank=True)
    date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["agency_return", "question__section__position", "question__position"]
        constraints = [
            models.UniqueConstraint(fields=["agency_return", "question"], name="one_answer_per_question")
        ]

    def __str__(self):
        return f"Answer to question {self.question_id} (return {self.agency_return_id})"

    @property
    def is_blank(self):
        return not (self.value.strip() or self.date)


class SectionReflection(TimeStamped):
    """The good practice / areas for development boxes at the end of a section, per return."""

    agency_return = models.ForeignKey(AgencyReturn, on_delete=models.CASCADE, related_name="tool_reflections")
    section = models.ForeignKey(ToolSection, on_delete=models.PROTECT, related_name="reflections")
    good_practice = models.TextField(blank=True)
    areas_for_development = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency_return", "section"], name="one_reflection_per_section")
        ]

    def __str__(self):
        return f"Reflection on section {self.section_id} (return {self.agency_return_id})"


class ModeratedGrade(TimeStamped):
    """The panel's grade for one self-graded answer. A grade that differs from the agency's own needs
    a reason (the database refuses it without one)."""

    answer = models.OneToOneField(ReturnAnswer, on_delete=models.CASCADE, related_name="moderation")
    self_grade = models.CharField(max_length=24, choices=Grade.choices, blank=True)
    grade = models.CharField(max_length=24, choices=Grade.choices)
    reason = models.TextField(blank=True)
    moderated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="moderated_grade_change_has_reason",
                condition=Q(grade=F("self_grade")) | ~Q(reason=""),
                violation_error_message="Give the reason the panel's grade differs from the agency's.",
            )
        ]

    def __str__(self):
        return f"Moderated grade for answer {self.answer_id}"

    @property
    def agrees(self):
        return self.grade == self.self_grade


class CaseJudgement(TimeStamped):
    """The chair's overall judgement for a case, on the same four-point scale."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="judgement")
    grade = models.CharField(max_length=24, choices=Grade.choices)
    summary = models.TextField("why", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    def __str__(self):
        return f"Overall judgement for case {self.case_id}"
