""" "Needs your attention": each item appears when its condition arises and disappears when it is dealt
with, for the role it belongs to, and the page costs the same number of queries however much waits."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.models import AgencyReturn
from notifications.models import Notification
from recommendations import services as rec_services
from reports.models import LeakHit, ReportBuild
from reviews import services as review_services
from tests.factories import (
    AgencyActionFactory,
    AgencyReturnFactory,
    AuditFactory,
    BoardMeetingFactory,
    CaseFactory,
    InvitationFactory,
    LearningPointFactory,
    MeetingFactory,
    RecommendationFactory,
)
from tests.helpers import login
from worklist.selectors import attention_items_for_user

pytestmark = pytest.mark.django_db


def waiting(user):
    return {item.key: item.count for item in attention_items_for_user(user=user)}


def _submit(agency_return):
    AgencyReturn.objects.filter(pk=agency_return.pk).update(
        status=AgencyReturn.Status.SUBMITTED, submitted_at=timezone.now()
    )
    agency_return.refresh_from_db()
    return agency_return


# --- Business Manager ------------------------------------------------------------------------


def test_submitted_return_waits_for_review_until_accepted(cast):
    assert "returns_to_review" not in waiting(cast.bm)
    _submit(cast.agency_return)
    assert waiting(cast.bm)["returns_to_review"] == 1
    case_services.return_accept(agency_return=cast.agency_return, actor=cast.bm)
    assert "returns_to_review" not in waiting(cast.bm)


def test_sent_back_return_awaits_resubmission_until_submitted_again(cast):
    _submit(cast.agency_return)
    case_services.return_send_back(
        agency_return=cast.agency_return, actor=cast.bm, comment="Add the analysis."
    )
    now = waiting(cast.bm)
    assert now["returns_resubmission"] == 1 and "returns_to_review" not in now
    _submit(cast.agency_return)
    now = waiting(cast.bm)
    assert "returns_resubmission" not in now and now["returns_to_review"] == 1


def test_overdue_return_listed_until_submitted(cast):
    AgencyReturn.objects.filter(pk=cast.agency_return.pk).update(
        due_date=timezone.localdate() - datetime.timedelta(days=2)
    )
    assert waiting(cast.bm)["returns_overdue"] == 1
    _submit(cast.agency_return)
    assert "returns_overdue" not in waiting(cast.bm)


def test_meeting_inside_lead_time_listed_until_invitations_sent(cast, mailoutbox):
    meeting = MeetingFactory(case=cast.case, starts_at=timezone.now() + datetime.timedelta(days=5))
    assert waiting(cast.bm)["meetings_inside_lead_time"] == 1  # nobody invited yet
    InvitationFactory(meeting=meeting, agency=cast.agency)
    assert waiting(cast.bm)["meetings_inside_lead_time"] == 1
    review_services.invitations_send(meeting=meeting, actor=cast.bm)
    now = waiting(cast.bm)
    assert "meetings_inside_lead_time" not in now
    # Sent, not yet answered: the next thing to watch.
    assert now["meetings_unanswered"] == 1


def test_meeting_outside_lead_time_is_not_listed(cast):
    MeetingFactory(case=cast.case, starts_at=timezone.now() + datetime.timedelta(days=60))
    assert "meetings_inside_lead_time" not in waiting(cast.bm)


def test_unanswered_invitations_listed_until_answered(cast):
    meeting = MeetingFactory(case=cast.case)
    invitation = InvitationFactory(meeting=meeting, agency=cast.agency, sent_at=timezone.now())
    assert waiting(cast.bm)["meetings_unanswered"] == 1
    review_services.invitation_respond(invitation=invitation, response="accepted")
    assert "meetings_unanswered" not in waiting(cast.bm)


def test_started_meeting_waits_for_attendance_until_recorded(cast):
    meeting = MeetingFactory(case=cast.case, starts_at=timezone.now() - datetime.timedelta(hours=1))
    invitation = InvitationFactory(meeting=meeting, agency=cast.agency, sent_at=timezone.now())
    assert waiting(cast.bm)["meetings_to_record"] == 1
    review_services.attendance_record(
        meeting=meeting, actor=cast.bm, records={invitation.pk: ("attended", "")}
    )
    assert "meetings_to_record" not in waiting(cast.bm)


def _built_draft(audit, bm, **kwargs):
    return ReportBuild.objects.create(
        audit=audit,
        status=ReportBuild.Status.DONE,
        build_date=timezone.localdate(),
        requested_by=bm,
        pdf=b"%PDF-1.7",
        **kwargs,
    )


def test_draft_with_leak_guard_hits_listed_until_overridden(cast):
    build = _built_draft(cast.audit, cast.bm)
    hit = LeakHit.objects.create(
        build=build,
        kind="pattern",
        rule="phone",
        matched="01234",
        section="Findings",
        label="Learning point i",
    )
    assert waiting(cast.bm)["reports_with_hits"] == 1
    from reports.services import leak_hit_override

    leak_hit_override(hit=hit, actor=cast.bm, reason="A page number, not a phone number.")
    assert "reports_with_hits" not in waiting(cast.bm)


def test_out_of_date_draft_listed_until_built_again(cast):
    _built_draft(cast.audit, cast.bm)
    assert "reports_out_of_date" not in waiting(cast.bm)
    LearningPointFactory(case=cast.case, created_by=cast.panel)
    assert waiting(cast.bm)["reports_out_of_date"] == 1
    _built_draft(cast.audit, cast.bm)
    assert "reports_out_of_date" not in waiting(cast.bm)


def test_withheld_email_listed_until_sent(cast):
    notification = Notification.objects.create(
        key="return:1:due_soon:x",
        kind="return_due_soon",
        to="a@b.example",
        subject="[withheld]",
        body_text="Withheld",
        status=Notification.Status.WITHHELD,
    )
    assert waiting(cast.bm)["emails_withheld"] == 1
    Notification.objects.filter(pk=notification.pk).update(status=Notification.Status.SENT)
    assert "emails_withheld" not in waiting(cast.bm)


def test_recommendation_due_at_next_board_listed_until_final_response(cast):
    today = timezone.localdate()
    board = BoardMeetingFactory(date=today + datetime.timedelta(days=20), title="Spring Board")
    BoardMeetingFactory(date=today + datetime.timedelta(days=80), title="Summer Board")
    later = RecommendationFactory(
        audit=cast.audit,
        deadline_date=today + datetime.timedelta(days=50),
        owners=[cast.agency],
        created_by=cast.bm,
    )
    due = RecommendationFactory(
        audit=cast.audit, deadline_date=None, deadline_meeting=board, owners=[cast.agency], created_by=cast.bm
    )
    items = {i.key: i for i in attention_items_for_user(user=cast.bm)}
    assert items["recommendations_due"].count == 1
    assert items["recommendations_due"].rows[0].url == reverse(
        "recommendations:recommendation_detail", kwargs={"recommendation_pk": due.pk}
    )
    assert "Spring" not in items["recommendations_due"].title  # the date, not the free-text title
    assert later.pk  # due after the next Board meeting: not listed
    rec_services.response_post(recommendation=due, actor=cast.contributor, text="Done.", is_final=True)
    assert "recommendations_due" not in waiting(cast.bm)


def test_business_manager_sees_nothing_of_panel_or_contributor_lists(cast):
    cast.case.pack_circulated_at = timezone.now()
    cast.case.save()
    AgencyActionFactory(case=cast.case, owner_agency=cast.agency, created_by=cast.bm)
    now = waiting(cast.bm)
    assert "cases_to_review" not in now and "actions_to_answer" not in now


# --- Panel members ---------------------------------------------------------------------------


def test_circulated_case_waits_for_each_panel_member_until_they_mark_it(cast):
    assert "cases_to_review" not in waiting(cast.panel)
    review_services.case_pack_circulate(case=cast.case, actor=cast.bm)
    assert waiting(cast.panel)["cases_to_review"] == 1
    assert "cases_to_review" not in waiting(cast.panel_other)  # another audit's panel
    review_services.case_review_mark(case=cast.case, actor=cast.panel)
    assert "cases_to_review" not in waiting(cast.panel)
    # Circulated again (a new pack): it waits again.
    review_services.case_pack_circulate(
        case=cast.case, actor=cast.bm, circulated_at=timezone.now() + datetime.timedelta(minutes=1)
    )
    assert waiting(cast.panel)["cases_to_review"] == 1


def test_marking_a_case_reviewed_from_its_page(client, cast):
    review_services.case_pack_circulate(case=cast.case, actor=cast.bm)
    login(client, cast.panel)
    page = client.get(reverse("reviews:case_review", kwargs={"case_pk": cast.case.pk})).content.decode()
    assert "Mark this case as reviewed by me" in page
    response = client.post(reverse("reviews:case_review_mark", kwargs={"case_pk": cast.case.pk}))
    assert response.status_code == 302
    assert "cases_to_review" not in waiting(cast.panel)
    home = client.get(reverse("worklist:attention")).content.decode()
    assert "Nothing is waiting for you" in home


def test_outsider_panel_member_cannot_mark_a_case(client, cast):
    review_services.case_pack_circulate(case=cast.case, actor=cast.bm)
    login(client, cast.panel_other)
    response = client.post(reverse("reviews:case_review_mark", kwargs={"case_pk": cast.case.pk}))
    assert response.status_code == 404


def test_meeting_to_attend_listed_until_it_has_happened(cast):
    meeting = MeetingFactory(case=cast.case, starts_at=timezone.now() + datetime.timedelta(days=3))
    assert "meetings_to_attend" not in waiting(cast.panel)
    meeting.panel_attending.add(cast.panel)
    assert waiting(cast.panel)["meetings_to_attend"] == 1
    meeting.starts_at = timezone.now() - datetime.timedelta(hours=1)
    meeting.save()
    assert "meetings_to_attend" not in waiting(cast.panel)


# --- Agency contributors ---------------------------------------------------------------------


def test_contributor_sees_own_agency_returns_until_submitted(cast):
    assert waiting(cast.contributor)["returns_to_complete"] == 1
    assert waiting(cast.contributor_other)["returns_to_complete"] == 1  # their own, on another case
    _submit(cast.agency_return)
    assert "returns_to_complete" not in waiting(cast.contributor)
    assert waiting(cast.contributor_other)["returns_to_complete"] == 1


def test_contributor_sees_actions_until_answered(cast):
    action = AgencyActionFactory(case=cast.case, owner_agency=cast.agency, created_by=cast.bm)
    assert waiting(cast.contributor)["actions_to_answer"] == 1
    assert "actions_to_answer" not in waiting(cast.contributor_other)
    review_services.agency_action_respond(action=action, actor=cast.contributor, response="Briefing held.")
    assert "actions_to_answer" not in waiting(cast.contributor)


def test_contributor_sees_recommendations_until_their_final_response_and_again_when_more_asked(cast):
    rec = RecommendationFactory(audit=cast.audit, owners=[cast.agency, cast.other_agency], created_by=cast.bm)
    assert waiting(cast.contributor)["recommendations_to_answer"] == 1
    rec_services.response_post(recommendation=rec, actor=cast.contributor, text="Progress.")
    assert waiting(cast.contributor)["recommendations_to_answer"] == 1  # an update is not the answer
    rec_services.response_post(recommendation=rec, actor=cast.contributor, text="Done.", is_final=True)
    assert "recommendations_to_answer" not in waiting(cast.contributor)
    # The other owner has not answered yet: it still waits for them.
    assert waiting(cast.contributor_other)["recommendations_to_answer"] == 1
    rec_services.response_post(recommendation=rec, actor=cast.contributor_other, text="Ours.", is_final=True)
    rec_services.recommendation_request_more(recommendation=rec, actor=cast.bm, reason="Show the audit.")
    assert waiting(cast.contributor)["recommendations_to_answer"] == 1


def test_board_and_admin_have_no_list(client, cast):
    assert attention_items_for_user(user=cast.board) == []
    for user in (cast.board, cast.admin):
        login(client, user)
        assert client.get(reverse("worklist:attention")).status_code == 403


# --- The page and its cost -------------------------------------------------------------------


def _grow(cast, n):
    """n more of everything the Business Manager, panel and contributor lists count."""
    now = timezone.now()
    for _ in range(n):
        audit = AuditFactory(created_by=cast.bm)
        case = CaseFactory(audit=audit, method="meeting", pack_circulated_at=now)
        audit.panel_memberships.create(user=cast.panel, panel_role="Reviewer")
        _submit(AgencyReturnFactory(case=case, agency=cast.agency, requested_by=cast.bm))
        AgencyReturnFactory(
            case=case, requested_by=cast.bm, due_date=timezone.localdate() - datetime.timedelta(1)
        )
        meeting = MeetingFactory(case=case, starts_at=now + datetime.timedelta(days=3), created_by=cast.bm)
        meeting.panel_attending.add(cast.panel)
        InvitationFactory(meeting=meeting, sent_at=now)
        AgencyActionFactory(case=case, owner_agency=cast.agency, created_by=cast.bm)
        RecommendationFactory(audit=audit, owners=[cast.agency], created_by=cast.bm)
        build = _built_draft(audit, cast.bm)
        LeakHit.objects.create(build=build, kind="pattern", rule="phone", matched="0", section="s", label="l")


@pytest.mark.parametrize("persona", ["bm", "panel", "contributor"])
def test_page_queries_stay_flat_as_data_grows(client, cast, django_assert_num_queries, persona):
    user = getattr(cast, persona)
    login(client, user)
    url = reverse("worklist:attention")
    _grow(cast, 2)
    client.get(url)  # warm the session and the content-type cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _grow(cast, 14)
    with django_assert_num_queries(len(small.captured_queries)):
        page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Needs your attention" in html


def test_business_manager_page_lists_items_with_counts_and_links(client, cast):
    _submit(cast.agency_return)
    login(client, cast.bm)
    html = client.get(reverse("worklist:attention")).content.decode()
    assert "Returns waiting for your review" in html
    assert reverse("cases:return_detail", kwargs={"return_pk": cast.agency_return.pk}) in html


def test_each_role_lands_on_the_list_from_home(client, cast):
    for persona in ("bm", "panel", "contributor"):
        login(client, getattr(cast, persona))
        response = client.get(reverse("home"), follow=True)
        assert response.status_code == 200
        assert b"Needs your attention" in response.content
