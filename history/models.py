"""Change history (django-pghistory event models) and retention (legal holds, purge records).

Every event model lives here, in the history app, so the tracked apps keep their migrations to
themselves. PostgreSQL triggers on the tracked tables (installed by django-pgtrigger after
`migrate`, see settings PGTRIGGER_INSTALL_ON_MIGRATE) write one event row per insert, update and
delete, so `.update()`, bulk writes and raw SQL are recorded too. The actor comes from the
pghistory context set by history.middleware.HistoryContextMiddleware.
"""

import pghistory
from django.conf import settings
from django.db import models

from accounts.models import User
from audittools.models import AuditTool, CaseJudgement, ModeratedGrade, ReturnAnswer, SectionReflection
from cases.models import AgencyReturn, Audit, Case, ChronologyEntry, IdentifyingTerm, PanelMembership
from recommendations.models import Recommendation, RecommendationResponse
from reviews.models import AgencyAction, CaseAssurance, LearningPoint, SafeguardingConcern


def _trackers():
    # Fresh instances for each model: a tracker narrows its condition to the model it is set up on.
    return (pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())


# Moves with every save; a change of it alone is not a change anyone needs to read about.
UNTRACKED_FIELDS = ["updated_at"]


def _event_model(tracked, name, **which_fields):
    return pghistory.create_event_model(
        tracked,
        *_trackers(),
        **(which_fields or {"exclude": UNTRACKED_FIELDS}),
        # Unconstrained and without a reverse accessor: history outlives the row it describes.
        obj_field=pghistory.ObjForeignKey(related_name="+"),
        app_label="history",
        model_name=name,
        abstract=False,
        meta={"verbose_name": f"{tracked._meta.verbose_name} change"},
    )


AuditEvent = _event_model(Audit, "AuditEvent")
CaseEvent = _event_model(Case, "CaseEvent")
IdentifyingTermEvent = _event_model(IdentifyingTerm, "IdentifyingTermEvent")
AgencyReturnEvent = _event_model(AgencyReturn, "AgencyReturnEvent")
ChronologyEntryEvent = _event_model(ChronologyEntry, "ChronologyEntryEvent")
LearningPointEvent = _event_model(LearningPoint, "LearningPointEvent")
CaseAssuranceEvent = _event_model(CaseAssurance, "CaseAssuranceEvent")
AgencyActionEvent = _event_model(AgencyAction, "AgencyActionEvent")
RecommendationEvent = _event_model(Recommendation, "RecommendationEvent")
RecommendationResponseEvent = _event_model(RecommendationResponse, "RecommendationResponseEvent")
# Who may see case data: panel seats and each account's role, agency and standing. Never the password
# hash or the last log-in time (which changes with every log-in and says nothing about access).
PanelMembershipEvent = _event_model(PanelMembership, "PanelMembershipEvent")
UserEvent = _event_model(
    User,
    "UserEvent",
    fields=["email", "full_name", "job_title", "role", "agency", "is_active", "is_staff", "is_superuser"],
)
AuditToolEvent = _event_model(AuditTool, "AuditToolEvent")
ReturnAnswerEvent = _event_model(ReturnAnswer, "ReturnAnswerEvent")
SectionReflectionEvent = _event_model(SectionReflection, "SectionReflectionEvent")
ModeratedGradeEvent = _event_model(ModeratedGrade, "ModeratedGradeEvent")
CaseJudgementEvent = _event_model(CaseJudgement, "CaseJudgementEvent")
SafeguardingConcernEvent = _event_model(SafeguardingConcern, "SafeguardingConcernEvent")

# (app_label, model_name) of the tracked model -> its event model.
EVENT_MODELS = {
    (m.pgh_tracked_model._meta.app_label, m.pgh_tracked_model._meta.model_name): m
    for m in (
        AuditEvent,
        CaseEvent,
        IdentifyingTermEvent,
        AgencyReturnEvent,
        ChronologyEntryEvent,
        LearningPointEvent,
        CaseAssuranceEvent,
        AgencyActionEvent,
        RecommendationEvent,
        RecommendationResponseEvent,
        PanelMembershipEvent,
        UserEvent,
        AuditToolEvent,
        ReturnAnswerEvent,
        SectionReflectionEvent,
        ModeratedGradeEvent,
        CaseJudgementEvent,
        SafeguardingConcernEvent,
    )
}


class LegalHold(models.Model):
    """While an audit is under a legal hold (litigation, an inquiry, a request from the police), the
    retention purge leaves all its data alone."""

    audit = models.ForeignKey(Audit, on_delete=models.PROTECT, related_name="legal_holds")
    reason = models.TextField()
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    placed_at = models.DateTimeField(auto_now_add=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-placed_at"]

    def __str__(self):
        return f"Legal hold on audit {self.audit_id}"

    @property
    def is_active(self):
        return self.lifted_at is None


class PurgeRecord(models.Model):
    """What one retention purge removed from one audit, and under which rule. Kept for good."""

    class Outcome(models.TextChoices):
        PURGED = "purged", "Purged"
        BLOCKED = "blocked", "Blocked"

    audit = models.ForeignKey(Audit, on_delete=models.PROTECT, related_name="purge_records")
    category = models.CharField(max_length=40)
    retention_days = models.PositiveIntegerField()
    reason = models.TextField(help_text="The retention rule's reason, as configured when it ran.")
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.PURGED)
    counts = models.JSONField(default=dict, help_text="Rows removed, by model.")
    files_removed = models.PositiveIntegerField(default=0)
    detail = models.TextField(blank=True)
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ran_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-ran_at", "-pk"]

    def __str__(self):
        return f"{self.category} purge of audit {self.audit_id} ({self.outcome})"

    @property
    def category_label(self):
        return self.category.replace("_", " ")
