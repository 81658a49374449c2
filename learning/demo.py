"""Demo learning across several years: the main demo audit's findings tagged with themes, and three
earlier fictional audits (2023 to 2025) with their cases, learning points, recommendations and what
became of them, so that the library, the recurring-themes chart and "have we been here before?" show
something real. Our own words; everything here is fictional. Idempotent."""

import datetime

from django.utils import timezone

from cases.models import Audit, Case
from cases.services import audit_create, case_create, panel_member_add
from recommendations.models import Recommendation
from recommendations.services import recommendation_assure, recommendation_create
from reviews.models import AgencyAction, LearningPoint
from reviews.services import learning_point_add

from .models import Theme

# Words that suggest a theme in a finding's text (used to tag the demo's findings, nothing else).
KEYWORDS = {
    "Information sharing": ("shar", "information", "told", "passed on"),
    "Professional curiosity": ("curio", "question", "check"),
    "Voice of the child": ("voice", "views", "wishes", "the child's own", "listened"),
    "Escalation and challenge": ("escalat", "challeng", "disagree"),
    "Supervision": ("supervis",),
    "Neglect": ("neglect",),
    "Domestic abuse": ("domestic",),
    "Disguised compliance": ("complian", "cooperat", "engage"),
    "Transitions": ("transition", "moved", "move to", "handover"),
    "Thresholds": ("threshold", "early help", "strategy"),
}

G, D, L = (
    LearningPoint.Kind.GOOD_PRACTICE,
    LearningPoint.Kind.AREA_FOR_DEVELOPMENT,
    LearningPoint.Kind.LEARNING,
)

# title, theme, year, [(method, [(kind, text)])], [(text, owners, outcome)]
EARLIER = [
    (
        "Children living with neglect: multi-agency audit",
        "Neglect",
        2023,
        [
            (
                Case.Method.PAPER,
                [
                    (
                        D,
                        "Home conditions were described at each visit but nobody put the descriptions side by side, so the slow slide in the children's care went unseen for a year.",
                    ),
                    (
                        G,
                        "The health visitor used a neglect screening tool and shared the result with the school nurse within a week.",
                    ),
                ],
            ),
            (
                Case.Method.MEETING,
                [
                    (
                        D,
                        "The mother's cooperation at planned visits was taken as progress although unannounced visits found the same problems.",
                    ),
                    (
                        L,
                        "Supervision records show the social worker asked for help with a stuck case; the help came late.",
                    ),
                ],
            ),
        ],
        [
            (
                "Agencies to use the same neglect screening tool and share its results at every core group.",
                ["Northbridge Children's Social Care", "Northbridge Hospitals NHS Trust"],
                "assured",
            ),
            (
                "Supervision policies to require a review of any child protection plan unchanged for six months.",
                ["Northbridge Children's Social Care"],
                "overdue",
            ),
        ],
    ),
    (
        "Hearing the child: voice of the child audit",
        "Voice of the child",
        2024,
        [
            (
                Case.Method.PAPER,
                [
                    (
                        D,
                        "The child was seen at each visit but mostly with a parent present; their own views were rarely written down.",
                    ),
                    (
                        G,
                        "The school kept a careful record of what the child said in class and passed it to the social worker the same day.",
                    ),
                ],
            ),
            (
                Case.Method.MEETING,
                [
                    (
                        L,
                        "Practitioners said they lacked the time to see the child alone; their managers had not known this.",
                    ),
                    (
                        D,
                        "When the family moved to a new area the handover between teams lost the child's own account.",
                    ),
                ],
            ),
        ],
        [
            (
                "Partner agencies to record the views and wishes of the child at every visit and show how those views changed the plan.",
                ["Northbridge Children's Social Care", "Northbridge Education Services"],
                "assured",
            ),
            (
                "Handover between locality teams to include a written summary of what the child has said.",
                ["Northbridge Children's Social Care"],
                "overdue",
            ),
        ],
    ),
    (
        "Early help and thresholds audit",
        "Thresholds",
        2025,
        [
            (
                Case.Method.PAPER,
                [
                    (
                        D,
                        "Two referrals about the same family were judged against the threshold separately; together they would have met it.",
                    ),
                    (
                        G,
                        "The early help worker escalated her concern to a manager and a strategy discussion followed within a day.",
                    ),
                ],
            ),
            (
                Case.Method.MEETING,
                [
                    (
                        L,
                        "Agencies disagreed about the level of need but nobody used the escalation policy to settle it.",
                    ),
                    (
                        D,
                        "Domestic abuse notifications reached the school but not the early help team working with the family.",
                    ),
                ],
            ),
        ],
        [
            (
                "The Partnership to remind all agencies how to use the escalation policy when they disagree about thresholds.",
                ["Northbridge Children's Social Care", "Northbridge Constabulary"],
                "assured",
            ),
            (
                "Police to send domestic abuse notifications to the early help team as well as to schools.",
                ["Northbridge Constabulary"],
                "open",
            ),
        ],
    ),
]


