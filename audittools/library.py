"""The tools the system ships with, written in our own words.

`install` works on whatever model classes it is given, so the data migration (historical models) and
the tests (real models) put the same library in place. Library tools are frozen from the start: a
partnership copies one and edits the copy.
"""

TEXT, YNA, GRADE, DATE, CHOICE = "text", "yes_no_na", "grade", "date", "choice"


def q(text, answer_type=TEXT, *, required=False, hint="", max_length=None, choices=(), return_field=""):
    return {
        "text": text,
        "answer_type": answer_type,
        "required": required,
        "help_text": hint,
        "max_length": max_length,
        "choices": list(choices),
        "return_field": return_field,
    }


# The two returns the system has always had, as tools. Their questions are the return's own texts
# (bound by return_field), with the same labels and the same rule: all are needed to submit.
KEY_EVENTS_ANALYSIS = {
    "key": "key-events-analysis",
    "name": "Key events & analysis",
    "description": "The paper audit return: the agency's involvement, its chronology of key events and "
    "an evaluation of how it engaged with the child and family.",
    "sections": [
        {
            "title": "The agency's involvement and analysis",
            "questions": [
                q("Description of involvement", required=True, return_field="involvement"),
                q(
                    "Evaluation of engagement with the child and family",
                    required=True,
                    return_field="engagement_evaluation",
                ),
            ],
        }
    ],
}

KEY_EVENTS_CHRONOLOGY = {
    "key": "key-events-chronology",
    "name": "Key events & chronology",
    "description": "The reflective practice meeting return: the agency's involvement, its chronology of "
    "key events and a short analysis of policy, practice and lessons so far.",
    "sections": [
        {
            "title": "The agency's involvement and analysis",
            "questions": [
                q("Description of involvement", required=True, return_field="involvement"),
                q("Analysis of policy and procedures", required=True, return_field="policy_analysis"),
                q("Analysis of professional practice", required=True, return_field="practice_analysis"),
                q("Lessons learnt so far", required=True, return_field="lessons_learnt"),
            ],
        }
    ],
}

VOICE_OF_THE_CHILD = {
    "title": "The child's voice and lived experience",
    "guidance": "Think about what daily life was like for this child, and whether practitioners found out.",
    "practice_boxes": True,
    "questions": [
        q("Did a practitioner from your agency see the child?", YNA, required=True),
        q("Was the child seen on their own?", YNA, required=True),
        q("Were the child's wishes and feelings written down in their own words?", YNA, required=True),
        q("Did what the child said change the plan for them?", YNA, required=True),
        q(
            "How well did your agency understand the child's lived experience?",
            GRADE,
            required=True,
        ),
        q("Tell us what the child said or showed, and what was done with it.", max_length=2000),
    ],
}

VOICE_OF_THE_CHILD_TOOL = {
    "key": "voice-of-the-child",
    "name": "Voice of the child",
    "description": "A single section to add to any tool: was the child seen, seen alone, were their "
    "views recorded and did they change the plan.",
    "sections": [VOICE_OF_THE_CHILD],
}


def _domain(title, guidance, questions):
    return {"title": title, "guidance": guidance, "practice_boxes": True, "questions": questions}


GENERIC_MACFA = {
    "key": "generic-macfa",
    "name": "Multi-agency case file audit (any theme)",
    "description": "A themed audit tool for any multi-agency case file audit: eight domains, each graded "
    "Outstanding, Good, Requires improvement or Inadequate, with room for good practice and areas "
    "for development.",
    "sections": [
        _domain(
            "Recognition of need and risk",
            "Was the need or risk to the child seen early, and by whom?",
            [
                q("When did your agency first become aware of concerns?", DATE),
                q("Were the risks to the child recognised when they first showed?", YNA, required=True),
                q("Grade your agency's recognition of need and risk.", GRADE, required=True),
                q("What told you this child needed help?", max_length=1500),
            ],
        ),
        _domain(
            "Assessment",
            "Was there an assessment that looked at the whole family and was kept up to date?",
            [
                q("Was an assessment completed within the expected time?", YNA, required=True),
                q(
                    "What kind of assessment was used?",
                    CHOICE,
                    choices=[
                        "Early help assessment",
                        "Child and family assessment",
                        "Section 47 enquiry",
                        "Specialist health assessment",
                        "None",
                    ],
                ),
                q("Grade the quality of assessment.", GRADE, required=True),
            ],
        ),
        _domain(
            "Planning and intervention",
            "Did the plan say who does what by when, and did it make a difference?",
            [
                q("Was there a plan with clear outcomes for the child?", YNA, required=True),
                q("Grade planning and intervention.", GRADE, required=True),
            ],
        ),
        _domain(
            "Joint working and information sharing",
            "Did agencies talk to each other at the right time, and act on what they heard?",
            [
                q("Was information shared with partners when it mattered?", YNA, required=True),
                q("Grade joint working and information sharing.", GRADE, required=True),
            ],
        ),
        VOICE_OF_THE_CHILD,
        _domain(
            "Management oversight",
            "Did supervision and management add something to the work?",
            [
                q("Is management oversight recorded on the file?", YNA, required=True),
                q("Grade management oversight.", GRADE, required=True),
            ],
        ),
        _domain(
            "Impact",
            "Is the child better off because of what was done?",
            [
                q("Grade the impact of your agency's work on the child.", GRADE, required=True),
                q("What difference did the work make for the child?", max_length=1500),
            ],
        ),
        {
            "title": "Overall judgement",
            "guidance": "Your agency's overall view of its practice in this case.",
            "practice_boxes": False,
            "questions": [
                q("Overall grade for your agency's practice in this case.", GRADE, required=True),
                q("Summary of your reasons.", required=True, max_length=2000),
            ],
        },
    ],
}

LIBRARY = [KEY_EVENTS_ANALYSIS, KEY_EVENTS_CHRONOLOGY, GENERIC_MACFA, VOICE_OF_THE_CHILD_TOOL]


def install(Tool, ToolVersion, ToolSection, ToolQuestion, *, now):
    """Create each library tool that is not there yet (by key), as version 1, frozen."""
    for spec in LIBRARY:
        if Tool.objects.filter(library_key=spec["key"]).exists():
            continue
        tool = Tool.objects.create(
            name=spec["name"], description=spec["description"], is_library=True, library_key=spec["key"]
        )
        version = ToolVersion.objects.create(tool=tool, number=1, frozen_at=now)
        for s_pos, section in enumerate(spec["sections"], start=1):
            sec = ToolSection.objects.create(
                version=version,
                position=s_pos,
                title=section["title"],
                guidance=section.get("guidance", ""),
                practice_boxes=section.get("practice_boxes", False),
            )
            for q_pos, question in enumerate(section["questions"], start=1):
                ToolQuestion.objects.create(section=sec, position=q_pos, **question)


def install_library():
    """Install the library tools that are missing, with the current models. The data migration
    installs them once; a flushed database (a transactional test, `manage.py flush`) loses them,
    so the demo and tests that use a library tool call this first. Idempotent."""
    from django.utils import timezone

    from .models import Tool, ToolQuestion, ToolSection, ToolVersion

    install(Tool, ToolVersion, ToolSection, ToolQuestion, now=timezone.now())
