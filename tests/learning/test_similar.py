"""'Have we been here before?': similar past recommendations beside a draft, with what became of them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from learning.selectors import similar_recommendations
from recommendations.models import Recommendation, RecommendationActivity
from tests.factories import AuditFactory, RecommendationFactory
from tests.helpers import login

pytestmark = pytest.mark.django_db

PAST = (
    "Partner agencies should make sure that practitioners record the views and wishes of the child at "
    "every visit and show how those views changed the plan."
)
NEAR_DUPLICATE = (
    "Partner agencies should ensure practitioners record the views and wishes of the child at every "
    "visit and show how those views shaped the plan."
)
UNRELATED = "The Board to commission a review of out-of-hours health cover for looked-after teenagers."


@pytest.fixture
def past(cast):
    earlier = AuditFactory(title="Voice of the child audit 2024", created_by=cast.bm)
    rec = RecommendationFactory(
        audit=earlier, text=PAST, created_by=cast.bm, deadline_date=datetime.date(2025, 3, 1)
    )
    Recommendation.objects.filter(pk=rec.pk).update(status=Recommendation.Status.ASSURED)
    event = RecommendationActivity.objects.create(
        recommendation=rec, actor=cast.bm, kind=RecommendationActivity.Kind.ASSURED, to_status="assured"
    )
    drafted = timezone.make_aware(
        datetime.datetime.combine(timezone.localdate() - datetime.timedelta(days=120), datetime.time(12))
    )
    Recommendation.objects.filter(pk=rec.pk).update(created_at=drafted)
    overdue = RecommendationFactory(
        audit=earlier,
        text="Practitioners should record the child's views and wishes at each visit and show their effect on the plan.",
        created_by=cast.bm,
        deadline_date=timezone.localdate() - datetime.timedelta(days=30),
    )
    return {"assured": rec, "overdue": overdue, "event": event}


def test_a_near_duplicate_draft_is_shown_its_predecessor_with_its_outcome(cast, past):
    found = similar_recommendations(user=cast.bm, text=NEAR_DUPLICATE, exclude_audit_pk=cast.audit.pk)
    assert found and found[0].recommendation == past["assured"]
    first = found[0]
    assert first.rag == "assured" and first.assured_on == timezone.localdate()
    assert first.days_taken == 120


def test_an_unrelated_draft_is_shown_nothing(cast, past):
    assert similar_recommendations(user=cast.bm, text=UNRELATED, exclude_audit_pk=cast.audit.pk) == []


def test_the_drafts_own_audit_and_itself_are_left_out(cast, past):
    found = similar_recommendations(
        user=cast.bm, text=NEAR_DUPLICATE, exclude_audit_pk=past["assured"].audit_id
    )
    assert found == []
    found = similar_recommendations(user=cast.bm, text=PAST, exclude_pk=past["assured"].pk)
    assert past["assured"] not in [s.recommendation for s in found]


def test_the_form_page_shows_similar_recommendations_for_the_typed_text(client, cast, past):
    login(client, cast.bm)
    url = reverse("learning:similar") + f"?audit={cast.audit.pk}"
    response = client.get(url, {"text": NEAR_DUPLICATE}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Voice of the child audit 2024" in html and "Assured" in html and "120 days after" in html
    assert "Overdue" in html
    unrelated = client.get(url, {"text": UNRELATED}, HTTP_HX_REQUEST="true").content.decode()
    assert "No past recommendation reads like this one" in unrelated


def test_the_draft_form_carries_the_panel(client, cast, past):
    login(client, cast.bm)
    page = client.get(reverse("recommendations:recommendation_create", kwargs={"audit_pk": cast.audit.pk}))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Similar past recommendations" in html and "learning/similar.js" in html
    # A submitted draft with errors shows the matches for what was typed.
    page = client.post(
        reverse("recommendations:recommendation_create", kwargs={"audit_pk": cast.audit.pk}),
        {"text": NEAR_DUPLICATE},
    )
    assert "Voice of the child audit 2024" in page.content.decode()


def test_only_the_business_manager_asks(client, cast, past):
    for user in (cast.panel, cast.contributor, cast.board):
        login(client, user)
        assert client.get(reverse("learning:similar"), {"text": NEAR_DUPLICATE}).status_code == 403
