"""The demo audit, following the seed report: four cases, two paper audits and two reflective
practice meetings, a panel by the roles the seed lists. Every name and place here is fictional."""

import datetime

from django.utils import timezone

from .models import Audit, Case, IdentifyingTerm, PanelMembership
from .services import case_create

PURPOSE = """Examine inter-agency working and service provision for the children and family.
Determine whether decisions and actions in the cases comply with the policy and procedures of named services and the Board in respect of the identification and response to concerns about intra-familial child sexual abuse.
Identify practice that has been effective and opportunities to develop practice and improve safeguarding arrangements.
Reflect on what is learnt about local practice in these cases against national research and make recommendations to improve local safeguarding arrangements."""

PANEL = [
    ("panel@pscb.example", "Chair of the Monitoring, Evaluation & Scrutiny Committee", True),
    ("panel.csc@pscb.example", "Head of the Safeguarding Monitoring Service, Children's Services", False),
    ("panel.police@pscb.example", "Inspector, Safeguarding Team, Northbridge Constabulary", False),
    (
        "panel.nurse@pscb.example",
        "Named Nurse for Safeguarding Children, Northbridge Hospitals NHS Trust",
        False,
    ),
    ("panel.ccg@pscb.example", "Deputy Director of Quality and Safeguarding, Northbridge CCG", False),
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

TITLE = "Multi-Agency Audit of Intra-Familial Child Sexual Abuse"


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
                case=case, kind=kind, value=value, defaults={"created_by": bm}
            )
        world["cases"].append(case)
