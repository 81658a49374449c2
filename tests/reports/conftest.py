"""A seeded audit shaped like the seed report, with everything the report must leave out."""

import datetime
import io
from types import SimpleNamespace

import pytest
from pypdf import PdfReader

from cases.models import AgencyReturn, Case
from tests.factories import (
    AgencyActionFactory,
    AgencyFactory,
    AgencyReturnFactory,
    BoardMeetingFactory,
    CaseAssuranceFactory,
    CaseFactory,
    CaseNoteFactory,
    IdentifyingTermFactory,
    InvitationFactory,
    LearningPointFactory,
    MeetingFactory,
    PanelMembershipFactory,
    RecommendationFactory,
    UserFactory,
)

TODAY = datetime.date(2026, 11, 25)

TITLE = "Intra-Familial Child Sexual Abuse: A Multi-Agency Thematic Audit"
LEARNING = {
    1: [
        "Because Children's Social Care is organised in locality teams, the team knew the extended family.",
        "The social worker retrieved and read the family's archived files: good practice.",
        "Team Around the Family meetings gave every agency the same understanding of the mother.",
    ],
    2: ["The response to the allegation was quick and proportionate, and support since has been good."],
    3: [
        "A safety plan was agreed quickly after the referral.",
        "The plan relied mainly on the parents supervising the two children whenever they were together.",
    ],
    4: ["Practitioners need clearer advice on evidence-based interventions for harmful behaviour."],
}
RECOMMENDATIONS = [
    "Partner agencies to set out the support on offer for those who sexually abuse children.",
    "Agencies to tell the Board how they respond to low-level sexually problematic behaviour by adolescents.",
    "A multi-agency task and finish group to write practice guidance for working with large, complex families.",
]
TERMS = {
    1: [("child_name", "Jayden Marlowe"), ("address", "14 Larkspur Close"), ("date_of_birth", "3 May 2012")],
    2: [("child_name", "Tilly Ashworth"), ("school", "St Aldhelm's High School")],
    3: [("child_name", "Rory Quenby"), ("family_member", "Elsie Quenby")],
    4: [("child_name", "Kai Fenwick-Doyle"), ("practitioner", "Hollis Brandt")],
}
PRACTITIONER = "Wilhelmina Practitioner-Oakes"
NOTE = "Panel note: worth asking the school about the attendance pattern."
ACTION = "Confidential action: remind the locality team about archived records."


@pytest.fixture
def seeded(cast):
    """cast.audit with four cases (two by each method), learning points, assurance, three
    recommendations, contributing agencies, a panel by role, plus notes, actions, invitations and a
    register that must never reach the PDF."""
    audit = cast.audit
    audit.title = TITLE
    audit.purpose = "Look at how agencies worked together.\nFind what worked well.\nMake recommendations."
    audit.save()
    police = cast.other_agency
    health = AgencyFactory(name="Riverton Hospitals NHS Trust", kind="health_provider")
    PanelMembershipFactory(
        audit=audit,
        user=UserFactory(email="nurse@test.example", full_name="Nina Nursename", role="panel_member"),
        panel_role="Named Nurse for Safeguarding Children",
    )
    cases = {1: cast.case}
    specs = {2: Case.Method.PAPER, 3: Case.Method.PAPER, 4: Case.Method.MEETING}
    for number, method in specs.items():
        cases[number] = CaseFactory(audit=audit, number=number, method=method)
    for number, case in cases.items():
        for i, text in enumerate(LEARNING[number], start=1):
            LearningPointFactory(case=case, position=i, text=f"{text} [case {number} point {i}]")
        CaseAssuranceFactory(
            case=case, statement=f"The panel found no child left unsafe in case number {number}."
        )
        for kind, value in TERMS[number]:
            IdentifyingTermFactory(case=case, kind=kind, value=value, created_by=cast.bm)
        CaseNoteFactory(case=case, body=NOTE)
        AgencyActionFactory(case=case, owner_agency=cast.agency, description=ACTION)
    # cast.agency_return (case 1, cast.agency) exists; submit it, add police (accepted) and health (draft).
    AgencyReturn.objects.filter(pk=cast.agency_return.pk).update(status=AgencyReturn.Status.SUBMITTED)
    AgencyReturnFactory(
        case=cases[2], agency=police, requested_by=cast.bm, status=AgencyReturn.Status.ACCEPTED
    )
    AgencyReturnFactory(case=cases[3], agency=health, requested_by=cast.bm, status=AgencyReturn.Status.DRAFT)
    meeting = MeetingFactory(case=cases[4], created_by=cast.bm)
    InvitationFactory(meeting=meeting, agency=cast.agency, name=PRACTITIONER)
    board_meeting = BoardMeetingFactory(date=datetime.date(2027, 1, 31), title="January 2027 Board meeting")
    recs = [
        RecommendationFactory(
            audit=audit,
            position=1,
            text=RECOMMENDATIONS[0],
            deadline_date=None,
            deadline_meeting=board_meeting,
            owners=[cast.agency, police],
        ),
        RecommendationFactory(
            audit=audit,
            position=2,
            text=RECOMMENDATIONS[1],
            deadline_date=datetime.date(2027, 3, 15),
            owners=[health],
        ),
        RecommendationFactory(
            audit=audit,
            position=3,
            text=RECOMMENDATIONS[2],
            deadline_date=datetime.date(2026, 10, 1),
            owners=[police],
        ),
    ]
    return SimpleNamespace(audit=audit, cases=cases, recommendations=recs, health=health, police=police)


def pdf_text(pdf_bytes):
    reader = PdfReader(io.BytesIO(pdf_bytes))
    return "\n".join(page.extract_text() for page in reader.pages)


def flat(text):
    """Extracted text with line breaks and repeated spaces folded, to find sentences across lines."""
    return " ".join(text.split())


@pytest.fixture
def build_of(django_capture_on_commit_callbacks):
    """Request a draft build as the Business Manager's button does and run its task (inline)."""
    from reports import services

    def run(audit, actor):
        with django_capture_on_commit_callbacks(execute=True):
            build = services.report_build_request(audit=audit, actor=actor)
        build.refresh_from_db()
        assert build.status == build.Status.DONE, build.error
        return build

    return run
