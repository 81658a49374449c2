import datetime
import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cases.models import Audit, Case, IdentifyingTerm
from core import leakguard
from core.models import TimeStamped


class AuditReport(TimeStamped):
    """The framing text of an audit's report, written by the Business Manager. A blank field means
    'use the default drawn from the audit's records' (see reports.content.framing_defaults)."""

    audit = models.OneToOneField(Audit, on_delete=models.CASCADE, related_name="report")
    what_we_did = models.TextField("What we did", blank=True)
    how_we_did_this = models.TextField("How we did this", blank=True)
    assurance = models.TextField("Assurance paragraph", blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    def __str__(self):
        return f"Report framing for audit {self.audit_id}"


class ReportBuild(TimeStamped):
    """One rendering of an audit's report: a draft, checked by the leak guard, which the Business
    Manager may publish as a ReportVersion. Drafts are seen only by the Business Manager and panel."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Building"
        DONE = "done", "Built"
        FAILED = "failed", "Failed"

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="report_builds")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    stage = models.CharField(max_length=100, blank=True)
    error = models.TextField(blank=True)
    build_date = models.DateField(help_text="The date the report and its tracker annex are dated.")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    sha256 = models.CharField(max_length=64, blank=True)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    inputs_sha256 = models.CharField(
        max_length=64,
        blank=True,
        help_text="Digest of everything the build read (the report's text and the register): a draft "
        "whose inputs have changed since is out of date.",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Report build {self.pk} of audit {self.audit_id}"

    @property
    def is_finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def is_stalled(self):
        """Running well after the task's hard time limit (a worker killed or lost it): the page stops
        polling and offers a new build (the sweep marks it failed). A queued build is not stalled: it
        waits for the worker, and the sweep hands it over when the broker is back."""
        limit = datetime.timedelta(seconds=settings.REPORT_BUILD_TIME_LIMIT + 120)
        started = self.started_at or self.created_at
        return self.status == self.Status.RUNNING and timezone.now() - started > limit


class LeakHit(TimeStamped):
    """Something identifying the leak guard found in a build. Unresolved hits block publication."""

    class Kind(models.TextChoices):
        REGISTER = leakguard.KIND_REGISTER, "Identifying-terms register"
        PATTERN = leakguard.KIND_PATTERN, "Pattern"
        NAME = leakguard.KIND_NAME, "Possible name"

    build = models.ForeignKey(ReportBuild, on_delete=models.CASCADE, related_name="hits")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    rule = models.CharField(max_length=30, help_text="The register term's kind or the pattern's name.")
    matched = models.CharField(
        max_length=250, help_text="The text found: shown to the Business Manager only."
    )
    context = models.TextField(blank=True, help_text="The words around it: Business Manager only.")
    section = models.CharField(max_length=100)
    label = models.CharField(max_length=200, help_text="Where in the section, e.g. 'Learning point ii'.")
    case = models.ForeignKey(Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    object_type = models.CharField(max_length=30, blank=True)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    term_case = models.ForeignKey(Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    page = models.PositiveIntegerField(null=True, blank=True, help_text="The PDF page it is printed on.")
    signature = models.CharField(
        max_length=64, blank=True, help_text="Rule, text and place: an override carries over to a rebuild."
    )
    override_reason = models.TextField(blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    overridden_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["build", "pk"]
        constraints = [
            # The database refuses an override of a register hit, whatever path the write takes.
            models.CheckConstraint(
                name="leak_hit_override_never_for_register",
                condition=Q(overridden_at__isnull=True) | ~Q(kind=leakguard.KIND_REGISTER),
            ),
        ]

    def __str__(self):
        return f"Leak guard hit {self.pk} in build {self.build_id}"

    @property
    def is_overridden(self):
        return self.overridden_at is not None

    @property
    def can_override(self):
        return self.kind != self.Kind.REGISTER and not self.is_overridden

    @property
    def rule_display(self):
        if self.kind != self.Kind.REGISTER:
            return leakguard.PATTERN_LABELS.get(self.rule, self.rule)
        return "Registered: " + dict(IdentifyingTerm.Kind.choices).get(self.rule, self.rule).lower()


class ReportVersionQuerySet(models.QuerySet):
    """Published versions are immutable: no bulk update or delete path."""

    def update(self, **kwargs):
        raise PermissionError("Published report versions cannot be changed.")

    def bulk_update(self, *args, **kwargs):
        raise PermissionError("Published report versions cannot be changed.")

    def delete(self):
        raise PermissionError("Published report versions cannot be deleted.")


class ReportVersion(models.Model):
    """A published version of an audit's report: the exact bytes the Board downloads, with their
    SHA-256. Never changed: a later publication is a new version with the next number."""

    audit = models.ForeignKey(Audit, on_delete=models.PROTECT, related_name="report_versions")
    number = models.PositiveIntegerField(editable=False)
    build = models.OneToOneField(
        ReportBuild, on_delete=models.PROTECT, related_name="version", editable=False
    )
    pdf = models.BinaryField(editable=False)
    sha256 = models.CharField(max_length=64, editable=False)
    size = models.PositiveIntegerField(editable=False)
    build_date = models.DateField(editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    published_at = models.DateTimeField(auto_now_add=True)

    objects = ReportVersionQuerySet.as_manager()

    class Meta:
        ordering = ["audit", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["audit", "number"], name="report_version_number_unique"),
            models.CheckConstraint(name="report_version_number_positive", condition=Q(number__gte=1)),
        ]

    def __str__(self):
        return f"Version {self.number} of the report of audit {self.audit_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("Published report versions cannot be changed.")
        pdf = bytes(self.pdf)
        if self.sha256 != hashlib.sha256(pdf).hexdigest() or self.size != len(pdf):
            raise ValueError("The checksum and size must be those of the file.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Published report versions cannot be deleted.")

    @property
    def filename(self):
        return f"audit-{self.audit_id}-report-v{self.number}.pdf"

    def checksum_matches(self):
        return hashlib.sha256(bytes(self.pdf)).hexdigest() == self.sha256
