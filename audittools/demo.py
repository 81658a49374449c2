"""Demo: a second, smaller audit on the generic graded tool, with self-graded returns the panel has
moderated, the chair's overall judgements, and one immediate safeguarding concern that the agency
acknowledged and the panel resolved. Fictional, in our own words. Idempotent: if the audit is there,
nothing changes."""

import datetime

from django.utils import timezone

from cases.models import Audit, Case, IdentifyingTerm
from cases.services import (
    audit_create,
    audit_update,
    case_create,
    panel_member_add,
    return_accept,
    return_request,
    return_save_draft,
    return_submit,
)
from reviews.concerns import concern_acknowledge, concern_raise, concern_resolve

from .library import install_library
from .models import Tool, ToolQuestion
from .services import audit_tool_choose, case_judgement_record, grade_moderate, return_answers_save

TITLE = "Neglect of younger children: a graded multi-agency case file audit"
CSC, EDU, NURSING = (
    "Northbridge Children's Social Care",
    "Northbridge Education Services",
    "Northbridge School Nursing Team",
)
PANEL = [
    ("panel@pscb.example", "Chair of the quality assurance subgroup", True),
    ("panel.nurse@pscb.example", "Named Nurse for Safeguarding Children", False),
    ("panel.csc@pscb.example", "Head of Safeguarding Quality Assurance", False),
]
CASES = [
    (
        Case.ChildStatus.CHILD_IN_NEED,
        "A primary-age child in a household where meals, clothing and school attendance slipped over a year.",
        [("child_name", "Mabel Thornycroft"), ("school", "Hartsgrove Primary School")],
    ),
    (
        Case.ChildStatus.CLOSED,
        "A toddler whose health appointments were missed repeatedly before a home visit found poor conditions.",
        [("child_name", "Otis Penhallow"), ("address", "7 Quarry Row")],
    ),
]
# Self-grades per case and agency, domain by domain in the tool's order:
# recognition, assessment, planning, joint working, voice, oversight, impact, overall.
OUT, G, R, INAD = "outstanding", "good", "requires_improvement", "inadequate"
SELF_GRADES = {
    (1, CSC): [G, G, R, G, G, R, G, G],
    (1, EDU): [OUT, G, G, R, G, G, G, G],
    (1, NURSING): [G, R, R, R, R, G, R, R],
    (2, CSC): [R, R, INAD, R, R, R, R, R],
    (2, EDU): [G, G, G, G, OUT, G, G, G],
    (2, NURSING): [R, G, R, INAD, R, R, R, R],
}
# (case, agency, domain index, panel's grade, reason); a grade equal to the self-grade confirms it.
MODERATION = [
    (1, CSC, 5, R, ""),
    (1, EDU, 0, G, "Attendance worries were logged but not passed on for two terms."),
    (1, NURSING, 4, R, ""),
    (2, CSC, 2, INAD, ""),
    (2, EDU, 4, G, "The child was too young to give views; observation notes were thin."),
    (2, NURSING, 3, R, "Referral was made, though late; the panel judged the gap less serious."),
]
JUDGEMENTS = {
    1: (G, "Needs were seen and met, though management oversight lagged behind the work."),
    2: (R, "Missed appointments were not linked up across agencies until the home visit."),
}
ENTRIES = [
    (30, "Concern noted about the child's hunger and clothing.", "Class teacher; designated lead"),
    (75, "Home visit arranged after missed appointments.", "Social worker; school nurse"),
]
TEXT_ANSWERS = {
    "text": "Written by the agency: what was seen, when and what followed.",
    "choice": "Child and family assessment",
}


def _answers(version, grades):
    """One answer for every question of the tool: the grades in domain order, yes to the yes/no
    questions, a short fictional text where text is asked for."""
    answers, domain = {}, -1
    for question in ToolQuestion.objects.filter(section__version=version, return_field="").order_by(
        "section__position", "position"
    ):
        if question.answer_type == ToolQuestion.AnswerType.GRADE:
            domain += 1
            answers[question.pk] = grades[min(domain, len(grades) - 1)]
        elif question.answer_type == ToolQuestion.AnswerType.YES_NO_NA:
            answers[question.pk] = "yes"
        elif question.answer_type == ToolQuestion.AnswerType.DATE:
            answers[question.pk] = (timezone.localdate() - datetime.timedelta(days=200)).isoformat()
        else:
            answers[question.pk] = TEXT_ANSWERS[question.answer_type]
    return answers


