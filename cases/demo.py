"""The demo audit, shaped like the seed report (four cases, two audited from records and two at
reflective practice meetings, a panel drawn from the same kinds of roles), in our own words. Every
name and place here is fictional."""

import datetime

from django.utils import timezone

from accounts.models import Role, User

from .models import (
    AgencyReturn,
    Audit,
    Case,
    ChronologyEntry,
    IdentifyingTerm,
    PanelMembership,
    ReturnTransition,
)
from .services import TEMPLATE_FOR_METHOD, case_create

PURPOSE = """Look at how the agencies worked together and what services the children and their families received.
Test whether the decisions and actions taken in each case followed the Partnership's procedures, and those of the services involved, for recognising and responding to concerns about sexual abuse within the family.
Find what worked well in practice, and where practice and local safeguarding arrangements could be strengthened.
Compare what these cases show about local practice with national research, and make recommendations to strengthen safeguarding in Northbridge."""

PANEL = [
    ("panel@pscb.example", "Chair of the Scrutiny and Quality Assurance Committee", True),
    ("panel.csc@pscb.example", "Head of Safeguarding Quality Assurance, Children's Services", False),
    ("panel.police@pscb.example", "Inspector, Public Protection Unit, Northbridge Constabulary", False),
    (
        "panel.nurse@pscb.example",
        "Named Nurse for Safeguarding Children, Northbridge Hospitals NHS Trust",
        False,
    ),
    ("panel.ccg@pscb.example", "Deputy Director of Nursing and Quality, Northbridge CCG", False),
]


CSC, POLICE, HOSP, CCG, EDU, YOT, NURSING, CAMHS = (
    "Northbridge Children's Social Care",
    "Northbridge Constabulary",
    "Northbridge Hospitals NHS Trust",
    "Northbridge Clinical Commissioning Group",
    "Northbridge Education Services",
    "Northbridge Youth Offending Team",
    "Northbridge School Nursing Team",
    "Northbridge CAMHS",
)

# selection basis, child status, method, agencies, summary, identifying terms (all fictional)
CASES = [
    (
        Case.SelectionBasis.CP_CONFERENCE,
        Case.ChildStatus.LOOKED_AFTER,
        Case.Method.MEETING,
        [CSC, POLICE, EDU, CAMHS, NURSING],
        "Adolescent boy, now looked after, who disclosed abuse by an extended family member. Large, complex "
        "family known to several locality teams.",
        [
            ("child_name", "Jayden Marlowe"),
            ("family_member", "Kerry Marlowe"),
            ("family_member", "Dean Marlowe"),
            ("address", "14 Larkspur Close"),
            ("school", "Eastfield Academy"),
            ("date_of_birth", "3 May 2003"),
        ],
    ),
    (
        Case.SelectionBasis.SECTION_47,
        Case.ChildStatus.CLOSED,
        Case.Method.PAPER,
        [CSC, POLICE, HOSP, EDU],
        "Teenage girl who told her mother of abuse by her step-father; the mother contacted the police at once.",
        [
            ("child_name", "Tilly Ashworth"),
            ("family_member", "Gareth Pomfrey"),
            ("address", "2 Wrenfield Road"),
            ("school", "St Aldhelm's High School"),
            ("date_of_birth", "17/09/2001"),
        ],
    ),
    (
        Case.SelectionBasis.SECTION_47,
        Case.ChildStatus.CLOSED,
        Case.Method.PAPER,
        [CSC, EDU, NURSING],
        "Boy alleged to have harmed a younger sibling; a safety plan was followed and the case closed after a "
        "short period as child in need.",
        [
            ("child_name", "Rory Quenby"),
            ("family_member", "Elsie Quenby"),
            ("address", "9 Copperbeech Way"),
            ("school", "Hollins Primary School"),
            ("date_of_birth", "22 January 2006"),
        ],
    ),
    (
        Case.SelectionBasis.CP_CONFERENCE,
        Case.ChildStatus.CP_PLAN,
        Case.Method.MEETING,
        [CSC, POLICE, YOT, CAMHS, NURSING, EDU],
        "Young person on a child protection plan following sexually harmful behaviour within the family.",
        [
            ("child_name", "Kai Fenwick-Doyle"),
            ("family_member", "Marcia Fenwick"),
            ("address", "31 Saltmarsh Lane"),
            ("school", "Riverside Community College"),
            ("date_of_birth", "8 November 2002"),
            ("practitioner", "Hollis Brandt"),
        ],
    ),
]

