"""Moderation: the panel sees each agency's self-grades side by side, changes a grade only with a
reason, the chair records the overall judgement; the audit page counts grades per domain and per
agency and the agreement rate; the agency reads its own moderated grades and nobody else's."""

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from audittools.models import CaseJudgement, ModeratedGrade, ReturnAnswer, Tool, ToolQuestion
from audittools.services import audit_tool_choose, grade_moderate
from cases.models import AgencyReturn
from tests.factories import AgencyReturnFactory
from tests.helpers import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def graded(cast):
    """The cast's audit on the generic tool; both agencies have submitted returns on Case One, graded."""
    audit_tool_choose(audit=cast.audit, tool=Tool.objects.get(library_key="generic-macfa"), actor=cast.bm)
    police_return = AgencyReturnFactory(case=cast.case, agency=cast.other_agency, requested_by=cast.bm)
    AgencyReturn.objects.filter(pk__in=[cast.agency_return.pk, police_return.pk]).update(status="submitted")
    cast.agency_return.refresh_from_db()
    police_return.refresh_from_db()
    grade_questions = list(
        ToolQuestion.objects.filter(section__version__audits__audit=cast.audit, answer_type="grade").order_by(
            "section__position", "position"
        )
    )
    recognition, assessment = grade_questions[0], grade_questions[1]
    answers = {
        ("csc", "recognition"): ReturnAnswer.objects.create(
            agency_return=cast.agency_return, question=recognition, value="good"
        ),
        ("csc", "assessment"): ReturnAnswer.objects.create(
            agency_return=cast.agency_return, question=assessment, value="outstanding"
        ),
        ("police", "recognition"): ReturnAnswer.objects.create(
            agency_return=police_return, question=recognition, value="requires_improvement"
        ),
        ("police", "assessment"): ReturnAnswer.objects.create(
            agency_return=police_return, question=assessment, value="inadequate"
        ),
    }
    cast.police_return = police_return
    cast.answers = answers
    cast.recognition, cast.assessment = recognition, assessment
    return cast


def _moderate(client, cast, answer, grade, reason=""):
    url = reverse("audittools:grade_moderate", kwargs={"case_pk": cast.case.pk, "answer_pk": answer.pk})
    return client.post(url, {"grade": grade, "reason": reason}, follow=True)


def test_the_panel_sees_self_grades_side_by_side(client, graded):
    login(client, graded.panel)
    page = client.get(reverse("reviews:case_review", kwargs={"case_pk": graded.case.pk})).content.decode()
    grid = page.split('id="moderation-grid"')[1].split("</table>")[0]
    assert "Riverton Children&#x27;s Social Care" in grid and "Riverton Police" in grid
    row = grid.split(escape(graded.recognition.text), 1)[1].split("</tr>")[0]
    # Agencies in name order: social care's own grade, then the police's, each in colour and words.
    assert re.findall(r'Self: <strong class="govuk-tag grade (grade-[a-z-]+)">([^<]+)</strong>', row) == [
        ("grade-good", "Good"),
        ("grade-requires-improvement", "Requires improvement"),
    ]


def test_a_changed_grade_needs_a_reason(client, graded):
    login(client, graded.panel)
    answer = graded.answers[("csc", "assessment")]
    response = _moderate(client, graded, answer, "good")
    assert "Give the reason the panel" in response.content.decode()
    assert not ModeratedGrade.objects.exists()

    response = _moderate(client, graded, answer, "good", "Assessment was late and missed the father.")
    assert "Moderated grade saved" in response.content.decode()
    moderation = ModeratedGrade.objects.get(answer=answer)
    assert (moderation.self_grade, moderation.grade, moderation.moderated_by) == (
        "outstanding",
        "good",
        graded.panel,
    )

    # Agreeing with the agency needs no reason.
    _moderate(client, graded, graded.answers[("csc", "recognition")], "good")
    assert ModeratedGrade.objects.get(answer=graded.answers[("csc", "recognition")]).agrees


def test_the_database_refuses_a_changed_grade_without_a_reason(graded):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ModeratedGrade.objects.create(
            answer=graded.answers[("csc", "assessment")],
            self_grade="outstanding",
            grade="good",
            moderated_by=graded.panel,
        )


def test_a_panel_member_of_another_audit_cannot_moderate(client, graded):
    login(client, graded.panel_other)
    url = reverse(
        "audittools:grade_moderate",
        kwargs={"case_pk": graded.case.pk, "answer_pk": graded.answers[("csc", "assessment")].pk},
    )
    assert client.post(url, {"grade": "good", "reason": "x"}).status_code == 404
    assert not ModeratedGrade.objects.exists()


def test_only_the_chair_records_the_overall_judgement(client, graded):
    from tests.factories import PanelMembershipFactory, UserFactory

    member = UserFactory(email="nurse@test.example", role="panel_member")
    PanelMembershipFactory(audit=graded.audit, user=member, panel_role="Named Nurse")
    url = reverse("audittools:case_judgement", kwargs={"case_pk": graded.case.pk})
    login(client, member)
    client.post(url, {"grade": "good", "summary": "Sound."})
    assert not CaseJudgement.objects.exists()
    login(client, graded.panel)  # the chair
    client.post(url, {"grade": "requires_improvement", "summary": "Assessment came late."})
    judgement = CaseJudgement.objects.get(case=graded.case)
    assert (judgement.grade, judgement.recorded_by) == ("requires_improvement", graded.panel)


