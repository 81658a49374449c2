"""Audit tools: built by the Business Manager with every answer type, used by an audit, frozen at the
audit's first return request, rendered and validated on the return, and kept in the change history."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audittools import library
from audittools.models import AuditTool, ReturnAnswer, Tool, ToolQuestion, ToolVersion
from audittools.services import audit_tool_choose, question_add, section_add, tool_create
from cases.forms import RETURN_TEMPLATE_FIELDS, ReturnForm
from cases.models import AgencyReturn
from cases.services import REQUIRED_TO_SUBMIT
from tests.cases.returns_helpers import submit_return
from tests.factories import AgencyReturnFactory, CaseFactory, ChronologyEntryFactory
from tests.helpers import login

pytestmark = pytest.mark.django_db


def _build_tool_through_the_pages(client, bm):
    """The Business Manager builds a tool with one question of each answer type."""
    login(client, bm)
    response = client.post(
        reverse("audittools:tool_list"), {"name": "Neglect tool", "description": "Neglect."}
    )
    tool = Tool.objects.get(name="Neglect tool")
    assert response.status_code == 302
    client.post(
        reverse("audittools:section_add", kwargs={"tool_pk": tool.pk}),
        {"title": "Recognition of neglect", "guidance": "", "practice_boxes": "on"},
    )
    section = tool.latest_version.sections.get()
    questions = [
        {"text": "What did you see at home?", "answer_type": "text", "required": "on", "max_length": "40"},
        {"text": "Was the child seen alone?", "answer_type": "yes_no_na", "required": "on"},
        {"text": "Grade the recognition of neglect.", "answer_type": "grade", "required": "on"},
        {"text": "When was neglect first recorded?", "answer_type": "date"},
        {"text": "Which tool was used?", "answer_type": "choice", "choices": "Graded care profile\nNone"},
    ]
    url = reverse("audittools:question_add", kwargs={"tool_pk": tool.pk, "section_pk": section.pk})
    for q in questions:
        response = client.post(url, {f"s{section.pk}-{k}": v for k, v in q.items()})
        assert response.status_code == 302, response.content.decode()[:2000]
    return tool


def test_a_tool_with_every_answer_type_is_frozen_at_the_first_request_and_edits_make_a_new_version(
    client, cast
):
    tool = _build_tool_through_the_pages(client, cast.bm)
    version_1 = tool.latest_version
    assert sorted(q.answer_type for q in ToolQuestion.objects.filter(section__version=version_1)) == sorted(
        ToolQuestion.AnswerType.values
    )
    page = client.get(reverse("audittools:tool_detail", kwargs={"tool_pk": tool.pk})).content.decode()
    for label in (
        "Free text",
        "Yes / no / not applicable",
        "Date",
        "Choice from a list",
        "Graded care profile",
    ):
        assert label in page

    # The audit chooses the tool; before any request, an edit changes the same version.
    audit = CaseFactory(number=1, audit__created_by=cast.bm).audit
    client.post(reverse("audittools:audit_tool_edit", kwargs={"audit_pk": audit.pk}), {"tool": tool.pk})
    assert AuditTool.objects.get(audit=audit).version == version_1
    question = ToolQuestion.objects.get(section__version=version_1, answer_type="text")
    edit_url = reverse("audittools:question_edit", kwargs={"tool_pk": tool.pk, "question_pk": question.pk})
    form = {
        "text": "What did you see in the home?",
        "answer_type": "text",
        "required": "on",
        "max_length": "40",
    }
    assert client.post(edit_url, form).status_code == 302
    assert tool.versions.count() == 1

    # The first return request freezes it.
    case = audit.cases.get()
    case.agencies.set([cast.agency])
    due = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    client.post(
        reverse("cases:return_request", kwargs={"case_pk": case.pk}),
        {"agencies": [cast.agency.pk], "due_date": due},
    )
    assert AgencyReturn.objects.filter(case=case).exists()
    version_1.refresh_from_db()
    assert version_1.is_frozen

    # An edit now makes version 2; the audit keeps version 1 and its wording.
    form["text"] = "What did you see, hear and smell in the home?"
    assert client.post(edit_url, form).status_code == 302
    assert list(tool.versions.order_by("number").values_list("number", flat=True)) == [1, 2]
    assert AuditTool.objects.get(audit=audit).version == version_1
    assert ToolQuestion.objects.filter(
        section__version=version_1, text="What did you see in the home?"
    ).exists()
    assert ToolQuestion.objects.filter(
        section__version__number=2,
        section__version__tool=tool,
        text="What did you see, hear and smell in the home?",
    ).exists()
    page = client.get(reverse("audittools:tool_detail", kwargs={"tool_pk": tool.pk})).content.decode()
    assert "Version 2" in page and audit.title in page

    # The tool can no longer be swapped on that audit.
    other = Tool.objects.get(library_key="generic-macfa")
    response = client.post(
        reverse("audittools:audit_tool_edit", kwargs={"audit_pk": audit.pk}), {"tool": other.pk}
    )
    assert response.status_code == 400
    assert "can no longer be changed" in response.content.decode()


def test_library_tools_are_copied_never_edited(client, cast):
    library_tool = Tool.objects.get(library_key="voice-of-the-child")
    login(client, cast.bm)
    section = library_tool.latest_version.sections.get()
    client.post(
        reverse("audittools:section_add", kwargs={"tool_pk": library_tool.pk}), {"title": "Sneaked in"}
    )
    assert not library_tool.latest_version.sections.filter(title="Sneaked in").exists()
    response = client.post(reverse("audittools:tool_copy", kwargs={"tool_pk": library_tool.pk}))
    copy = Tool.objects.get(copied_from=library_tool)
    assert response["Location"] == reverse("audittools:tool_detail", kwargs={"tool_pk": copy.pk})
    assert [q.text for q in copy.latest_version.sections.get().questions.all()] == [
        q.text for q in section.questions.all()
    ]


def test_the_library_ships_the_generic_tool_and_the_voice_of_the_child(db):
    generic = Tool.objects.get(library_key="generic-macfa").latest_version
    titles = list(generic.sections.values_list("title", flat=True))
    assert titles == [
        "Recognition of need and risk",
        "Assessment",
        "Planning and intervention",
        "Joint working and information sharing",
        "The child's voice and lived experience",
        "Management oversight",
        "Impact",
        "Overall judgement",
    ]
    voice = Tool.objects.get(library_key="voice-of-the-child").latest_version.sections.get()
    texts = " ".join(voice.questions.values_list("text", flat=True))
    for words in ("see the child", "on their own", "own words", "change the plan"):
        assert words in texts


def _tool_audit(cast, *, library_key="generic-macfa"):
    audit_tool_choose(audit=cast.audit, tool=Tool.objects.get(library_key=library_key), actor=cast.bm)
    return cast.agency_return


def test_the_return_renders_the_tools_questions_and_refuses_bad_answers(client, cast):
    tool = tool_create(actor=cast.bm, name="Tiny tool")
    section = section_add(tool=tool, actor=cast.bm, title="Home conditions", practice_boxes=True)
    text_q = question_add(
        section=section,
        actor=cast.bm,
        text="Describe the home.",
        answer_type="text",
        required=True,
        max_length=20,
    )
    grade_q = question_add(
        section=section, actor=cast.bm, text="Grade it.", answer_type="grade", required=True
    )
    date_q = question_add(section=section, actor=cast.bm, text="First visit?", answer_type="date")
    audit_tool_choose(audit=cast.audit, tool=tool, actor=cast.bm)
    url = reverse("audittools:return_tool", kwargs={"return_pk": cast.agency_return.pk})
    login(client, cast.contributor)
    page = client.get(url).content.decode()
    for text in (
        "Describe the home.",
        "Grade it.",
        "First visit?",
        "Outstanding",
        "Requires improvement",
        "Inadequate",
        "grade-good",
        "Good practice: Home conditions",
        "Areas for development",
    ):
        assert text in page

    response = client.post(
        url, {f"q{text_q.pk}": "x" * 21, f"q{grade_q.pk}": "brilliant", f"q{date_q.pk}": "31/02/2026"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert "20 characters or fewer" in html and "Ensure this value" not in html
    assert not ReturnAnswer.objects.exists()

    response = client.post(
        url,
        {
            f"q{text_q.pk}": "Cold, little food.",
            f"q{grade_q.pk}": "requires_improvement",
            f"q{date_q.pk}": "2026-02-03",
            f"s{section.pk}_good": "Prompt home visit.",
        },
    )
    assert response.status_code == 302
    answers = {a.question_id: a for a in ReturnAnswer.objects.filter(agency_return=cast.agency_return)}
    assert answers[grade_q.pk].value == "requires_improvement"
    assert answers[date_q.pk].date == datetime.date(2026, 2, 3)
    page = client.get(url).content.decode()
    assert "Cold, little food." in page and "Prompt home visit." in page


def test_required_tool_questions_are_enforced_at_submit_with_the_error_listed(client, cast):
    agency_return = _tool_audit(cast)
    ChronologyEntryFactory(agency_return=agency_return)
    login(client, cast.contributor)
    form = {
        "version": agency_return.version,
        "involvement": "Health visits.",
        "policy_analysis": "Policy followed.",
        "practice_analysis": "Practice sound.",
        "lessons_learnt": "Share sooner.",
        "entries-TOTAL_FORMS": "1",
        "entries-INITIAL_FORMS": "0",
        "entries-0-date": "03/02/2026",
        "entries-0-date_precision": "day",
        "entries-0-what_happened": "Strategy discussion held.",
        "action": "submit",
    }
    response = client.post(reverse("cases:return_edit", kwargs={"return_pk": agency_return.pk}), form)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Audit tool, Recognition of need and risk: answer" in html
    assert "Grade your agency&#x27;s recognition of need and risk." in html
    agency_return.refresh_from_db()
    assert agency_return.status != AgencyReturn.Status.SUBMITTED

    # Every required question answered: the return submits.
    version = Tool.objects.get(library_key="generic-macfa").latest_version
    for q in ToolQuestion.objects.filter(section__version=version, required=True, return_field=""):
        value = {"grade": "good", "yes_no_na": "yes", "text": "Reasons given."}[q.answer_type]
        ReturnAnswer.objects.create(agency_return=agency_return, question=q, value=value)
    agency_return.refresh_from_db()
    form["version"] = agency_return.version
    response = submit_return(client, agency_return, form)
    assert response.status_code == 302, response.content.decode()[:3000]
    agency_return.refresh_from_db()
    assert agency_return.status == AgencyReturn.Status.SUBMITTED


def test_a_contributor_cannot_open_another_agencys_tool_page(client, cast):
    _tool_audit(cast)
    login(client, cast.contributor_other)
    url = reverse("audittools:return_tool", kwargs={"return_pk": cast.agency_return.pk})
    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code == 404


@pytest.mark.postgres
def test_each_answer_is_in_the_change_history(client, cast):
    from history.models import ReturnAnswerEvent

    agency_return = _tool_audit(cast)
    question = ToolQuestion.objects.filter(
        section__version__audits__audit=cast.audit, answer_type="grade"
    ).first()
    url = reverse("audittools:return_tool", kwargs={"return_pk": agency_return.pk})
    login(client, cast.contributor)
    client.post(url, {f"q{question.pk}": "good"})
    client.post(url, {f"q{question.pk}": "inadequate"})
    answer = ReturnAnswer.objects.get(agency_return=agency_return, question=question)
    events = ReturnAnswerEvent.objects.filter(pgh_obj_id=answer.pk).order_by("pgh_id")
    assert [(e.pgh_label, e.value) for e in events] == [("insert", "good"), ("update", "inadequate")]
    login(client, cast.bm)
    history = client.get(
        reverse(
            "history:record_history",
            kwargs={"app_label": "audittools", "model_name": "returnanswer", "object_pk": answer.pk},
        )
    ).content.decode()
    assert "inadequate" in history and "Cora Contributor" in history


# --- The two original templates, as tools ------------------------------------------------------


@pytest.mark.parametrize(
    "key,template",
    [
        ("key-events-analysis", AgencyReturn.Template.KEY_EVENTS_ANALYSIS),
        ("key-events-chronology", AgencyReturn.Template.KEY_EVENTS_CHRONOLOGY),
    ],
)
def test_the_template_tools_ask_exactly_what_the_returns_ask_today(cast, key, template):
    version = Tool.objects.get(library_key=key).latest_version
    questions = list(
        ToolQuestion.objects.filter(section__version=version).order_by("section__position", "position")
    )
    agency_return = AgencyReturnFactory(
        case=CaseFactory(method="paper" if template.endswith("analysis") else "meeting")
    )
    form = ReturnForm(instance=agency_return)
    assert [q.return_field for q in questions] == RETURN_TEMPLATE_FIELDS[template]
    assert [q.text for q in questions] == [
        str(form.fields[name].label) for name in RETURN_TEMPLATE_FIELDS[template]
    ]
    assert [q.return_field for q in questions if q.required] == REQUIRED_TO_SUBMIT[template]


def test_an_audit_on_a_template_tool_keeps_todays_return(client, cast):
    agency_return = _tool_audit(cast, library_key="key-events-chronology")
    login(client, cast.contributor)
    page = client.get(
        reverse("audittools:return_tool", kwargs={"return_pk": agency_return.pk})
    ).content.decode()
    assert "no audit tool questions beyond the return" in page
    edit = client.get(reverse("cases:return_edit", kwargs={"return_pk": agency_return.pk})).content.decode()
    for label in ("Description of involvement", "Analysis of policy and procedures", "Lessons learnt so far"):
        assert label in edit


def test_the_library_install_is_idempotent(db):
    before = Tool.objects.count()
    library.install(
        Tool, ToolVersion, ToolQuestion.section.field.related_model, ToolQuestion, now=timezone.now()
    )
    assert Tool.objects.count() == before == len(library.LIBRARY)


def test_hostile_text_in_an_answer_is_stored_cleaned_and_shown_inert(client, cast):
    tool = tool_create(actor=cast.bm, name="Tiny tool")
    section = section_add(tool=tool, actor=cast.bm, title="Home")
    question = question_add(section=section, actor=cast.bm, text="Describe the home.", answer_type="text")
    audit_tool_choose(audit=cast.audit, tool=tool, actor=cast.bm)
    url = reverse("audittools:return_tool", kwargs={"return_pk": cast.agency_return.pk})
    login(client, cast.contributor)
    hostile = '<script>alert("x")</script>\u200b=HYPERLINK("http://evil")\x07'
    assert client.post(url, {f"q{question.pk}": hostile}).status_code == 302
    stored = ReturnAnswer.objects.get(question=question).value
    assert stored == '<script>alert("x")</script>=HYPERLINK("http://evil")'  # no zero-width or bell
    page = client.get(url).content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