TITLE = "Intra-Familial Child Sexual Abuse: A Multi-Agency Thematic Audit"


def load(world):
    users, agencies = world["users"], world["agencies"]
    bm = users["bm@pscb.example"]
    # Dates run relative to the day the demo is loaded, so deadlines and due dates look live.
    today = timezone.localdate()
    audit, _ = Audit.objects.get_or_create(
        title=TITLE,
        defaults={
            "theme": "Intra-familial child sexual abuse",
            "purpose": PURPOSE,
            "period_start": today - datetime.timedelta(days=270),
            "period_end": today - datetime.timedelta(days=30),
            "status": Audit.Status.REPORTING,
            "created_by": bm,
        },
    )
    world["audit"] = audit
    for email, panel_role, is_chair in PANEL:
        PanelMembership.objects.get_or_create(
            audit=audit, user=users[email], defaults={"panel_role": panel_role, "is_chair": is_chair}
        )
    world["cases"] = []
    for number, (basis, status, method, agency_names, summary, terms) in enumerate(CASES, start=1):
        case = audit.cases.filter(number=number).first() or case_create(
            audit=audit,
            actor=bm,
            selection_basis=basis,
            child_status=status,
            method=method,
            summary=summary,
            agencies=[agencies[n] for n in agency_names],
        )
        for kind, value in terms:
            IdentifyingTerm.objects.get_or_create(
                case=case,
                kind=kind,
                value=value,
                # As the register does for a new entry: the child's name, date of birth and address are
                # shared with the agencies asked, so the demo contributor sees who the case is about.
                defaults={"created_by": bm, "share_with_agencies": kind in IdentifyingTerm.SHARED_BY_DEFAULT},
            )
        world["cases"].append(case)
    load_returns(world)


# --- Agency returns (issue 4) -----------------------------------------------------------------
# Each case's returns: agency -> (status, due in days from today). Negative due dates on open returns
# make them overdue, so the completion matrix shows lateness.
RETURN_PLAN = {
    1: {
        CSC: ("accepted", -150),
        POLICE: ("accepted", -150),
        EDU: ("submitted", -150),
        CAMHS: ("draft", -20),  # overdue
        NURSING: ("requested", 14),
    },
    2: {CSC: ("accepted", -160), POLICE: ("accepted", -160), HOSP: ("submitted", -160), EDU: ("returned", 7)},
    3: {CSC: ("submitted", -140), EDU: ("accepted", -140), NURSING: ("accepted", -140)},
    4: {
        CSC: ("draft", 10),
        POLICE: ("submitted", -30),
        YOT: ("requested", -5),  # overdue
        CAMHS: ("requested", 21),
        NURSING: ("accepted", -30),
        EDU: ("draft", 10),
    },
}