def _cells(table_html, label):
    row = table_html.split(f">{label}</th>")[1].split("</tr>")[0]
    return [int(n) for n in re.findall(r"<td class=\"govuk-table__cell\">(\d+)</td>", row)]


def test_the_audit_page_counts_grades_per_domain_and_agency_and_the_agreement_rate(client, graded):
    # Moderation: CSC assessment outstanding -> good (changed); CSC recognition good (agreed);
    # police recognition requires improvement (agreed); police assessment not moderated.
    grade_moderate(
        answer=graded.answers[("csc", "assessment")], actor=graded.panel, grade="good", reason="Late."
    )
    grade_moderate(answer=graded.answers[("csc", "recognition")], actor=graded.panel, grade="good")
    grade_moderate(
        answer=graded.answers[("police", "recognition")], actor=graded.panel, grade="requires_improvement"
    )
    login(client, graded.bm)
    page = client.get(reverse("cases:audit_grades", kwargs={"audit_pk": graded.audit.pk})).content.decode()
    assert "<strong>67%</strong> (2 of 3 moderated grades unchanged)" in page
    domains = page.split('id="grades-by-domain"')[1].split("</table>")[0]
    # Columns: Outstanding, Good, Requires improvement, Inadequate (final grades: the panel's where given)
    assert _cells(domains, "Recognition of need and risk") == [0, 1, 1, 0]
    assert _cells(domains, "Assessment") == [0, 1, 0, 1]
    agencies = page.split('id="grades-by-agency"')[1].split("</table>")[0]
    assert _cells(agencies, "Riverton Children&#x27;s Social Care") == [0, 2, 0, 0]
    assert _cells(agencies, "Riverton Police") == [0, 0, 1, 1]


def test_the_agency_reads_its_moderated_grades_and_nothing_of_other_agencies(client, graded):
    grade_moderate(
        answer=graded.answers[("csc", "assessment")],
        actor=graded.panel,
        grade="good",
        reason="Father not seen.",
    )
    grade_moderate(
        answer=graded.answers[("police", "assessment")],
        actor=graded.panel,
        grade="requires_improvement",
        reason="Police checks were thorough but slow.",
    )
    login(client, graded.contributor)
    url = reverse("audittools:return_tool", kwargs={"return_pk": graded.agency_return.pk})
    page = client.get(url).content.decode()
    assert "Panel's moderated grade" in page and "Father not seen." in page
    assert "<form" not in page.split("Audit tool questions")[1]  # read-only
    assert "Police checks" not in page
    assert client.post(url, {f"q{graded.assessment.pk}": "outstanding"}).status_code == 403
    assert ReturnAnswer.objects.get(pk=graded.answers[("csc", "assessment")].pk).value == "outstanding"
    other = reverse("audittools:return_tool", kwargs={"return_pk": graded.police_return.pk})
    assert client.get(other).status_code == 404
    # Nor can the contributor open the case review page where every agency's grades are.
    assert client.get(reverse("reviews:case_review", kwargs={"case_pk": graded.case.pk})).status_code in (
        403,
        404,
    )


def test_the_case_pack_shows_answers_and_grades_side_by_side(client, graded):
    from tests.reports.conftest import flat, pdf_text

    grade_moderate(
        answer=graded.answers[("csc", "assessment")], actor=graded.panel, grade="good", reason="Late."
    )
    login(client, graded.panel)
    response = client.get(reverse("reviews:case_pack_pdf", kwargs={"case_pk": graded.case.pk}))
    body = flat(pdf_text(b"".join(response.streaming_content) if response.streaming else response.content))
    table = body.split("Audit tool: answers and grades side by side")[1]
    assert "Riverton Children's Social Care Riverton Police" in table
    assert "Grade the quality of assessment. Self: Outstanding Panel: Good (Late.) Self: Inadequate" in table


def test_the_grades_export_has_grades_only_with_formulas_neutralised(client, graded):
    from accesslog.models import AccessLogEntry

    ToolQuestion.objects.filter(pk=graded.assessment.pk).update(text="=HYPERLINK(1) grade the assessment")
    grade_moderate(
        answer=graded.answers[("csc", "assessment")], actor=graded.panel, grade="good", reason="Late."
    )
    ReturnAnswer.objects.create(
        agency_return=graded.agency_return,
        question=ToolQuestion.objects.filter(
            section__version__audits__audit=graded.audit, answer_type="text"
        ).first(),
        value="Free text that must not be exported.",
    )
    login(client, graded.panel)
    response = client.get(reverse("audittools:grades_export", kwargs={"audit_pk": graded.audit.pk}))
    text = response.content.decode()
    lines = text.strip().splitlines()
    assert lines[0] == "Case,Agency,Domain,Question,Self-grade,Moderated grade,Final grade"
    assert len(lines) == 5
    assert (
        "Case One,Riverton Children's Social Care,Assessment,'=HYPERLINK(1) grade the assessment,Outstanding,Good,Good"
        in text
    )
    assert "Free text" not in text and "Late." not in text
    assert AccessLogEntry.objects.filter(user=graded.panel, what="grades_csv", action="export").exists()
    login(client, graded.panel_other)
    assert (
        client.get(reverse("audittools:grades_export", kwargs={"audit_pk": graded.audit.pk})).status_code
        == 404
    )
