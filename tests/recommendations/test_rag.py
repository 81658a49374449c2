"""The tracker's RAG state for every combination of deadline and status."""

import datetime

import pytest

from recommendations.models import Recommendation
from recommendations.services import board_meeting_update, recommendation_update
from recommendations.tracker import RagState, rag_state, with_rag_state
from tests.factories import BoardMeetingFactory, RecommendationFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2027, 1, 10)
S = Recommendation.Status

# Deadline relative to TODAY -> state for a recommendation still owed by its owners (30 days due soon).
DEADLINES = {
    "long past": (-200, RagState.OVERDUE),
    "yesterday": (-1, RagState.OVERDUE),
    "today": (0, RagState.DUE_SOON),
    "tomorrow": (1, RagState.DUE_SOON),
    "last due-soon day": (30, RagState.DUE_SOON),
    "first on-track day": (31, RagState.ON_TRACK),
    "far ahead": (365, RagState.ON_TRACK),
}


def _expected(status, deadline_state):
    if status == S.CLOSED:
        return RagState.CLOSED
    if status == S.ASSURED:
        return RagState.ASSURED
    if status == S.RESPONSE_RECEIVED:
        return RagState.ON_TRACK
    return deadline_state


@pytest.fixture(autouse=True)
def _due_soon_days(settings):
    settings.RECOMMENDATION_DUE_SOON_DAYS = 30


@pytest.mark.parametrize("given_as", ["date", "board meeting"])
@pytest.mark.parametrize("deadline_name", list(DEADLINES))
@pytest.mark.parametrize("status", list(S))
def test_rag_state_for_each_deadline_and_status(status, deadline_name, given_as):
    days, deadline_state = DEADLINES[deadline_name]
    due = TODAY + datetime.timedelta(days=days)
    if given_as == "date":
        recommendation = RecommendationFactory(status=status, deadline_date=due)
    else:
        recommendation = RecommendationFactory(
            status=status, deadline_date=None, deadline_meeting=BoardMeetingFactory(date=due)
        )
    expected = _expected(status, deadline_state)
    assert rag_state(recommendation=recommendation, today=TODAY) == expected
    # The tracker filters and counts in SQL; it must agree with rag_state.
    annotated = with_rag_state(Recommendation.objects.filter(pk=recommendation.pk), today=TODAY).get()
    assert annotated.rag == expected
    assert annotated.deadline_on == due


def test_moving_the_board_meeting_moves_the_deadline_and_is_recorded(cast):
    meeting = BoardMeetingFactory(date=TODAY - datetime.timedelta(days=3), title="January Board meeting")
    recommendation = RecommendationFactory(
        audit=cast.audit, deadline_date=None, deadline_meeting=meeting, owners=[cast.agency]
    )
    assert rag_state(recommendation=recommendation, today=TODAY) == RagState.OVERDUE

    board_meeting_update(
        meeting=meeting, actor=cast.bm, date=TODAY + datetime.timedelta(days=60), title=meeting.title
    )

    recommendation.refresh_from_db()
    assert recommendation.deadline == TODAY + datetime.timedelta(days=60)
    assert rag_state(recommendation=recommendation, today=TODAY) == RagState.ON_TRACK
    event = recommendation.events.get(kind="deadline_changed")
    assert event.actor == cast.bm
    assert "7 January 2027" in event.detail and "11 March 2027" in event.detail


def test_deadline_changed_after_the_fact_from_meeting_to_earlier_date(cast):
    meeting = BoardMeetingFactory(date=TODAY + datetime.timedelta(days=90), title="April Board meeting")
    recommendation = RecommendationFactory(
        audit=cast.audit, deadline_date=None, deadline_meeting=meeting, owners=[cast.agency]
    )
    assert rag_state(recommendation=recommendation, today=TODAY) == RagState.ON_TRACK

    recommendation_update(
        recommendation=recommendation,
        actor=cast.bm,
        text=recommendation.text,
        owners=[cast.agency],
        deadline_date=TODAY - datetime.timedelta(days=1),
        deadline_meeting=None,
    )

    recommendation.refresh_from_db()
    assert rag_state(recommendation=recommendation, today=TODAY) == RagState.OVERDUE
    event = recommendation.events.get(kind="deadline_changed")
    assert event.detail == "Deadline moved from 10 April 2027 (April Board meeting) to 9 January 2027."


def test_due_soon_window_follows_the_setting(settings):
    recommendation = RecommendationFactory(deadline_date=TODAY + datetime.timedelta(days=20))
    settings.RECOMMENDATION_DUE_SOON_DAYS = 14
    assert rag_state(recommendation=recommendation, today=TODAY) == RagState.ON_TRACK
    settings.RECOMMENDATION_DUE_SOON_DAYS = 21
    assert rag_state(recommendation=recommendation, today=TODAY) == RagState.DUE_SOON


def test_deadline_is_shown_as_a_date_with_the_meeting_named():
    meeting = BoardMeetingFactory(date=datetime.date(2027, 1, 31), title="January Board meeting")
    by_meeting = RecommendationFactory(deadline_date=None, deadline_meeting=meeting)
    by_date = RecommendationFactory(deadline_date=datetime.date(2027, 1, 31))
    assert by_meeting.deadline_display == "31 January 2027 (January Board meeting)"
    assert by_date.deadline_display == "31 January 2027"