# Chronologies: (days after the audit period starts, agency, time, precision, what happened, who by role,
# source document, significance, key event). Fictional; people by role only.
CHRONOLOGIES = {
    1: [
        (
            -420,
            EDU,
            None,
            "month",
            "Pastoral concerns noted: withdrawn in class, poor attendance.",
            "Head of year",
            "Pastoral log",
            "",
            False,
        ),
        (
            -300,
            CSC,
            None,
            "day",
            "Contact from school about changes in behaviour; advice and guidance given.",
            "Duty social worker; designated safeguarding lead",
            "Contact record",
            "Earlier opportunity to explore home life.",
            False,
        ),
        (
            -40,
            EDU,
            "09:40",
            "day",
            "Young person disclosed abuse by an extended family member to a teacher.",
            "Class teacher; designated safeguarding lead",
            "Disclosure record",
            "First disclosure.",
            True,
        ),
        (
            -40,
            CSC,
            "11:05",
            "day",
            "Referral received from school; strategy discussion arranged for the same day.",
            "Duty team manager",
            "Referral form",
            "",
            True,
        ),
        (
            -40,
            POLICE,
            "15:00",
            "day",
            "Strategy discussion with children's social care and health.",
            "Detective sergeant; social worker; named nurse",
            "Strategy discussion minutes",
            "Joint Section 47 enquiry agreed.",
            True,
        ),
        (
            -40,
            CSC,
            "16:00",
            "day",
            "Strategy discussion held; Section 47 enquiry and ABE interview agreed.",
            "Team manager; police; health",
            "Strategy discussion minutes",
            "",
            True,
        ),
        (
            -38,
            POLICE,
            "10:00",
            "day",
            "Achieving Best Evidence interview of the young person.",
            "Trained interviewing officer",
            "ABE record",
            "Account consistent with disclosure.",
            True,
        ),
        (
            -30,
            CAMHS,
            None,
            "day",
            "Referral accepted for assessment; placed on waiting list.",
            "CAMHS clinician",
            "Referral triage note",
            "Wait of several weeks.",
            False,
        ),
        (
            -12,
            CSC,
            None,
            "day",
            "Initial child protection conference; young person made subject of a plan.",
            "Conference chair; agencies",
            "Conference minutes",
            "",
            True,
        ),
        (
            20,
            CSC,
            None,
            "day",
            "Young person accommodated with extended family's agreement withdrawn; placed with foster carers.",
            "Social worker; foster carers",
            "Placement record",
            "Became looked after.",
            True,
        ),
        (
            25,
            NURSING,
            None,
            "day",
            "Initial health assessment for a looked-after child.",
            "School nurse",
            "Health assessment",
            "",
            False,
        ),
        (
            140,
            EDU,
            None,
            "approximate",
            "Attendance improved after support from the school's pastoral team.",
            "Pastoral lead",
            "Attendance records",
            "",
            False,
        ),
        (
            150,
            CAMHS,
            None,
            "day",
            "First therapeutic session.",
            "CAMHS therapist",
            "Clinical notes",
            "",
            False,
        ),
    ],
    2: [
        (
            -200,
            HOSP,
            None,
            "day",
            "Attended emergency department with an injury; no concerns recorded at the time.",
            "ED nurse",
            "ED record",
            "Routine enquiry about home not documented.",
            False,
        ),
        (
            10,
            POLICE,
            "21:30",
            "day",
            "Mother reported that her daughter had disclosed abuse by her step-father.",
            "Call handler; response officer",
            "Incident log",
            "Mother acted protectively at once.",
            True,
        ),
        (
            11,
            POLICE,
            "09:00",
            "day",
            "Strategy discussion; step-father arrested and bailed away from the home.",
            "Detective constable; social worker",
            "Strategy discussion minutes",
            "",
            True,
        ),
        (
            11,
            CSC,
            "09:00",
            "day",
            "Strategy discussion by telephone; Section 47 enquiry started.",
            "Team manager; police",
            "Strategy discussion minutes",
            "",
            True,
        ),
        (
            12,
            HOSP,
            "14:00",
            "day",
            "Paediatric examination under the child protection pathway.",
            "Consultant paediatrician",
            "Medical report",
            "",
            True,
        ),
        (
            12,
            CSC,
            "14:00",
            "day",
            "Home visit to mother and daughter to agree a safety plan.",
            "Social worker; mother; young person",
            "Visit record",
            "",
            False,
        ),
        (
            30,
            EDU,
            None,
            "day",
            "School informed; support plan with the designated safeguarding lead.",
            "Designated safeguarding lead",
            "Safeguarding file",
            "",
            False,
        ),
        (
            60,
            CSC,
            None,
            "day",
            "Assessment concluded: mother protective; case stepped down to early help.",
            "Social worker; team manager",
            "Single assessment",
            "",
            True,
        ),
        (
            200,
            POLICE,
            None,
            "month",
            "Case file passed to the Crown Prosecution Service.",
            "Officer in the case",
            "Case file",
            "",
            False,
        ),
    ],
    3: [
        (
            5,
            EDU,
            "12:15",
            "day",
            "Younger sibling told a teaching assistant about harmful behaviour by an older brother.",
            "Teaching assistant; designated safeguarding lead",
            "Disclosure record",
            "",
            True,
        ),
        (
            5,
            CSC,
            None,
            "day",
            "Referral received; strategy discussion held.",
            "Duty social worker; police",
            "Referral form",
            "",
            True,
        ),
        (
            7,
            CSC,
            None,
            "day",
            "Safety plan agreed with the parents: supervision and separate bedrooms.",
            "Social worker; parents",
            "Safety plan",
            "Plan relied on parents' capacity.",
            True,
        ),
        (
            9,
            NURSING,
            None,
            "day",
            "Health review of both children.",
            "School nurse",
            "Health record",
            "",
            False,
        ),
        (
            45,
            CSC,
            None,
            "day",
            "Child in need plan agreed.",
            "Social worker; agencies",
            "CIN plan",
            "",
            False,
        ),
        (
            150,
            CSC,
            None,
            "day",
            "Case closed; no further concerns reported.",
            "Team manager",
            "Closure summary",
            "Short involvement for harmful sexual behaviour.",
            True,
        ),
        (
            155,
            EDU,
            None,
            "approximate",
            "School continued to monitor; no concerns.",
            "Designated safeguarding lead",
            "Safeguarding file",
            "",
            False,
        ),
    ],
    4: [
        (
            -500,
            CSC,
            None,
            "month",
            "Family first known to children's services: neglect concerns.",
            "Social worker",
            "Case history",
            "Long history of involvement.",
            False,
        ),
        (
            -90,
            YOT,
            None,
            "day",
            "Referral to the youth offending team following a caution.",
            "YOT officer",
            "Referral",
            "",
            False,
        ),
        (
            15,
            POLICE,
            "13:00",
            "day",
            "Report of sexually harmful behaviour within the family.",
            "Response officer",
            "Incident log",
            "",
            True,
        ),
        (
            15,
            CSC,
            "13:00",
            "day",
            "Social worker visited the home after a call from the young person's parent.",
            "Social worker; parent",
            "Visit record",
            "",
            True,
        ),
        (
            16,
            CSC,
            None,
            "day",
            "Strategy discussion; Section 47 enquiry agreed.",
            "Team manager; police; health",
            "Strategy discussion minutes",
            "",
            True,
        ),
        (
            40,
            NURSING,
            None,
            "day",
            "Health assessment; sexual health advice given.",
            "School nurse",
            "Health record",
            "",
            False,
        ),
        (
            44,
            CSC,
            None,
            "day",
            "Initial child protection conference: child protection plan.",
            "Conference chair; agencies",
            "Conference minutes",
            "",
            True,
        ),
        (
            60,
            EDU,
            None,
            "day",
            "Risk assessment in school agreed with the young person.",
            "Designated safeguarding lead; young person",
            "School risk assessment",
            "",
            False,
        ),
        (
            95,
            CSC,
            None,
            "day",
            "Core group meeting; practitioners from CAMHS unable to attend.",
            "Social worker; agencies",
            "Core group notes",
            "",
            False,
        ),
    ],
}

