"""The yearly report section and the 7-minute briefing: PDFs read back with figures matching the data,
a CSV, versions, and the leak guard blocking publication on a register term planted in any source."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from learning import publications, services
from learning.models import Publication
from recommendations.models import Recommendation
from reviews.models import ReflectivePracticeMeeting
from tests.factories import (
    IdentifyingTermFactory,
    InvitationFactory,
    LearningPointFactory,
    MeetingFactory,
    RecommendationFactory,
    SafeguardingConcernFactory,
)
from tests.helpers import login

pytestmark = pytest.mark.django_db

START, END = datetime.date(2026, 4, 1), datetime.date(2027, 3, 31)
TODAY = datetime.date(2027, 4, 20)


def pdf_text(pdf):
    return " ".join(" ".join((p.extract_text() or "") for p in PdfReader(io.BytesIO(pdf)).pages).split())


@pytest.fixture
def year(cast, themes):
    for title, status in (
        ("Neglect audit", "done"),
        ("Transitions audit", "slipped"),
        ("Thresholds audit", "planned"),
    ):
        services.programme_entry_save(
            actor=cast.bm,
            year=2026,
            title=title,
            theme=themes["Neglect"],
            reason="inspection",
            quarter=1,
            status=status,
        )
    for i in range(2):
        themes["Neglect"].learning_points.add(
            LearningPointFactory(case=cast.case, position=i + 1, text=f"Neglect point {i}.")
        )
    themes["Thresholds"].learning_points.add(
        LearningPointFactory(case=cast.case, position=3, text="Thresholds point.")
    )
    raised = timezone.make_aware(datetime.datetime(2026, 5, 4, 10))
    SafeguardingConcernFactory(case=cast.case, agency=cast.agency, raised_by=cast.panel, raised_at=raised)
    SafeguardingConcernFactory(
        case=cast.case,
        agency=cast.agency,
        raised_by=cast.panel,
        raised_at=raised,
        status="resolved",
        acknowledged_on=datetime.date(2026, 5, 4),
    )
    RecommendationFactory(
        audit=cast.audit,
        position=1,
        status=Recommendation.Status.ASSURED,
        deadline_date=datetime.date(2026, 12, 1),
    )
    RecommendationFactory(
        audit=cast.audit,
        position=2,
        deadline_date=datetime.date(2027, 1, 31),
        status_reason="Waiting for the new training contract.",
    )
    RecommendationFactory(audit=cast.audit, position=3, deadline_date=datetime.date(2027, 9, 30))
    meeting = MeetingFactory(
        case=cast.case,
        created_by=cast.bm,
        starts_at=timezone.make_aware(datetime.datetime(2026, 6, 10, 14)),
        status=ReflectivePracticeMeeting.Status.HELD,
    )
    for attendance in ("attended", "attended", "did_not_attend"):
        InvitationFactory(meeting=meeting, agency=cast.agency, attendance=attendance)
    return meeting


def test_yearly_report_pdf_has_every_section_with_figures_matching_the_data(cast, year):
    version = publications.publish(
        kind=Publication.Kind.YEARLY, period_start=START, period_end=END, actor=cast.bm, today=TODAY
    )
    text = pdf_text(bytes(version.pdf))
    for heading in (
        "Audits against the programme",
        "Grades, year on year",
        "Learning by theme",
        "Immediate safeguarding concerns",
        "Recommendations",
        "Agencies' response times",
        "Reflective practice meetings",
        "What changed",
    ):
        assert heading in text, heading
    assert "Audits planned in the programme 3" in text
    assert "Planned audits done 1" in text and "Planned audits slipped 1" in text
    assert "Neglect 2" in text and "Thresholds 1" in text
    assert "Raised 2" in text and "Resolved 1" in text
    assert "Made 3" in text and "Assured 1" in text and "Overdue 1" in text
    assert "Waiting for the new training contract" in text
    assert "Practitioners invited 3" in text and "Attended 2" in text and "Attendance rate 67%" in text
    assert version.number == 1 and "Made,3" in version.csv.replace('"', "")
    again = publications.publish(
        kind=Publication.Kind.YEARLY, period_start=START, period_end=END, actor=cast.bm, today=TODAY
    )
    assert again.number == 2
    with pytest.raises(PermissionError):
        version.delete()


@pytest.mark.parametrize("source", ["audit title", "theme name", "overdue reason", "programme title"])
def test_a_register_term_in_any_source_blocks_the_yearly_report(cast, year, themes, source):
    IdentifyingTermFactory(
        case=cast.other_case, kind="family_member", value="Thaddeus Crumplehorn", created_by=cast.bm
    )
    planted = "Thaddeus Crumplehorn"
    if source == "audit title":
        cast.audit.title = f"Audit of the {planted} family"
        cast.audit.save()
    elif source == "theme name":
        services.theme_rename(theme=themes["Neglect"], actor=cast.bm, name=f"Neglect {planted}")
    elif source == "overdue reason":
        Recommendation.objects.filter(audit=cast.audit, position=2).update(
            status_reason=f"{planted} has not replied."
        )
    else:
        services.programme_entry_save(
            actor=cast.bm,
            year=2026,
            title=f"{planted} review",
            theme=themes["Neglect"],
            reason="other",
            quarter=2,
        )
        cast.audit.title = f"{planted} review"
        cast.audit.save()
    with pytest.raises(ValidationError) as refused:
        publications.publish(
            kind=Publication.Kind.YEARLY, period_start=START, period_end=END, actor=cast.bm, today=TODAY
        )
    assert "registered family member" in " ".join(refused.value.messages)
    assert planted not in " ".join(refused.value.messages)
    assert not Publication.objects.exists()


def test_briefing_is_drawn_from_the_audit_edited_checked_and_versioned(client, cast, year):
    login(client, cast.bm)
    url = reverse("learning:briefing", kwargs={"audit_pk": cast.audit.pk})
    client.post(
        url,
        {
            "action": "save",
            "why_it_matters": "Children were not seen alone.",
            "questions": "Did you see the child alone?\nWho else lives there?",
            "find_out_more": "Ask the Partnership's training team.",
        },
    )
    response = client.post(url, {"action": "publish"})
    assert response.status_code == 302
    version = Publication.objects.get(kind="briefing", audit=cast.audit)
    text = pdf_text(bytes(version.pdf))
    assert "7-minute briefing" in text and "Children were not seen alone." in text
    assert "Neglect point 0." in text and "Did you see the child alone?" in text
    assert len(PdfReader(io.BytesIO(bytes(version.pdf))).pages) <= 2
    # A registered name planted in the briefing's own text blocks the next version.
    client.post(
        url,
        {
            "action": "save",
            "why_it_matters": "Zephyrine Quillfeather was not seen alone.",
            "questions": "",
            "find_out_more": "",
        },
    )
    blocked = client.post(url, {"action": "publish"})
    assert blocked.status_code == 400 and "leak guard" in blocked.content.decode()
    assert "Zephyrine" not in blocked.content.decode().split("govuk-error-summary")[1][:2000]
    assert Publication.objects.filter(kind="briefing").count() == 1


def test_published_yearly_report_is_read_by_the_board_and_qa_and_logged(client, cast, year):
    from accesslog.models import AccessLogEntry

    version = publications.publish(
        kind=Publication.Kind.YEARLY, period_start=START, period_end=END, actor=cast.bm, today=TODAY
    )
    for user in (cast.board, cast.qa, cast.contributor):
        login(client, user)
        page = client.get(reverse("learning:yearly")).content.decode()
        assert (
            reverse("learning:publication_download", kwargs={"publication_pk": version.pk, "fmt": "csv"})
            in page
        )
        assert "Publish the next version" not in page
        download = client.get(
            reverse("learning:publication_download", kwargs={"publication_pk": version.pk, "fmt": "pdf"})
        )
        assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
        assert AccessLogEntry.objects.filter(
            user=user, what="learning_publication", object_id=version.pk
        ).exists()
        assert (
            client.post(
                reverse("learning:yearly"), {"start": "1/4/2026", "end": "31/3/2027", "action": "publish"}
            ).status_code
            == 403
        )