def load(world):
    audit = Audit.objects.filter(title=TITLE).first()
    if audit is not None:
        world["tools_audit"] = audit
        return
    users, agencies = world["users"], world["agencies"]
    bm = users["bm@pscb.example"]
    chair = users["panel@pscb.example"]
    today = timezone.localdate()
    audit = audit_create(
        actor=bm,
        title=TITLE,
        theme="Neglect",
        purpose="Grade how agencies recognised and responded to neglect.\n"
        "Compare each agency's view of its practice with the panel's.",
        period_start=today - datetime.timedelta(days=400),
        period_end=today - datetime.timedelta(days=40),
        status=Audit.Status.COLLECTING,
    )
    world["tools_audit"] = audit
    for email, role, is_chair in PANEL:
        panel_member_add(audit=audit, user=users[email], panel_role=role, is_chair=is_chair, actor=bm)
    install_library()
    generic = Tool.objects.get(library_key="generic-macfa")
    audit_tool = audit_tool_choose(audit=audit, tool=generic, actor=bm, grades_annex=True)
    involved = [agencies[n] for n in (CSC, EDU, NURSING)]
    cases = {}
    for number, (status, summary, terms) in enumerate(CASES, start=1):
        case = case_create(
            audit=audit,
            actor=bm,
            selection_basis=Case.SelectionBasis.SECTION_47,
            child_status=status,
            method=Case.Method.PAPER,
            summary=summary,
            agencies=involved,
        )
        for kind, value in terms:
            IdentifyingTerm.objects.create(case=case, kind=kind, value=value, created_by=bm)
        return_request(case=case, agencies=involved, due_date=today + datetime.timedelta(days=14), actor=bm)
        cases[number] = case
    contributor = users.get("contributor@csc.example")
    for (number, agency_name), grades in SELF_GRADES.items():
        agency_return = cases[number].returns.get(agency__name=agency_name)
        actor = contributor if (contributor and agency_name == CSC) else bm
        entries = [
            {
                "date": audit.period_start + datetime.timedelta(days=offset + 10 * number),
                "date_precision": "day",
                "what_happened": what,
                "who_involved": who,
                "is_key_event": True,
            }
            for offset, what, who in ENTRIES
        ]
        agency_return = return_save_draft(
            agency_return=agency_return,
            actor=actor,
            version=agency_return.version,
            fields={
                "involvement": "The agency knew the family through routine universal services.",
                "engagement_evaluation": "Contact was regular but the family's difficulties were seen late.",
            },
            entries=entries,
        )
        return_answers_save(
            agency_return=agency_return,
            actor=actor,
            answers=_answers(audit_tool.version, grades),
            reflections={},
        )
        agency_return = return_submit(agency_return=agency_return, actor=actor, version=agency_return.version)
        return_accept(agency_return=agency_return, actor=bm)
    for number, agency_name, domain, grade, reason in MODERATION:
        agency_return = cases[number].returns.get(agency__name=agency_name)
        answer = (
            agency_return.tool_answers.filter(question__answer_type="grade")
            .order_by("question__section__position", "question__position")
            .select_related("question")[domain]
        )
        grade_moderate(answer=answer, actor=chair, grade=grade, reason=reason)
    for number, (grade, summary) in JUDGEMENTS.items():
        case_judgement_record(case=cases[number], actor=chair, grade=grade, summary=summary)
    concern = concern_raise(
        case=cases[2],
        actor=users["panel.nurse@pscb.example"],
        agency=agencies[CSC],
        description="A younger sibling is still living in the same conditions; no current plan is on file.",
        urgency="immediate",
    )
    concern_acknowledge(
        concern=concern,
        actor=contributor or bm,
        acknowledged_on=today,
        action_taken="Duty social worker visited the same day; a child and family assessment was opened.",
        action_taken_on=today,
    )
    concern_resolve(concern=concern, actor=chair)
    audit_update(audit=audit, actor=bm, status=Audit.Status.PANEL_REVIEW)