DEMO_RETURN_TEXT = {
    "involvement": "Our agency's involvement with the child and family during the audit period, as recorded in our "
    "case records (fictional demo text).",
    "engagement_evaluation": "The child was seen and spoken to alone; their views were recorded. Engagement with the "
    "parent was good once a consistent worker was allocated.",
    "policy_analysis": "Procedures for strategy discussions and Section 47 enquiries were followed within timescales.",
    "practice_analysis": "Practitioners shared information promptly; the voice of the child was not always recorded.",
    "lessons_learnt": "Share information about earlier allegations with the police at once; record the child's views.",
}


def _demo_returns(case, number, bm, users_by_agency, today):

    audit = case.audit
    agencies = {a.name: a for a in case.agencies.all()}
    events = CHRONOLOGIES.get(number, [])
    for agency_name, (status, due_in) in RETURN_PLAN.get(number, {}).items():
        agency = agencies.get(agency_name)
        if agency is None:
            continue
        due = today + datetime.timedelta(days=due_in)
        agency_return, created = AgencyReturn.objects.get_or_create(
            case=case,
            agency=agency,
            defaults={
                "template": TEMPLATE_FOR_METHOD[case.method],
                "due_date": due,
                "requested_by": bm,
                "status": status,
            },
        )
        if not created:
            continue
        worker = users_by_agency.get(agency.pk)
        on_behalf = worker is None
        worker = worker or bm
        requested_at = timezone.now() - datetime.timedelta(days=max(30, 28 - due_in))
        steps = [("", "requested", bm, "")]
        if status != "requested":
            steps.append(("requested", "draft", worker, ""))
        if status in ("submitted", "accepted", "returned"):
            steps.append(("draft", "submitted", worker, ""))
        if status == "accepted":
            steps.append(("submitted", "accepted", bm, ""))
        if status == "returned":
            steps.append(
                (
                    "submitted",
                    "returned",
                    bm,
                    "Please add your evaluation of how the child's views were heard.",
                )
            )
        for i, (before, after, actor, comment) in enumerate(steps):
            ReturnTransition.objects.create(
                agency_return=agency_return,
                from_status=before,
                to_status=after,
                actor=actor,
                at=requested_at + datetime.timedelta(days=3 * i),
                comment=comment,
                on_behalf=on_behalf and after in ("draft", "submitted"),
            )
        if status == "requested":
            continue
        fields = {"involvement": DEMO_RETURN_TEXT["involvement"]}
        if agency_return.template == AgencyReturn.Template.KEY_EVENTS_ANALYSIS:
            fields["engagement_evaluation"] = (
                "" if status == "returned" else DEMO_RETURN_TEXT["engagement_evaluation"]
            )
        else:
            for name in ("policy_analysis", "practice_analysis", "lessons_learnt"):
                fields[name] = (
                    "" if status == "draft" and name == "lessons_learnt" else DEMO_RETURN_TEXT[name]
                )
        mine = [e for e in events if e[1] == agency_name]
        if status == "draft":
            mine = mine[: max(1, len(mine) - 1)]
        for name, value in fields.items():
            setattr(agency_return, name, value)
        agency_return.entered_on_behalf = on_behalf
        agency_return.review_comment = steps[-1][3] if status == "returned" else ""
        if status in ("submitted", "accepted", "returned"):
            agency_return.submitted_at = requested_at + datetime.timedelta(days=6)
        if status == "accepted":
            agency_return.accepted_at = requested_at + datetime.timedelta(days=9)
        agency_return.version = len(steps)
        agency_return.save()
        ChronologyEntry.objects.bulk_create(
            ChronologyEntry(
                agency_return=agency_return,
                position=i,
                date=_event_date(audit.period_start, offset, precision),
                date_precision=precision,
                time=datetime.time.fromisoformat(time) if time else None,
                what_happened=what,
                who_involved=who,
                source=source,
                significance=significance,
                is_key_event=key,
            )
            for i, (offset, _, time, precision, what, who, source, significance, key) in enumerate(mine)
        )


def _event_date(start, offset, precision):
    day = start + datetime.timedelta(days=offset)
    return day.replace(day=1) if precision == "month" else day


def load_returns(world):

    bm = world["users"]["bm@pscb.example"]
    today = timezone.localdate()
    users_by_agency = {}
    for user in User.objects.filter(role=Role.AGENCY_CONTRIBUTOR).order_by("pk"):
        users_by_agency.setdefault(user.agency_id, user)
    for number, case in enumerate(world["cases"], start=1):
        _demo_returns(case, number, bm, users_by_agency, today)
