"""The demo holds the seed's recommendations (a)-(g) with owners, deadlines and a live mix of states."""

import pytest
from django.core.management import call_command

from cases.demo import TITLE as DEMO_TITLE
from cases.models import Audit
from recommendations.models import BoardMeeting, EvidenceFile, Recommendation, RecommendationActivity
from recommendations.tracker import RagState, rag_state

pytestmark = pytest.mark.django_db


def test_demo_has_the_seeds_recommendations_a_to_g_with_a_live_mix():
    call_command("load_demo", force=True)
    audit = Audit.objects.get(title=DEMO_TITLE)
    recommendations = list(audit.recommendations.prefetch_related("owners").order_by("position"))
    assert [r.letter for r in recommendations] == list("abcdefg")
    assert all(r.owners.exists() for r in recommendations)
    by_letter = {r.letter: r for r in recommendations}
    assert [a.name for a in by_letter["c"].owners.all()] == ["Northbridge Children's Social Care"]
    assert [a.name for a in by_letter["g"].owners.all()] == ["Northbridge Constabulary"]
    assert "Portsmouth" not in " ".join(r.text for r in recommendations)
    assert "Hampshire" not in " ".join(r.text for r in recommendations)
    # Deadlines: some at Board meetings, some dates.
    assert any(r.deadline_meeting_id for r in recommendations) and any(
        r.deadline_date for r in recommendations
    )
    states = [rag_state(recommendation=r) for r in recommendations]
    assert states.count(RagState.OVERDUE) == 1
    assert states.count(RagState.ASSURED) == 1
    assert RagState.DUE_SOON in states and RagState.ON_TRACK in states
    responded = [r for r in recommendations if r.responses.exists()]
    assert len(responded) >= 3
    assert EvidenceFile.objects.filter(response__recommendation=by_letter["c"]).exists()


def test_demo_recommendations_load_once():
    call_command("load_demo", force=True)
    counts = (
        Recommendation.objects.count(),
        BoardMeeting.objects.count(),
        RecommendationActivity.objects.count(),
        EvidenceFile.objects.count(),
    )
    call_command("load_demo", force=True)
    assert (
        Recommendation.objects.count(),
        BoardMeeting.objects.count(),
        RecommendationActivity.objects.count(),
        EvidenceFile.objects.count(),
    ) == counts
