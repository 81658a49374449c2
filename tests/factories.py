"""factory_boy factories for the domain. Fictional data only."""

import datetime

import factory
from django.utils import timezone

from accounts.models import Role, User
from audittools.models import ReturnAnswer, ToolQuestion
from cases.models import (
    Agency,
    AgencyReturn,
    Audit,
    Case,
    ChronologyEntry,
    IdentifyingTerm,
    PanelMembership,
    number_in_words,
)
from recommendations.models import BoardMeeting, Recommendation, RecommendationResponse
from reviews.models import (
    AgencyAction,
    CaseAssurance,
    CaseNote,
    Invitation,
    LearningPoint,
    ReflectivePracticeMeeting,
    SafeguardingConcern,
)

PASSWORD = "correct-horse-battery-staple-42"


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Test Agency {n}")
    kind = Agency.Kind.CHILDRENS_SOCIAL_CARE
    senior_manager_name = factory.Sequence(lambda n: f"Senior Manager {n}")
    senior_manager_email = factory.Sequence(lambda n: f"senior{n}@agency.example")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@pscb.example")
    full_name = factory.Sequence(lambda n: f"Test User {n}")
    role = Role.BUSINESS_MANAGER

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        if kwargs.get("role") == Role.ADMINISTRATOR:
            kwargs.setdefault("is_staff", True)
        return super()._create(model_class, *args, **kwargs)


class AuditFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Audit

    title = factory.Sequence(lambda n: f"Thematic audit {n}")
    theme = "Intra-familial child sexual abuse"
    purpose = "Examine inter-agency working.\nIdentify effective practice."
    period_start = datetime.date(2026, 1, 1)
    period_end = datetime.date(2026, 6, 30)
    status = Audit.Status.COLLECTING
    created_by = factory.SubFactory(UserFactory, role=Role.BUSINESS_MANAGER)


class PanelMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PanelMembership

    audit = factory.SubFactory(AuditFactory)
    user = factory.SubFactory(UserFactory, role=Role.PANEL_MEMBER)
    panel_role = "Named Nurse for Safeguarding Children"


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    audit = factory.SubFactory(AuditFactory)
    # Case numbers run from 1 to 999 (the pseudonym spells them out); the sequence counts across the
    # whole test session, so it wraps rather than failing once a long run has made 999 cases.
    number = factory.Sequence(lambda n: n % 999 + 1)
    pseudonym = factory.LazyAttribute(lambda o: f"Case {number_in_words(o.number)}")
    selection_basis = Case.SelectionBasis.SECTION_47
    child_status = Case.ChildStatus.CLOSED
    method = Case.Method.PAPER


class IdentifyingTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IdentifyingTerm

    case = factory.SubFactory(CaseFactory)
    kind = IdentifyingTerm.Kind.CHILD_NAME
    value = factory.Sequence(lambda n: f"Zephyrine Quill{n}")
    created_by = factory.SubFactory(UserFactory, role=Role.BUSINESS_MANAGER)


class AgencyReturnFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgencyReturn

    case = factory.SubFactory(CaseFactory)
    agency = factory.SubFactory(AgencyFactory)
    template = factory.LazyAttribute(
        lambda o: (
            AgencyReturn.Template.KEY_EVENTS_ANALYSIS
            if o.case.method == Case.Method.PAPER
            else AgencyReturn.Template.KEY_EVENTS_CHRONOLOGY
        )
    )
    due_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=14))
    requested_by = factory.SubFactory(UserFactory, role=Role.BUSINESS_MANAGER)


class ChronologyEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChronologyEntry

    agency_return = factory.SubFactory(AgencyReturnFactory)
    position = factory.Sequence(lambda n: n)
    date = datetime.date(2026, 2, 3)
    what_happened = "Strategy discussion held."
    who_involved = "Social worker; police officer"


class CaseNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseNote

    case = factory.SubFactory(CaseFactory)
    author = factory.SubFactory(UserFactory, role=Role.PANEL_MEMBER)
    body = "Worth asking about the strategy discussion."


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReflectivePracticeMeeting

    case = factory.SubFactory(CaseFactory, method=Case.Method.MEETING, child_status=Case.ChildStatus.CP_PLAN)
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=40))
    venue = "Civic Offices, Room 4"
    terms_of_reference = "To hear from the practitioners who worked with the child."
    created_by = factory.SubFactory(UserFactory, role=Role.BUSINESS_MANAGER)


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    meeting = factory.SubFactory(MeetingFactory)
    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"Practitioner {n}")
    role = "Social worker"
    email = factory.Sequence(lambda n: f"practitioner{n}@agency.example")


class LearningPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearningPoint

    case = factory.SubFactory(CaseFactory)
    position = factory.Sequence(lambda n: n + 1)
    kind = LearningPoint.Kind.GOOD_PRACTICE
    text = "Team Around the Family meetings worked well."
    created_by = factory.SubFactory(UserFactory, role=Role.PANEL_MEMBER)


class CaseAssuranceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseAssurance

    case = factory.SubFactory(CaseFactory)
    finding = CaseAssurance.Finding.NO_CHILD_UNSAFE
    statement = "No child was left unsafe."
    recorded_by = factory.SubFactory(UserFactory, role=Role.PANEL_MEMBER)


class AgencyActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgencyAction

    case = factory.SubFactory(CaseFactory)
    owner_agency = factory.SubFactory(AgencyFactory)
    description = "Remind social workers to pass new information about previous allegations to the police."
    due_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    created_by = factory.SubFactory(UserFactory, role=Role.BUSINESS_MANAGER)


class BoardMeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BoardMeeting

    date = factory.Sequence(lambda n: datetime.date(2027, 1, 1) + datetime.timedelta(days=30 * n))
    title = "Board meeting"


class RecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recommendation
        skip_postgeneration_save = True

    audit = factory.SubFactory(AuditFactory)
    position = factory.Sequence(lambda n: n + 1)
    text = "Partner agencies to tell the Board what support is available."
    deadline_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=60))
    created_by = factory.SubFactory(UserFactory, role=Role.BUSINESS_MANAGER)

    @factory.post_generation
    def owners(self, create, extracted, **kwargs):
        if create and extracted:
            self.owners.set(extracted)


class RecommendationResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RecommendationResponse

    recommendation = factory.SubFactory(RecommendationFactory)
    agency = factory.SubFactory(AgencyFactory)
    author = factory.SubFactory(UserFactory, role=Role.AGENCY_CONTRIBUTOR)
    text = "Progress update."


class ReturnAnswerFactory(factory.django.DjangoModelFactory):
    """A self-grade on the audit tool's first graded question (the audit must have a tool)."""

    class Meta:
        model = ReturnAnswer

    agency_return = factory.SubFactory(AgencyReturnFactory)
    question = factory.LazyAttribute(
        lambda o: (
            ToolQuestion.objects.filter(
                section__version__audits__audit=o.agency_return.case.audit, answer_type="grade"
            )
            .order_by("section__position", "position")
            .first()
        )
    )
    value = "good"


class SafeguardingConcernFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SafeguardingConcern

    case = factory.SubFactory(CaseFactory)
    agency = factory.SubFactory(AgencyFactory)
    description = "The child told the school nurse they are afraid to go home tonight."
    urgency = "immediate"
    raised_by = factory.SubFactory(UserFactory, role=Role.PANEL_MEMBER)
    raised_at = factory.LazyFunction(timezone.now)
