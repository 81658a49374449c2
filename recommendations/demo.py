"""The seed's recommendations (a)-(g) for the demo audit, with the demo's Northbridge agencies.

The seed's deadlines ("January 2018's Board meeting", "31 January 2018") become Board meetings and
dates relative to the day the demo is loaded, so the tracker shows a live mix: one assured, one
overdue, some due soon, some on track, some responded to. Everything here is fictional.
"""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases.demo import CAMHS, CCG, CSC, EDU, HOSP, NURSING, POLICE, YOT

from .models import BoardMeeting, Recommendation
from .services import recommendation_assure, recommendation_create, response_post

RECOMMENDATIONS = [
    # text, owners, deadline ("meeting", days from today) or ("date", days from today)
    (
        "The findings of this audit appear to demonstrate that we are good as a system at focusing support "
        "on victims, but do not appear to have the same level of knowledge on supporting perpetrators of "
        "child sexual abuse. The Board asks partner agencies to report on the current support available to "
        "report back by the Board meeting for members to consider whether this is adequate for Northbridge.",
        [CSC, POLICE, HOSP, CCG, EDU],
        ("meeting", 21),
    ),
    (
        "Children's Social Care, Youth Offending Team, School Nursing Team and Child & Adolescent Mental "
        "Health Services to report on the currently available responses to adolescent low-level sexually "
        "problematic behaviour to Board. The Board then to consider whether we have in Northbridge a "
        "sufficient and up to date response to this issue.",
        [CSC, YOT, NURSING, CAMHS],
        ("date", 60),
    ),
    (
        "In two of the cases the parents made quick and appropriate responses. The Board to seek a response "
        "from Children's Social Care that in similar cases of intra-familial child sexual abuse they will "
        "issue guidance to Locality Teams to help families plan for the longer term rather than just "
        "supporting them to develop a safety plan to address the immediate presenting concerns.",
        [CSC],
        ("meeting", -20),
    ),
    (
        "The Board to ask agencies to report to Board on the current advice and guidance available to "
        "supervisors to support professionals working with cases of child sexual abuse. Then consider "
        "whether this is sufficiently robust enough for them to adequately support practitioners working "
        "with often difficult and complex cases.",
        [CSC, POLICE, HOSP, EDU],
        ("date", -10),
    ),
    (
        "A multi-agency task and finish group should be established to develop practice guidance on how we "
        "manage large and complex families. To consider how we could be smarter in putting our knowledge "
        "and analysis together to make sure we have all the necessary information and a coordinated "
        "approach. This group to report their outcomes to Board.",
        [CSC, POLICE, CCG, EDU],
        ("meeting", 21),
    ),
    (
        "Health partner agencies to respond to Board on the differences in their response to historic "
        "allegations of child sexual abuse versus recent occurrences. The audit found that a medical "
        "examination was routine for allegations made immediately following the abuse and a forensic "
        "examination was required to collect evidence; but there was an unclear response when the abuse "
        "occurred in the past and evidence could be no longer retrieved. The Board asks that health present "
        "the pathway for medical support for victims of historic child sexual abuse, to be assured that "
        "they are offered appropriate support in terms of considering if there are any sexually "
        "transmitted diseases, injuries and/or pregnancies.",
        [HOSP, CCG, NURSING],
        ("meeting", 112),
    ),
    (
        "There is a difficulty in children's allegations not being pursued by the police due to there being "
        "insufficient evidence to bring a charge, as the message the child hears is that they aren't being "
        "believed. Northbridge Constabulary to report back to the Board as to how this process can be "
        "reviewed to consider how this message is given, who is there to help the child 'hear' that message "
        "and what support is available to them afterwards.",
        [POLICE],
        ("date", 90),
    ),
]

# Responses: letter -> (contributor e-mail, text, final?, evidence (name, bytes) or None)
RESPONSES = {
    "a": [
        (
            "contributor@csc.example",
            "Children's Social Care has mapped the support for children who harm and for adults; a joint "
            "paper with the Constabulary is being drafted for the Board meeting.",
            False,
            None,
        )
    ],
    "c": [
        (
            "contributor@csc.example",
            "Guidance for Locality Teams on longer-term family planning after intra-familial abuse has been "
            "issued and briefed to all team managers. The guidance is attached.",
            True,
            (
                "locality-team-guidance.txt",
                b"Locality Team guidance (fictional demo document)\n"
                b"1. Plan with the family for the longer term, not only the immediate safety plan.\n"
                b"2. Review the plan with the family at three and six months.\n",
            ),
        )
    ],
    "e": [
        (
            "contributor@police.example",
            "The Constabulary has named an inspector to the task and finish group; terms of reference agreed.",
            False,
            None,
        )
    ],
    "f": [
        (
            "contributor@hospitals.example",
            "The Trust's pathway for medical support after historic abuse is attached to the draft for the "
            "Board; commissioners are reviewing it.",
            False,
            None,
        )
    ],
}


def _meeting(date):
    meeting, _ = BoardMeeting.objects.get_or_create(date=date, defaults={"title": f"{date:%B} Board meeting"})
    return meeting


def load(world):
    audit = world["audit"]
    users, agencies = world["users"], world["agencies"]
    bm = users["bm@pscb.example"]
    if audit.recommendations.exists():
        return  # Loaded before: running the demo again changes nothing.
    today = timezone.localdate()
    for text, owner_names, (kind, days) in RECOMMENDATIONS:
        when = today + datetime.timedelta(days=days)
        recommendation_create(
            audit=audit,
            actor=bm,
            text=text,
            owners=[agencies[name] for name in owner_names],
            deadline_meeting=_meeting(when) if kind == "meeting" else None,
            deadline_date=when if kind == "date" else None,
        )
    by_letter = {r.letter: r for r in Recommendation.objects.filter(audit=audit)}
    for letter, responses in RESPONSES.items():
        for email, text, is_final, evidence in responses:
            files = (
                [SimpleUploadedFile(evidence[0], evidence[1], content_type="text/plain")] if evidence else []
            )
            response_post(
                recommendation=by_letter[letter],
                actor=users[email],
                text=text,
                is_final=is_final,
                files=files,
            )
    recommendation_assure(
        recommendation=by_letter["c"],
        actor=bm,
        reason="The guidance was seen by the panel and briefed to every Locality Team; the Board is assured.",
    )
