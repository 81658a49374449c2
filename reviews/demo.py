"""Demo panel review for the fictional Northbridge audit: learning points for the four cases (the same
kinds of learning the seed report draws, written in our own words), the panel's assurance, confidential
actions for three cases, two held reflective practice meetings (Case One well attended; Case Four, as in
the seed, poorly attended) and panel notes. Idempotent: every row is found by its natural key before it is
made. Everything here is fictional."""

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

# Learning per case, following the seed's kinds of learning in the seed's order, in our own words.
LEARNING_POINTS = {
    1: [
        (
            DEVELOP,
            "Because Children's Social Care is organised in locality teams, the team had come to know this "
            "extended family, most of whom live nearby, and had built a detailed family history and genogram. "
            "What was missing was one person holding the whole picture: when a large family carries several "
            "child protection concerns at once, a lead social worker should look across everything that is "
            "known and check the children's plans for conflicts and overlaps.",
        ),
        (
            GOOD,
            "The social worker retrieved and read the family's archived files, which gave a clear view of "
            "earlier involvement, past concerns and how the family had worked with services before. The panel "
            "saw this as good practice.",
        ),
        (
            GOOD,
            "Team Around the Family meetings worked well. Every agency supporting a member of the family "
            "understood in the same way that the mother could not keep the children safe, the work stayed "
            "focused on the children throughout, and everyone knew why the younger sibling's position was "
            "different.",
        ),
        (
            GOOD,
            "Practitioners kept trying to reach the young person. The social worker went on offering support "
            "when he did not want it, and the school took his work to him while he was out of school; this may "
            "have helped him to return and attend more regularly.",
        ),
        (
            LEARNING,
            "Foster carers know to tell the social worker if a child placed with them says anything more, and "
            "the social worker is expected to pass it on to the police. Social workers need reminding that any "
            "new information about an earlier allegation goes to the police every time, so that the police can "
            "decide whether it alters their earlier decision to take no further action.",
        ),
    ],
    2: [
        (
            GOOD,
            "The response to the allegation was quick and proportionate, and the support offered since appears "
            "to have been good. It built on the mother's own action: she called the police as soon as her "
            "daughter told her that her step-father had raped her some months earlier.",
        ),
        (
            LEARNING,
            "The step-father was bailed before the national changes to police bail came in, so the police could "
            "set conditions keeping him away from the mother, the girl and the family home. Northbridge "
            "Constabulary has since briefed the Board on the new rules and told it that similar cases will now "
            "go to a Superintendent, who can impose bail conditions, exceptionally, when the victim would "
            "otherwise be left at risk. The Board will watch how this works over the next year and will "
            "challenge the process if it appears not to be keeping children safe.",
        ),
    ],
    3: [
        (
            DEVELOP,
            "A safety plan was agreed quickly after the referral alleging that the boy had sexually assaulted "
            "his younger sibling. Because the family kept to the plan, the risk was judged to have fallen and "
            "the case closed soon afterwards. The primary school seems to have done good keep-safe work "
            "with the younger child, pitched at the right level for the child's age. The panel's view is that "
            "the case should have stayed open at Child in Need level for longer, to give time to decide what work the "
            "boy needed for his sexually harmful behaviour.",
        ),
        (
            DEVELOP,
            "The plan relied mainly on the parents supervising the two children whenever they were together. "
            "The panel saw nothing to show what arrangements continued once the case stepped down from Child in "
            "Need level, and so could not judge whether they were strong enough.",
        ),
    ],
    4: [
        (
            DEVELOP,
            "Practitioners across the children's workforce need clearer advice on which evidence-based "
            "interventions work for sexually harmful behaviour in situations like this one, and where to find "
            "them.",
        ),
        (
            LEARNING,
            "Fewer practitioners came to this meeting than to the Case One meeting: several could not attend, "
            "for different reasons, and the discussion was thinner for it. The audit panel has agreed that "
            "invitations will in future go out earlier and will be sent by a senior manager in each "
            "practitioner's own agency, not by the Partnership's Business Manager.",
        ),
    ],
}

ASSURANCE = "The panel found nothing to suggest that this child was left unsafe or exposed to a continuing risk of harm."

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