def themes_for(text, themes):
    lower = text.lower()
    return [
        themes[name] for name, words in KEYWORDS.items() if name in themes and any(w in lower for w in words)
    ]


def tag(objects, relation, themes):
    for obj in objects:
        text = getattr(obj, "text", None) or getattr(obj, "description", "")
        for theme in themes_for(text, themes):
            getattr(theme, relation).add(obj)


def load(world):
    themes = {t.name: t for t in Theme.objects.filter(is_active=True)}
    users, agencies = world["users"], world["agencies"]
    bm = users["bm@pscb.example"]
    if Audit.objects.filter(title=EARLIER[0][0]).exists():
        return  # Loaded before.
    today = timezone.localdate()

    audit = world.get("audit")
    if audit is not None:
        tag(LearningPoint.objects.filter(case__audit=audit), "learning_points", themes)
        tag(AgencyAction.objects.filter(case__audit=audit), "agency_actions", themes)
        tag(Recommendation.objects.filter(audit=audit), "recommendations", themes)

    chair = users.get("panel@pscb.example")
    for title, theme_name, year, cases, recommendations in EARLIER:
        earlier = audit_create(
            actor=bm,
            title=title,
            theme=theme_name,
            purpose="See how agencies worked together on this theme.\nFind what worked and what should change.",
            period_start=datetime.date(year, 1, 1),
            period_end=datetime.date(year, 6, 30),
            status=Audit.Status.CLOSED,
        )
        if chair is not None:
            panel_member_add(
                audit=earlier, user=chair, panel_role="Chair of the audit panel", is_chair=True, actor=bm
            )
        themes[theme_name].audits.add(earlier)
        for method, points in cases:
            case = case_create(
                audit=earlier,
                actor=bm,
                selection_basis=Case.SelectionBasis.SECTION_47,
                child_status=Case.ChildStatus.CLOSED,
                method=method,
                summary="A fictional case for the demo's earlier audits.",
                agencies=[
                    agencies[n] for n in ("Northbridge Children's Social Care", "Northbridge Constabulary")
                ],
            )
            made = [learning_point_add(case=case, actor=bm, kind=kind, text=text) for kind, text in points]
            tag(made, "learning_points", themes)
        for text, owners, outcome in recommendations:
            deadline = (
                today - datetime.timedelta(days=40)
                if outcome in ("overdue", "open")
                else datetime.date(year + 1, 3, 31)
            )
            if outcome == "open":
                deadline = today + datetime.timedelta(days=75)
            rec = recommendation_create(
                audit=earlier,
                actor=bm,
                text=text,
                owners=[agencies[n] for n in owners],
                deadline_date=deadline,
            )
            tag([rec], "recommendations", themes)
            if outcome == "assured":
                recommendation_assure(
                    recommendation=rec,
                    actor=bm,
                    reason="Evidence of the change was seen in a sample of cases.",
                )
