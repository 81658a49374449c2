"""Demo panel review: the learning points of the seed's four cases (places and agencies renamed to the
fictional Northbridge), the panel's assurance, confidential actions for three cases, two held
reflective practice meetings (Case One well attended; Case Four, as in the seed, not) and notes.
Idempotent: every row is found by its natural key before it is made. Everything here is fictional."""

import datetime

from django.utils import timezone

from cases.models import Case

from .forms import DEFAULT_TERMS_OF_REFERENCE
from .models import (
    AgencyAction,
    CaseAssurance,
    CaseNote,
    Invitation,
    LearningPoint,
    ReflectivePracticeMeeting,
)

GOOD = LearningPoint.Kind.GOOD_PRACTICE
DEVELOP = LearningPoint.Kind.AREA_FOR_DEVELOPMENT
LEARNING = LearningPoint.Kind.LEARNING

# The seed's learning per case, in its order and words; only the names of places and agencies changed.
LEARNING_POINTS = {
    1: [
        (
            DEVELOP,
            "Having Children's Social Care structured into locality teams has helped build up the social history "
            "and genogram of the extended family that all live in the local area. However where there are large, "
            "complex families with multiple child protection concerns it would help to have a lead Social Worker "
            "reviewing all of the known information and considering where there are any "
            "contradictions/duplications in plans for children in the extended family.",
        ),
        (
            GOOD,
            "The Social Worker demonstrated good practice in recalling the archived records for this family in "
            "order to understand the historic working, issues and social history of the family.",
        ),
        (
            GOOD,
            "Good robust Team Around the Family working ensured that all the agencies involved with family members "
            "shared the same awareness of the mother and her inability to be a protective factor, all the work "
            "seemed child centred and all had recognised the different status that a younger sibling had and why.",
        ),
        (
            GOOD,
            "There were lots of positive efforts to engage the subject child, both by the social worker's continued "
            "efforts to support him despite him not wanting to engage, and the school taking work out to him when "
            "he wasn't attending which may have contributed to him then improving his attendance.",
        ),
        (
            LEARNING,
            "Foster carers are trained to contact the social worker if the child in their care were to make a "
            "further disclosure which should then be passed to police for them to consider. Social workers should "
            "be reminded that when new information about previous allegations is given, then it should always be "
            "sent to the police for them to decide whether this changes their prior decision not to pursue an "
            "allegation.",
        ),
    ],
    2: [
        (
            GOOD,
            "There was a swift and appropriate response to the allegation, and there appears to have been a good "
            "level of support since. This replicates the mother's immediate response to contact the police "
            "following her daughter informing her that her step-father raped her a few months before.",
        ),
        (
            LEARNING,
            "The step-father in this case was released on bail before the national changes occurred to police bail. "
            "In this case police were allowed to state that step-father wasn't allowed to have contact with the "
            "mother or step-daughter or return to the home address. Northbridge Constabulary recently presented an "
            "item to Board on these changes and made assurances that in cases of this nature in the future they "
            "would be referred to a Superintendent who could apply bail conditions in exceptional cases where to "
            "not do so might leave the victim at risk. The Board will be reviewing this over the coming year to "
            "ensure it responds appropriately to challenge this process should there be concerns that this is not "
            "appropriately safeguarding children.",
        ),
    ],
    3: [
        (
            DEVELOP,
            "There was a swift safety plan put in place following the referral and allegation that this child had "
            "sexually assaulted his younger sibling. However, as the family followed this plan the risk was seen as "
            "reduced and the case was closed after a short period of time. The Primary School appear to have done "
            "some good, age appropriate keep safe work with his younger sibling. The audit panel felt the case "
            "should have remained as Child in Need for longer to allow time to consider what work should be done "
            "with the child to address his sexually harmful behaviour.",
        ),
        (
            DEVELOP,
            "The safety plan put a lot of emphasis on the parent's supervising his interactions with his sibling as "
            "the main protective factor. There was no evidence available to the panel of any arrangements when the "
            "case was stepped down from Child in Need so it was difficult to know whether this was robust and "
            "sufficient enough.",
        ),
    ],
    4: [
        (
            DEVELOP,
            "The panel felt that there should be more advice and information available to the children's workforce "
            "on evidence based interventions to address sexually harmful behaviour that are effective in these "
            "types of situations.",
        ),
        (
            LEARNING,
            "This reflective practice meeting wasn't as successful as the one for Case One as many of the "
            "practitioners, for various reasons, were unable to attend. The audit panel of the Monitoring, "
            "Evaluation & Scrutiny Committee have agreed that in future invites should be sent out sooner and "
            "should come from a senior manager within their agency rather than the Partnership's Business Manager.",
        ),
    ],
}

