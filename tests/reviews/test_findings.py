"""Findings per case: numbered, ordered learning points; the assurance; confidential agency actions,
which the owner agency's contributors see and answer (their own only, and nothing else of the findings)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from reviews.models import AgencyAction, CaseAssurance, LearningPoint
from tests.factories import AgencyActionFactory, LearningPointFactory
from tests.helpers import login

pytestmark = pytest.mark.django_db


def findings_url(case):
    return reverse("reviews:findings", kwargs={"case_pk": case.pk})


def point_texts(case):
    return list(LearningPoint.objects.filter(case=case).order_by("position").values_list("text", flat=True))


@pytest.mark.parametrize("persona", ["bm", "panel"])
def test_panel_and_business_manager_add_numbered_learning_points(client, cast, persona):
    login(client, getattr(cast, persona))
    url = reverse("reviews:learning_point_add", kwargs={"case_pk": cast.case.pk})
    for text in ("Swift safety plan.", "Case closed too soon.", "Good keep-safe work."):
        assert client.post(url, {"kind": "good_practice", "text": text}).status_code == 302
    assert point_texts(cast.case) == ["Swift safety plan.", "Case closed too soon.", "Good keep-safe work."]
    html = client.get(findings_url(cast.case)).content.decode()
    assert "<strong>iii.</strong>" in html


def test_learning_point_needs_text_and_kind(client, cast):
    login(client, cast.panel)
    url = reverse("reviews:learning_point_add", kwargs={"case_pk": cast.case.pk})
    response = client.post(url, {"kind": "good_practice", "text": ""})
    assert response.status_code == 400
    assert "Enter the learning point" in response.content.decode()
    assert "This field is required." not in response.content.decode()
    assert not LearningPoint.objects.exists()


def test_learning_points_move_up_and_down_without_javascript(client, cast):
    a, b, c = (
        LearningPointFactory(case=cast.case, position=n, text=t, created_by=cast.panel)
        for n, t in ((1, "Alpha point"), (2, "Bravo point"), (3, "Charlie point"))
    )
    login(client, cast.panel)

    def move(point, direction):
        url = reverse("reviews:learning_point_move", kwargs={"case_pk": cast.case.pk, "point_pk": point.pk})
        return client.post(url, {"direction": direction})

    move(c, "up")
    assert point_texts(cast.case) == ["Alpha point", "Charlie point", "Bravo point"]
    move(a, "down")
    assert point_texts(cast.case) == ["Charlie point", "Alpha point", "Bravo point"]
    move(c, "up")  # already first: nothing changes
    assert point_texts(cast.case) == ["Charlie point", "Alpha point", "Bravo point"]
    html = client.get(findings_url(cast.case)).content.decode()
    assert html.index("Charlie point") < html.index("Alpha point") < html.index("Bravo point")
    delete = reverse("reviews:learning_point_delete", kwargs={"case_pk": cast.case.pk, "point_pk": a.pk})
    client.post(delete)
    assert list(LearningPoint.objects.order_by("position").values_list("position", "text")) == [
        (1, "Charlie point"),
        (2, "Bravo point"),
    ]


def test_learning_point_is_edited(client, cast):
    point = LearningPointFactory(case=cast.case, created_by=cast.panel, text="Old wording")
    login(client, cast.bm)
    url = reverse("reviews:learning_point_edit", kwargs={"case_pk": cast.case.pk, "point_pk": point.pk})
    assert "Old wording" in client.get(url).content.decode()
    client.post(url, {"kind": "area_for_development", "text": "New wording"})
    point.refresh_from_db()
    assert (point.kind, point.text) == ("area_for_development", "New wording")


def test_panel_of_another_audit_cannot_touch_the_findings(client, cast):
    point = LearningPointFactory(case=cast.case, created_by=cast.panel, text="Keep me")
    login(client, cast.panel_other)
    assert client.get(findings_url(cast.case)).status_code == 404
    url = reverse("reviews:learning_point_edit", kwargs={"case_pk": cast.case.pk, "point_pk": point.pk})
    assert client.post(url, {"kind": "learning", "text": "Changed"}).status_code == 404
    # a point reached through another case's URL is 404 as well
    login(client, cast.panel)
    other_url = reverse(
        "reviews:learning_point_edit", kwargs={"case_pk": cast.other_case.pk, "point_pk": point.pk}
    )
    assert client.get(other_url).status_code == 404
    point.refresh_from_db()
    assert point.text == "Keep me"


def test_panel_records_the_assurance(client, cast):
    login(client, cast.panel)
    url = reverse("reviews:assurance_edit", kwargs={"case_pk": cast.case.pk})
    client.post(
        url, {"finding": "no_child_unsafe", "statement": "No incidents of the child being left unsafe."}
    )
    client.post(url, {"finding": "no_child_unsafe", "statement": "Revised statement."})
    assurance = CaseAssurance.objects.get(case=cast.case)
    assert assurance.statement == "Revised statement." and assurance.recorded_by == cast.panel
    assert "No child was left unsafe" in client.get(findings_url(cast.case)).content.decode()


# --- Confidential actions ------------------------------------------------------------------------


@pytest.fixture
def actions(cast):
    LearningPointFactory(case=cast.case, created_by=cast.panel, text="Learning the contributor must not see")
    own = AgencyActionFactory(
        case=cast.case, owner_agency=cast.agency, created_by=cast.panel, description="Remind social workers X"
    )
    other = AgencyActionFactory(
        case=cast.case, owner_agency=cast.other_agency, created_by=cast.panel, description="Police review Y"
    )
    return own, other


def test_panel_adds_a_confidential_action_for_an_agency_of_the_case(client, cast):
    login(client, cast.panel)
    url = reverse("reviews:action_add", kwargs={"case_pk": cast.case.pk})
    due = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    response = client.post(
        url, {"owner_agency": cast.agency.pk, "description": "Review step-down", "due_date": due}
    )
    assert response.status_code == 302
    action = AgencyAction.objects.get()
    assert (action.owner_agency, action.status, action.created_by) == (cast.agency, "open", cast.panel)


def test_contributor_sees_own_agency_actions_and_nothing_else_of_the_findings(client, cast, actions):
    own, other = actions
    login(client, cast.contributor)
    html = client.get(reverse("reviews:action_list")).content.decode()
    assert "Remind social workers X" in html
    assert "Police review Y" not in html
    assert "Learning the contributor must not see" not in html
    # the findings, review page and other agency's action are closed to them
    assert client.get(findings_url(cast.case)).status_code in (403, 404)
    assert client.get(reverse("reviews:case_review", kwargs={"case_pk": cast.case.pk})).status_code in (
        403,
        404,
    )
    assert client.get(reverse("reviews:action_respond", kwargs={"action_pk": other.pk})).status_code == 404
    edit = reverse("reviews:action_edit", kwargs={"case_pk": cast.case.pk, "action_pk": own.pk})
    assert client.post(edit, {"status": "closed"}).status_code in (403, 404)


def test_contributor_responds_to_their_agency_action(client, cast, actions):
    own, other = actions
    login(client, cast.contributor)
    url = reverse("reviews:action_respond", kwargs={"action_pk": own.pk})
    response = client.post(url, {"response": ""})
    assert response.status_code == 400
    response = client.post(url, {"response": "Bulletin issued to all teams.", "completed": "on"})
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.agency_response == "Bulletin issued to all teams."
    assert own.status == "completed" and own.responded_by == cast.contributor
    # the audit group sees the response when monitoring
    client.logout()
    login(client, cast.bm)
    html = client.get(reverse("reviews:action_list")).content.decode()
    assert "Bulletin issued to all teams." in html and "Police review Y" in html


def test_contributor_of_another_agency_cannot_see_or_answer(client, cast, actions):
    own, other = actions
    login(client, cast.contributor_other)
    html = client.get(reverse("reviews:action_list")).content.decode()
    assert "Police review Y" in html and "Remind social workers X" not in html
    url = reverse("reviews:action_respond", kwargs={"action_pk": own.pk})
    assert client.post(url, {"response": "Not ours"}).status_code == 404
    own.refresh_from_db()
    assert own.agency_response == ""


def test_panel_of_another_audit_does_not_monitor_these_actions(client, cast, actions):
    login(client, cast.panel_other)
    html = client.get(reverse("reviews:action_list")).content.decode()
    assert "Remind social workers X" not in html and "Police review Y" not in html


def test_board_member_has_no_actions_page(client, cast, actions):
    login(client, cast.board)
    assert client.get(reverse("reviews:action_list")).status_code == 403


def test_business_manager_closes_an_action(client, cast, actions):
    own, _ = actions
    login(client, cast.bm)
    url = reverse("reviews:action_edit", kwargs={"case_pk": cast.case.pk, "action_pk": own.pk})
    due = own.due_date.isoformat()
    client.post(
        url,
        {"owner_agency": cast.agency.pk, "description": own.description, "due_date": due, "status": "closed"},
    )
    own.refresh_from_db()
    assert own.status == "closed"


def test_findings_page_queries_stay_flat(client, cast, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, cast.panel)
    LearningPointFactory(case=cast.case, created_by=cast.panel)
    AgencyActionFactory(case=cast.case, owner_agency=cast.agency, created_by=cast.panel)
    with CaptureQueriesContext(connection) as before:
        client.get(findings_url(cast.case))
    for _ in range(8):
        LearningPointFactory(case=cast.case, created_by=cast.panel)
        AgencyActionFactory(case=cast.case, owner_agency=cast.other_agency, created_by=cast.panel)
    with django_assert_max_num_queries(len(before.captured_queries)):
        assert client.get(findings_url(cast.case)).status_code == 200


def test_action_list_queries_stay_flat(client, cast, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    AgencyActionFactory(case=cast.case, owner_agency=cast.agency, created_by=cast.panel)
    login(client, cast.contributor)
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("reviews:action_list"))
    for _ in range(8):
        AgencyActionFactory(
            case=cast.case, owner_agency=cast.agency, created_by=cast.panel, agency_response="Done"
        )
    with django_assert_max_num_queries(len(before.captured_queries)):
        assert client.get(reverse("reviews:action_list")).status_code == 200
