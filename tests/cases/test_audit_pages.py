"""The audit as a task list: an overview of its stages, each linking to a page of its own that shows
that stage's content and actions only, for the same readers as before and in a flat number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    AgencyFactory,
    AgencyReturnFactory,
    CaseAssuranceFactory,
    CaseFactory,
    CaseNoteFactory,
    InvitationFactory,
    LearningPointFactory,
    MeetingFactory,
    PanelMembershipFactory,
    RecommendationFactory,
    UserFactory,
)
from tests.helpers import login

pytestmark = pytest.mark.django_db

STAGE_PAGES = [
    "cases:audit_cases",
    "cases:audit_returns",
    "cases:audit_grades",
    "cases:audit_panel",
    "cases:audit_meetings",
    "cases:audit_findings",
    "cases:audit_recommendations",
    "cases:audit_assurance",
]
# Each stage of the task list and the page it leads to.
STAGE_LINKS = {
    "Cases selected": "cases:audit_cases",
    "Returns requested": "cases:audit_returns",
    "Returns received and accepted": "cases:audit_returns",
    "Case packs circulated": "cases:audit_panel",
    "Meetings held": "cases:audit_meetings",
    "Findings agreed": "cases:audit_findings",
    "Recommendations agreed": "cases:audit_recommendations",
    "Report published": "reports:report_detail",
    "Recommendations assured": "cases:audit_assurance",
}
# A heading each page shows, and the headings of the other stages it must not.
HEADINGS = {
    "cases:audit_cases": "Cases selected</h2>",
    "cases:audit_returns": "Agency returns: completion</h2>",
    "cases:audit_grades": "Audit tool and grades</h2>",
    "cases:audit_panel": "Panel</h2>",
    "cases:audit_meetings": "Reflective practice meetings</h2>",
    "cases:audit_findings": "Findings progress per case</h2>",
    "cases:audit_recommendations": "Recommendations</h2>",
    "cases:audit_assurance": "Responses and assurance</h2>",
}


def url(name, audit):
    return reverse(name, kwargs={"audit_pk": audit.pk})


def page(client, name, audit):
    response = client.get(url(name, audit))
    assert response.status_code == 200, (name, response.status_code)
    return response.content.decode()


def test_overview_lists_the_stages_in_order_each_linking_to_its_page(client, cast):
    login(client, cast.bm)
    html = page(client, "cases:audit_detail", cast.audit)
    positions = [html.index(f">{name}</a>") for name in STAGE_LINKS]
    assert positions == sorted(positions)
    for name, target in STAGE_LINKS.items():
        item = html.split(f">{name}</a>")[0].rsplit("<li", 1)[1]
        assert f'href="{url(target, cast.audit)}"' in item, name
    # The overview is the task list and the audit's details, not the stages' content.
    for heading in HEADINGS.values():
        assert heading not in html
    assert "#matrix-h" not in html and "#cases-h" not in html


@pytest.mark.parametrize("name", STAGE_PAGES)
def test_each_stage_page_shows_its_own_section_only_with_a_way_back(client, cast, name):
    login(client, cast.bm)
    html = page(client, name, cast.audit)
    assert HEADINGS[name] in html
    for other, heading in HEADINGS.items():
        if other != name:
            assert heading not in html, (name, heading)
    overview = url("cases:audit_detail", cast.audit)
    assert f'href="{overview}">Back to the audit overview</a>' in html
    assert f'<a class="govuk-breadcrumbs__link" href="{overview}">{cast.audit.title}</a>' in html
    # The sub-navigation marks this page as the current one.
    assert f'href="{url(name, cast.audit)}" aria-current="page"' in html
    assert html.count('aria-current="page"') == 2  # the sub-navigation and the breadcrumbs


def test_stage_page_states_the_status_of_its_stages(client, cast):
    AgencyReturnFactory(case=cast.case, agency=cast.other_agency, status="accepted")
    login(client, cast.bm)
    html = page(client, "cases:audit_returns", cast.audit)
    status = html.split('class="govuk-summary-list govuk-summary-list--no-border app-stage-status"')[1]
    status = status.split("</dl>")[0]
    assert "Returns requested" in status and "Returns received and accepted" in status
    assert "1 of 2 received, 1 accepted" in status and "In progress" in status


def test_panel_member_reads_every_stage_page_without_the_business_managers_actions(client, cast):
    RecommendationFactory(audit=cast.audit, position=1, owners=[cast.agency], created_by=cast.bm)
    RecommendationFactory(audit=cast.audit, position=2, owners=[cast.agency], created_by=cast.bm)
    actions = {
        "cases:audit_cases": reverse("cases:case_create", kwargs={"audit_pk": cast.audit.pk}),
        "cases:audit_panel": reverse("cases:panel_add", kwargs={"audit_pk": cast.audit.pk}),
        "cases:audit_recommendations": 'name="direction"',
        "cases:audit_detail": reverse("cases:audit_edit", kwargs={"audit_pk": cast.audit.pk}),
    }
    login(client, cast.bm)
    for name, action in actions.items():
        assert action in page(client, name, cast.audit), name
    login(client, cast.panel)
    for name, action in actions.items():
        assert action not in page(client, name, cast.audit), name
    assert "Remove<span" not in page(client, "cases:audit_panel", cast.audit)


@pytest.mark.parametrize("name", ["cases:audit_detail", *STAGE_PAGES])
def test_audit_pages_are_not_found_for_a_panel_member_of_another_audit(client, cast, name):
    login(client, cast.panel_other)
    assert client.get(url(name, cast.audit)).status_code == 404


def test_adding_a_panel_member_returns_to_the_panel_page(client, cast):
    newcomer = UserFactory(email="newcomer@test.example", full_name="Nia Newcomer", role="panel_member")
    login(client, cast.bm)
    add = reverse("cases:panel_add", kwargs={"audit_pk": cast.audit.pk})
    response = client.post(add, {"user": newcomer.pk, "panel_role": "Designated Doctor"})
    assert response.status_code == 302
    assert response["Location"] == url("cases:audit_panel", cast.audit)
    assert "Nia Newcomer" in page(client, "cases:audit_panel", cast.audit)
    refused = client.post(add, {"user": "", "panel_role": ""})
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "Panel</h2>" in html and "govuk-error-summary" in html
    assert "Agency returns: completion</h2>" not in html


def test_removing_a_panel_member_returns_to_the_panel_page(client, cast):
    membership = PanelMembershipFactory(audit=cast.audit, panel_role="Designated Nurse")
    login(client, cast.bm)
    remove = reverse("cases:panel_remove", kwargs={"audit_pk": cast.audit.pk, "membership_pk": membership.pk})
    assert f'href="{url("cases:audit_panel", cast.audit)}"' in client.get(remove).content.decode()
    response = client.post(remove)
    assert response["Location"] == url("cases:audit_panel", cast.audit)


def test_drafting_and_moving_recommendations_return_to_the_recommendations_page(client, cast):
    first = RecommendationFactory(audit=cast.audit, position=1, owners=[cast.agency], created_by=cast.bm)
    RecommendationFactory(audit=cast.audit, position=2, owners=[cast.agency], created_by=cast.bm)
    login(client, cast.bm)
    move = reverse("recommendations:recommendation_move", kwargs={"recommendation_pk": first.pk})
    response = client.post(move, {"direction": "down"})
    assert response["Location"] == url("cases:audit_recommendations", cast.audit)


def _grow(cast, n):
    """n more cases, each with returns, notes, a learning point, an assurance, a meeting with
    invitations, and n more recommendations and panel members."""
    agencies = [AgencyFactory(name=f"Growth agency {n}-{i}") for i in range(3)]
    for i in range(n):
        case = CaseFactory(audit=cast.audit, method="meeting", child_status="cp_plan")
        case.agencies.set(agencies)
        for agency in agencies:
            AgencyReturnFactory(case=case, agency=agency, requested_by=cast.bm, status="submitted")
        CaseNoteFactory(case=case, author=cast.panel)
        LearningPointFactory(case=case, created_by=cast.panel)
        CaseAssuranceFactory(case=case, recorded_by=cast.panel)
        meeting = MeetingFactory(case=case, created_by=cast.bm)
        for agency in agencies:
            InvitationFactory(meeting=meeting, agency=agency, sent_at=timezone.now())
        RecommendationFactory(audit=cast.audit, position=10 + i, owners=agencies, created_by=cast.bm)
        PanelMembershipFactory(audit=cast.audit)
    case.pack_circulated_at = timezone.now()
    case.save()


def _queries(client, target):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(target).status_code == 200
    return len(ctx)


@pytest.mark.parametrize("persona", ["bm", "panel"])
@pytest.mark.parametrize("name", ["cases:audit_detail", *STAGE_PAGES])
def test_audit_page_query_count_is_flat_as_the_audit_grows(client, cast, name, persona):
    _grow(cast, 2)
    login(client, getattr(cast, persona))
    target = url(name, cast.audit)
    client.get(target)  # warm up (session, content types)
    before = _queries(client, target)
    _grow(cast, 6)
    assert _queries(client, target) == before, name
    assert before <= 30


def test_the_report_page_carries_the_audits_sub_navigation(client, cast):
    login(client, cast.panel)
    html = page(client, "reports:report_detail", cast.audit)
    nav = html.split('aria-label="Pages of this audit"')[1].split("</nav>")[0]
    assert f'href="{url("reports:report_detail", cast.audit)}" aria-current="page">Report</a>' in nav
    for name in ["cases:audit_detail", *STAGE_PAGES]:
        assert f'href="{url(name, cast.audit)}"' in nav
