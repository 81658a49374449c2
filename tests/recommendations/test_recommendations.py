"""Board meetings, drafting recommendations, letters and reordering, panel comments, history."""

import datetime

import pytest
from django.urls import reverse

from recommendations.models import BoardMeeting, Recommendation, RecommendationComment
from tests.factories import BoardMeetingFactory, RecommendationFactory
from tests.helpers import login

pytestmark = pytest.mark.django_db


def _audit_url(audit):
    """The audit's recommendations page (the stage "Recommendations agreed")."""
    return reverse("cases:audit_recommendations", kwargs={"audit_pk": audit.pk})


def _create(client, audit, **data):
    return client.post(reverse("recommendations:recommendation_create", kwargs={"audit_pk": audit.pk}), data)


def test_business_manager_adds_a_board_meeting(client, cast):
    login(client, cast.bm)
    url = reverse("recommendations:meeting_list")
    response = client.post(url, {"date": "2027-01-31", "title": "January Board meeting"})
    assert response.status_code == 302
    assert BoardMeeting.objects.get().date == datetime.date(2027, 1, 31)
    html = client.get(url).content.decode()
    assert "31 January 2027" in html and "January Board meeting" in html


def test_board_meeting_on_a_taken_date_is_refused_and_the_title_kept(client, cast):
    BoardMeetingFactory(date=datetime.date(2027, 1, 31))
    login(client, cast.bm)
    response = client.post(
        reverse("recommendations:meeting_list"), {"date": "31/01/2027", "title": "Extra meeting"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "already exists" in html
    assert 'value="Extra meeting"' in html
    assert BoardMeeting.objects.count() == 1


def test_recommendations_are_lettered_in_order_and_shown_on_the_audit_page(client, cast):
    meeting = BoardMeetingFactory(date=datetime.date(2027, 1, 31), title="January Board meeting")
    login(client, cast.bm)
    _create(
        client,
        cast.audit,
        text="Report on support for perpetrators.",
        owners=[cast.agency.pk],
        deadline_meeting=meeting.pk,
    )
    _create(
        client,
        cast.audit,
        text="Report on adolescent behaviour.",
        owners=[cast.agency.pk, cast.other_agency.pk],
        deadline_date="2027-01-31",
    )
    recommendations = list(cast.audit.recommendations.order_by("position"))
    assert [r.letter for r in recommendations] == ["a", "b"]
    assert recommendations[0].created_by == cast.bm
    assert set(recommendations[1].owners.all()) == {cast.agency, cast.other_agency}
    assert recommendations[0].events.get().kind == "created"

    html = client.get(_audit_url(cast.audit)).content.decode()
    assert "(a)" in html and "(b)" in html
    assert "31 January 2027 (January Board meeting)" in html
    assert "Riverton Police" in html


@pytest.mark.parametrize(
    ("deadline", "message"),
    [
        ({}, "Give a deadline: a Board meeting or a date."),
        ({"deadline_date": "2027-01-31", "both": True}, "Give either a Board meeting or a date, not both."),
    ],
)
def test_deadline_must_be_a_date_or_a_meeting(client, cast, deadline, message):
    meeting = BoardMeetingFactory()
    login(client, cast.bm)
    data = {"text": "Kept text", "owners": [cast.agency.pk]}
    if deadline.pop("both", False):
        data["deadline_meeting"] = meeting.pk
    data.update(deadline)
    response = _create(client, cast.audit, **data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "Kept text" in html
    assert not Recommendation.objects.exists()


def test_recommendation_needs_an_owner(client, cast):
    login(client, cast.bm)
    response = _create(client, cast.audit, text="No owner", deadline_date="2027-01-31")
    assert "Choose at least one owner agency." in response.content.decode()
    assert not Recommendation.objects.exists()


def test_move_up_and_down_reletters_and_records_the_move(client, cast):
    first, second, third = (
        RecommendationFactory(audit=cast.audit, position=n, text=t, owners=[cast.agency])
        for n, t in ((1, "First"), (2, "Second"), (3, "Third"))
    )
    login(client, cast.bm)
    move = "recommendations:recommendation_move"
    client.post(reverse(move, kwargs={"recommendation_pk": third.pk}), {"direction": "up"})
    assert [r.text for r in cast.audit.recommendations.order_by("position")] == ["First", "Third", "Second"]
    client.post(reverse(move, kwargs={"recommendation_pk": first.pk}), {"direction": "down"})
    ordered = list(cast.audit.recommendations.order_by("position"))
    assert [(r.letter, r.text) for r in ordered] == [("a", "Third"), ("b", "First"), ("c", "Second")]
    # Moving the first one up changes nothing.
    client.post(reverse(move, kwargs={"recommendation_pk": ordered[0].pk}), {"direction": "up"})
    assert [r.text for r in cast.audit.recommendations.order_by("position")] == ["Third", "First", "Second"]
    event = third.events.get(kind="moved")
    assert event.actor == cast.bm and "(c) is now (b)" in event.detail
    assert second.pk  # untouched object still exists


def test_audit_page_offers_move_buttons_only_to_the_business_manager(client, cast):
    RecommendationFactory(audit=cast.audit, position=1, owners=[cast.agency])
    RecommendationFactory(audit=cast.audit, position=2, owners=[cast.agency])
    login(client, cast.bm)
    html = client.get(_audit_url(cast.audit)).content.decode()
    assert html.count('name="direction" value="up"') == 1
    assert html.count('name="direction" value="down"') == 1
    login(client, cast.panel)
    html = client.get(_audit_url(cast.audit)).content.decode()
    assert "(a)" in html and 'name="direction"' not in html


def test_editing_records_what_changed(client, cast):
    recommendation = RecommendationFactory(
        audit=cast.audit, position=1, owners=[cast.agency], text="Old text"
    )
    login(client, cast.bm)
    response = client.post(
        reverse("recommendations:recommendation_edit", kwargs={"recommendation_pk": recommendation.pk}),
        {"text": "New text", "owners": [cast.other_agency.pk], "deadline_date": "2027-02-28"},
    )
    assert response.status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.text == "New text"
    assert list(recommendation.owners.all()) == [cast.other_agency]
    edited = recommendation.events.get(kind="edited")
    assert "Text changed." in edited.detail and "Riverton Police" in edited.detail
    assert "28 February 2027" in recommendation.events.get(kind="deadline_changed").detail


def test_panel_member_of_the_audit_comments_and_others_cannot(client, cast):
    recommendation = RecommendationFactory(audit=cast.audit, position=1, owners=[cast.agency])
    url = reverse("recommendations:recommendation_comment", kwargs={"recommendation_pk": recommendation.pk})
    login(client, cast.panel)
    assert client.post(url, {"body": "Ask for the training figures too."}).status_code == 302
    comment = RecommendationComment.objects.get()
    assert comment.author == cast.panel
    assert recommendation.events.filter(kind="commented", actor=cast.panel).exists()

    login(client, cast.panel_other)
    assert client.post(url, {"body": "Not my audit."}).status_code == 404
    login(client, cast.contributor)
    assert client.post(url, {"body": "Contributors do not comment."}).status_code == 403
    assert RecommendationComment.objects.count() == 1

    detail = reverse("recommendations:recommendation_detail", kwargs={"recommendation_pk": recommendation.pk})
    login(client, cast.bm)
    assert "Ask for the training figures too." in client.get(detail).content.decode()
    login(client, cast.contributor)
    assert "Ask for the training figures too." not in client.get(detail).content.decode()


def test_empty_comment_is_refused_next_to_the_field(client, cast):
    recommendation = RecommendationFactory(audit=cast.audit, position=1, owners=[cast.agency])
    login(client, cast.panel)
    response = client.post(
        reverse("recommendations:recommendation_comment", kwargs={"recommendation_pk": recommendation.pk}),
        {"body": ""},
    )
    assert response.status_code == 400
    assert "Enter your comment" in response.content.decode()
    assert not RecommendationComment.objects.exists()


def test_board_member_cannot_open_a_recommendation_page(client, cast):
    recommendation = RecommendationFactory(audit=cast.audit, position=1, owners=[cast.agency])
    login(client, cast.board)
    url = reverse("recommendations:recommendation_detail", kwargs={"recommendation_pk": recommendation.pk})
    response = client.get(url)
    assert response.status_code == 403
    assert recommendation.text not in response.content.decode()


def test_recommendation_page_is_logged_and_its_query_count_is_flat(client, cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accesslog.models import AccessLogEntry
    from recommendations.services import response_post

    counts = {}
    for updates in (1, 6):
        recommendation = RecommendationFactory(audit=cast.audit, position=updates, owners=[cast.agency])
        for n in range(updates):
            response_post(recommendation=recommendation, actor=cast.contributor, text=f"Update {n}")
        login(client, cast.bm)
        url = reverse(
            "recommendations:recommendation_detail", kwargs={"recommendation_pk": recommendation.pk}
        )
        client.get(url)  # the first page after signing in also settles the session
        with CaptureQueriesContext(connection) as queries:
            html = client.get(url).content.decode()
        counts[updates] = len(queries.captured_queries)
        assert html.count("Progress update —") == updates
        assert AccessLogEntry.objects.filter(
            user=cast.bm, what="recommendation", object_id=recommendation.pk
        ).exists()
    # The same number of queries for one update as for six (the learning panels on the page, themes,
    # follow-ups and re-audits, cost a fixed handful), and a ceiling that catches a new per-row query.
    assert counts[1] == counts[6], counts
    assert counts[6] <= 24, counts


def test_moving_a_board_meeting_moves_its_recommendations_and_tells_the_business_manager(client, cast):
    meeting = BoardMeetingFactory(date=datetime.date(2027, 1, 31), title="January Board meeting")
    recommendation = RecommendationFactory(
        audit=cast.audit, position=1, deadline_date=None, deadline_meeting=meeting, owners=[cast.agency]
    )
    login(client, cast.bm)
    url = reverse("recommendations:meeting_edit", kwargs={"board_meeting_pk": meeting.pk})
    page = client.get(url).content.decode()
    for box, value in (("date", "31"), ("date_month", "1"), ("date_year", "2027")):
        assert f'name="{box if box != "date" else "date_day"}" value="{value}"' in page
    response = client.post(url, {"date": "2027-02-07", "title": "January Board meeting"}, follow=True)
    assert "Recommendations due at it follow its date." in response.content.decode()
    recommendation.refresh_from_db()
    assert recommendation.deadline_display == "7 February 2027 (January Board meeting)"
    event = recommendation.events.get(kind="deadline_changed")
    assert event.actor == cast.bm
    assert event.detail == "January Board meeting moved from 31 January 2027 to 7 February 2027."