ASSURANCE = "The audit group found no incidents of this child being left unsafe or potentially at risk of continued harm."

CSC = "Northbridge Children's Social Care"
POLICE = "Northbridge Constabulary"
EDU = "Northbridge Education Services"
YOT = "Northbridge Youth Offending Team"
CAMHS = "Northbridge CAMHS"
NURSING = "Northbridge School Nursing Team"
MAIL_DOMAINS = {
    CSC: "csc",
    POLICE: "police",
    EDU: "education",
    YOT: "yot",
    CAMHS: "camhs",
    NURSING: "schoolnursing",
}

# case number, owner agency, what, days from today until due, status, response
ACTIONS = [
    (
        1,
        CSC,
        "Remind locality social workers, through the practice bulletin and team meetings, that new information "
        "about a previous allegation is always passed to the police for them to reconsider their decision.",
        21,
        AgencyAction.Status.RESPONDED,
        "Reminder issued in the practice bulletin and discussed at all four locality team meetings; added to the "
        "induction checklist for new social workers.",
    ),
    (
        1,
        CSC,
        "Name a lead social worker for the extended family and review the plans of all the children in it for "
        "contradictions or duplication.",
        45,
        AgencyAction.Status.IN_PROGRESS,
        "",
    ),
    (
        3,
        CSC,
        "Review step-down from Child in Need where a child has shown sexually harmful behaviour, and confirm what "
        "work was offered to the child in this case.",
        -10,
        AgencyAction.Status.OPEN,
        "",
    ),
    (
        4,
        YOT,
        "Share with the audit group the evidence-based interventions the team uses for sexually harmful behaviour "
        "and how practitioners are trained in them.",
        30,
        AgencyAction.Status.OPEN,
        "",
    ),
    (
        4,
        CAMHS,
        "Ask a senior manager to confirm which practitioners will attend a follow-up reflective session, and release "
        "them from clinics for it.",
        14,
        AgencyAction.Status.OPEN,
        "",
    ),
]

# Practitioners invited (fictional): name, role, agency, response, response reason, attendance, reason
CASE_ONE_INVITEES = [
    ("Lorna Pike", "Social Worker", CSC, "accepted", "", "attended", ""),
    ("Idris Mayhew", "Detective Constable", POLICE, "accepted", "", "attended", ""),
    ("Carys Thorne", "Designated Safeguarding Lead", EDU, "accepted", "", "attended", ""),
    ("Bram Oduya", "Clinical Psychologist", CAMHS, "accepted", "", "attended", ""),
    (
        "Fen Halloway",
        "School Nurse",
        NURSING,
        "declined",
        "Leading a training day.",
        "apologies",
        "Training day.",
    ),
]
CASE_FOUR_INVITEES = [
    ("Esme Radcliffe", "Social Worker", CSC, "accepted", "", "attended", ""),
    ("Hollis Brandt", "YOT Case Manager", YOT, "accepted", "", "attended", ""),
    (
        "Wren Ostrowski",
        "CAMHS Practitioner",
        CAMHS,
        "declined",
        "Clinic list already booked for that day.",
        "apologies",
        "Clinic list already booked; the invitation came too late to move it.",
    ),
    (
        "Dev Kaur",
        "Police Constable",
        POLICE,
        "pending",
        "",
        "did_not_attend",
        "On a shift rota fixed before the invitation arrived; no cover found.",
    ),
    (
        "Maeve Lindell",
        "School Nurse",
        NURSING,
        "pending",
        "",
        "did_not_attend",
        "Did not see the invitation until after the meeting (sent by the Partnership office, not her manager).",
    ),
    (
        "Tobias Grier",
        "Head of Year",
        EDU,
        "accepted",
        "",
        "did_not_attend",
        "Called to a safeguarding incident at school on the morning of the meeting.",
    ),
]

