"""Seven lettered recommendations (a)-(g) for the fictional Northbridge demo audit, following the
subjects, owners and kinds of deadline of the seed report's recommendations, in our own words.

The seed ties its deadlines to a Board meeting or a fixed date; here they become Board meetings and
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
        "The audit suggests that, as a partnership, we support victims well but know far less about what is "
        "on offer for those who sexually abuse children. Partner agencies are asked to set out the support "
        "available now, in time for the Board meeting, so that members can judge whether it is enough for "
        "Northbridge.",
        [CSC, POLICE, HOSP, CCG, EDU],
        ("meeting", 21),
    ),
    (
        "Children's Social Care, the Youth Offending Team, the School Nursing Team and CAMHS to tell the "
        "Board how they respond today to low-level sexually problematic behaviour by adolescents, so that the "
        "Board can decide whether Northbridge's response is sufficient and current.",
        [CSC, YOT, NURSING, CAMHS],
        ("date", 60),
    ),
    (
        "In two of the cases the parents acted quickly and protectively. Children's Social Care to assure the "
        "Board that, in comparable cases of intra-familial child sexual abuse, Locality Teams will be given "
        "guidance on helping families plan for the months and years ahead, not only on drawing up a safety "
        "plan for the concerns of the moment.",
        [CSC],
        ("meeting", -20),
    ),
    (
        "Agencies to report to the Board on the advice and guidance their supervisors have for supporting "
        "staff who work on cases of child sexual abuse, so that the Board can judge whether it is strong "
        "enough for practitioners handling work that is often hard and complicated.",
        [CSC, POLICE, HOSP, EDU],
        ("date", -10),
    ),
    (
        "Set up a multi-agency task and finish group to write practice guidance for working with large, "
        "complex families: how agencies can pool what they know and their analysis of it, so that nothing "
        "important is missed and the response is joined up. The group to bring its conclusions to the Board.",
        [CSC, POLICE, CCG, EDU],
        ("meeting", 21),
    ),
    (
        "Health partners to explain to the Board how their response differs between recent and historic "
        "allegations of child sexual abuse. The audit found that when abuse has just happened a medical "
        "examination is routine and a forensic examination gathers evidence, but that when the abuse lies in "
        "the past and no evidence can be recovered the response is less clear. Health is asked to present "
        "its pathway of medical support for victims of historic abuse, so the Board can be confident they are "
        "offered the right care, including checks for sexually transmitted infection, injury and pregnancy.",
        [HOSP, CCG, NURSING],
        ("meeting", 112),
    ),
    (
        "When the police take no further action because the evidence would not support a charge, a child "
        "can hear that decision as not being believed. Northbridge Constabulary to report to the Board on how "
        "the decision could be explained to children differently: how the message is given, who is with the "
        "child to help them understand it, and what support follows.",
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
