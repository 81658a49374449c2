"""The Board home says what is current: the latest published version of each report marked current
and earlier ones superseded, what is due at the next Board meeting, what changed since the last one;
Board members are e-mailed (a link, no content) when a new version is published."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from recommendations.models import Recommendation
from reports import services
from tests.factories import BoardMeetingFactory, RecommendationFactory, UserFactory
from tests.helpers import login

from .conftest import flat, pdf_text

pytestmark = pytest.mark.django_db


def _board_home(client, user):
    login(client, user)
    response = client.get(reverse("recommendations:board_home"))
    assert response.status_code == 200
    return response.content.decode()


def test_latest_version_is_current_and_earlier_ones_superseded(client, build_of, cast, seeded):
    v1 = services.report_publish(build=build_of(seeded.audit, cast.bm), actor=cast.bm)
    rec = seeded.recommendations[0]
    rec.text = "A changed recommendation for the second version."
    rec.save()
    v2 = services.report_publish(build=build_of(seeded.audit, cast.bm), actor=cast.bm)
    html = _board_home(client, cast.board)
    published = html.split('id="published"')[1]
    row_v2 = published.split("Version 2")[1].split("</tr>")[0]
    row_v1 = published.split("Version 1")[1].split("</tr>")[0]
    assert "Current" in row_v2 and "Superseded" not in row_v2
    assert "Superseded" in row_v1 and "Current" not in row_v1
    assert reverse("reports:version_download", kwargs={"version_pk": v1.pk}) in row_v1
    assert reverse("reports:version_download", kwargs={"version_pk": v2.pk}) in row_v2


def test_board_members_are_emailed_a_link_and_no_content(
    build_of, cast, seeded, django_capture_on_commit_callbacks
):
    other_member = UserFactory(email="board2@test.example", full_name="Second Member", role="board_member")
    UserFactory(email="gone@test.example", role="board_member", is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        version = services.report_publish(build=build_of(seeded.audit, cast.bm), actor=cast.bm)
    sent = [m for m in mail.outbox if "Audit report published" in m.subject]
    assert sorted(m.to[0] for m in sent) == sorted([cast.board.email, other_member.email])
    report_words = flat(pdf_text(bytes(version.pdf)))
    for message in sent:
        assert reverse("recommendations:board_home") in message.body
        assert message.attachments == []
        # Nothing of the report: no recommendation text, no learning.
        for rec in seeded.recommendations:
            assert rec.text[:40] not in message.body
        assert len(message.body) < 600 and report_words[:200] not in message.body
    # Once per version and member, however often the task runs.
    assert Notification.objects.filter(kind="report_published").count() == 2


def test_publication_email_carrying_a_register_term_is_withheld(
    build_of, cast, seeded, django_capture_on_commit_callbacks
):
    audit = seeded.audit
    term = cast.term.value if cast.term.case.audit_id == audit.pk else None
    if term is None:
        from tests.factories import IdentifyingTermFactory

        case = audit.cases.first()
        term = IdentifyingTermFactory(
            case=case, kind="school", value="Brackenwold Academy", created_by=cast.bm
        ).value
    build = build_of(audit, cast.bm)
    audit.title = f"Audit of the {term} cohort"
    audit.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.board_tell_published(version=_fake_version(build, cast))
    notification = Notification.objects.get(kind="report_published", to=cast.board.email)
    assert notification.status == Notification.Status.WITHHELD
    assert not any(cast.board.email in m.to for m in mail.outbox)


def _fake_version(build, cast):
    from reports.models import ReportVersion

    pdf = bytes(build.pdf)
    import hashlib

    return ReportVersion.objects.create(
        audit=build.audit,
        number=1,
        build=build,
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
        size=len(pdf),
        build_date=build.build_date,
        published_by=cast.bm,
    )


def test_due_at_next_board_meeting_and_changes_since_the_last(client, cast):
    today = timezone.localdate()
    BoardMeetingFactory(date=today - datetime.timedelta(days=30), title="Last Board")
    upcoming = BoardMeetingFactory(date=today + datetime.timedelta(days=20), title="Next Board")
    due = RecommendationFactory(
        audit=cast.audit,
        text="Due at the next meeting.",
        deadline_date=None,
        deadline_meeting=upcoming,
        owners=[cast.agency],
        created_by=cast.bm,
    )
    RecommendationFactory(
        audit=cast.audit,
        text="Due long after.",
        deadline_date=today + datetime.timedelta(days=90),
        owners=[cast.agency],
        created_by=cast.bm,
    )
    lapsed = RecommendationFactory(
        audit=cast.audit,
        text="Fell overdue.",
        deadline_date=today - datetime.timedelta(days=3),
        owners=[cast.agency],
        created_by=cast.bm,
    )
    assured = RecommendationFactory(
        audit=cast.audit,
        text="Was assured.",
        deadline_date=today + datetime.timedelta(days=90),
        owners=[cast.agency],
        created_by=cast.bm,
    )
    Recommendation.objects.filter(pk=assured.pk).update(status="assured", updated_at=timezone.now())
    html = _board_home(client, cast.board)
    due_section = html.split('id="due-next"')[1].split("</section>")[0]
    assert "Due at the next meeting." in due_section and "Due long after." not in due_section
    assert f"({due.letter})" in due_section
    changed = html.split('id="changed"')[1].split("</section>")[0]
    assured_part = changed.split("Recommendations assured")[1].split("Recommendations that became overdue")[0]
    overdue_part = changed.split("Recommendations that became overdue")[1]
    assert f"({assured.letter})" in assured_part and f"({lapsed.letter})" not in assured_part
    assert f"({lapsed.letter})" in overdue_part
    # Nothing confidential: no responses, no case detail.
    assert cast.case.pseudonym not in html


def test_board_home_without_board_meetings_says_so(client, cast):
    html = _board_home(client, cast.board)
    assert "No Board meeting is booked yet." in html
    assert "No earlier Board meeting is recorded." in html


def test_board_home_queries_do_not_grow_with_reports_and_recommendations(
    client, build_of, cast, seeded, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    today = timezone.localdate()
    BoardMeetingFactory(date=today - datetime.timedelta(days=30))
    BoardMeetingFactory(date=today + datetime.timedelta(days=20))
    services.report_publish(build=build_of(seeded.audit, cast.bm), actor=cast.bm)
    for days in (1, -1):  # one due, one fallen overdue: every list has a row before the data grows
        RecommendationFactory(
            audit=cast.audit,
            deadline_date=today + datetime.timedelta(days=days),
            owners=[cast.agency],
            created_by=cast.bm,
        )
    login(client, cast.board)
    url = reverse("recommendations:board_home")
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for n in range(8):
        RecommendationFactory(
            audit=cast.audit,
            deadline_date=today + datetime.timedelta(days=n),
            owners=[cast.agency],
            created_by=cast.bm,
        )
    with django_assert_max_num_queries(len(before.captured_queries)):
        assert client.get(url).status_code == 200


def test_what_changed_shows_the_latest_few_and_counts_the_rest(client, cast):
    """A batch of assurances does not turn the home page into the tracker: the most recent ten of each
    kind are listed, the rest counted with a link to the tracker showing them all."""
    from recommendations.views import BOARD_HOME_CHANGES_SHOWN

    today = timezone.localdate()
    BoardMeetingFactory(date=today - datetime.timedelta(days=30), title="Last Board")
    made = [
        RecommendationFactory(
            audit=cast.audit,
            text=f"Assured number {n}.",
            deadline_date=today + datetime.timedelta(days=90),
            owners=[cast.agency],
            created_by=cast.bm,
        )
        for n in range(BOARD_HOME_CHANGES_SHOWN + 3)
    ]
    for n, rec in enumerate(made):
        Recommendation.objects.filter(pk=rec.pk).update(
            status="assured", updated_at=timezone.now() - datetime.timedelta(hours=n)
        )
    html = _board_home(client, cast.board)
    changed = html.split('id="changed"')[1].split("</section>")[0]
    assured_part = changed.split("Recommendations assured")[1].split("Recommendations that became overdue")[0]
    listed = [rec for rec in made if f"({rec.letter})" in assured_part]
    assert listed == made[:BOARD_HOME_CHANGES_SHOWN]  # the most recently assured
    assert "And 3 more" in assured_part
    assert reverse("recommendations:tracker") + "?state=assured" in assured_part