NOTES = [
    (
        1,
        "panel@pscb.example",
        "The locality team's genogram is excellent. Worth asking at the meeting whether anyone held the whole "
        "picture across the siblings' plans.",
    ),
    (
        1,
        "panel.police@pscb.example",
        "Police return: the new information in month four does not appear to have reached us. Let's ask how it was "
        "passed on.",
    ),
    (
        4,
        "panel.nurse@pscb.example",
        "Several practitioners have not replied. The invitations went out late; can agencies' managers chase?",
    ),
    (
        4,
        "panel@pscb.example",
        "Only two practitioners came. The learning we can draw from this meeting is limited; record it as a lesson "
        "about invitations.",
    ),
]


def _at(day, hour):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _meeting(case, *, starts, sent, bm, panel, invitees, agencies, venue):
    meeting, created = ReflectivePracticeMeeting.objects.get_or_create(
        case=case,
        defaults={
            "starts_at": _at(starts, 10),
            "ends_at": _at(starts, 12),
            "venue": venue,
            "terms_of_reference": DEFAULT_TERMS_OF_REFERENCE,
            "status": ReflectivePracticeMeeting.Status.HELD,
            "created_by": bm,
        },
    )
    if created:
        meeting.panel_attending.set(panel)
    for index, (name, role, agency, response, reason, attendance, attendance_reason) in enumerate(invitees):
        email = f"{name.lower().replace(' ', '.')}@{MAIL_DOMAINS[agency]}.northbridge.example"
        Invitation.objects.get_or_create(
            meeting=meeting,
            email=email,
            defaults={
                "agency": agencies[agency],
                "name": name,
                "role": role,
                "sent_at": _at(sent, 9),
                "response": response,
                "response_reason": reason,
                "responded_at": _at(sent + datetime.timedelta(days=2 + index), 11)
                if response != "pending"
                else None,
                "attendance": attendance,
                "attendance_reason": attendance_reason,
            },
        )
    return meeting


def load(world):
    users, agencies = world["users"], world["agencies"]
    bm = users["bm@pscb.example"]
    chair = users["panel@pscb.example"]
    today = timezone.localdate()
    cases = {case.number: case for case in world["cases"]}

    for number, points in LEARNING_POINTS.items():
        case = cases[number]
        for position, (kind, text) in enumerate(points, start=1):
            LearningPoint.objects.get_or_create(
                case=case, position=position, defaults={"kind": kind, "text": text, "created_by": chair}
            )
        CaseAssurance.objects.get_or_create(
            case=case,
            defaults={
                "finding": CaseAssurance.Finding.NO_CHILD_UNSAFE,
                "statement": ASSURANCE,
                "recorded_by": chair,
            },
        )
        # The pack went to the panel before the review (no e-mail for demo data).
        Case.objects.filter(pk=case.pk, pack_circulated_at__isnull=True).update(
            pack_circulated_at=_at(today - datetime.timedelta(days=120 - 10 * number), 9)
        )

    contributor_csc = users["contributor@csc.example"]
    for number, agency, what, due_in, status, response in ACTIONS:
        AgencyAction.objects.get_or_create(
            case=cases[number],
            owner_agency=agencies[agency],
            description=what,
            defaults={
                "due_date": today + datetime.timedelta(days=due_in),
                "status": status,
                "agency_response": response,
                "responded_at": timezone.now() - datetime.timedelta(days=3) if response else None,
                "responded_by": contributor_csc if response else None,
                "created_by": chair,
            },
        )

    panel = [m.user for m in world["audit"].panel_memberships.select_related("user")]
    # Case One: invitations six weeks ahead, everyone answered, nearly everyone came.
    _meeting(
        cases[1],
        starts=today - datetime.timedelta(days=75),
        sent=today - datetime.timedelta(days=117),
        bm=bm,
        panel=panel,
        invitees=CASE_ONE_INVITEES,
        agencies=agencies,
        venue="Northbridge Civic Offices, Meeting Room 3",
    )
    # Case Four: invitations from the Partnership office ten days ahead; most could not come.
    _meeting(
        cases[4],
        starts=today - datetime.timedelta(days=40),
        sent=today - datetime.timedelta(days=50),
        bm=bm,
        panel=panel[:3],
        invitees=CASE_FOUR_INVITEES,
        agencies=agencies,
        venue="Northbridge Family Centre, Training Room",
    )

    for number, email, body in NOTES:
        CaseNote.objects.get_or_create(case=cases[number], author=users[email], body=body)
