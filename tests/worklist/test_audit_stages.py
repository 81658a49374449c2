"""The audit as a task list: the stages in order, each with a status that follows the records."""

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import AgencyReturn
from tests.factories import CaseAssuranceFactory, LearningPointFactory, RecommendationFactory
from tests.helpers import login
from worklist.selectors import audit_stages

pytestmark = pytest.mark.django_db

ORDER = [
    "Cases selected",
    "Returns requested",
    "Returns received and accepted",
    "Case packs circulated",
    "Meetings held",
    "Findings agreed",
    "Recommendations agreed",
    "Report published",
    "Recommendations assured",
]


def statuses(audit):
    return {s.name: s.status for s in audit_stages(audit=audit)}


def test_stages_are_in_order_and_follow_the_records(cast):
    assert [s.name for s in audit_stages(audit=cast.audit)] == ORDER
    now = statuses(cast.audit)
    assert now["Cases selected"] == "Completed" and now["Returns requested"] == "Completed"
    assert now["Returns received and accepted"] == "Not started"
    assert now["Meetings held"] == "Not started"  # Case One is audited by meeting
    assert now["Recommendations agreed"] == "Not started" and now["Report published"] == "Not started"
    AgencyReturn.objects.filter(pk=cast.agency_return.pk).update(
        status="accepted", accepted_at=timezone.now()
    )
    cast.case.pack_circulated_at = timezone.now()
    cast.case.save()
    LearningPointFactory(case=cast.case, created_by=cast.panel)
    CaseAssuranceFactory(case=cast.case, recorded_by=cast.panel)
    rec = RecommendationFactory(audit=cast.audit, owners=[cast.agency], created_by=cast.bm)
    now = statuses(cast.audit)
    assert now["Returns received and accepted"] == "Completed"
    assert now["Case packs circulated"] == "Completed"
    assert now["Findings agreed"] == "Completed"
    assert now["Recommendations agreed"] == "Completed"
    assert now["Recommendations assured"] == "Not started"
    type(rec).objects.filter(pk=rec.pk).update(status="assured")
    assert statuses(cast.audit)["Recommendations assured"] == "Completed"


def test_audit_page_shows_the_task_list_in_a_fixed_number_of_queries(
    client, cast, django_assert_max_num_queries
):
    RecommendationFactory(audit=cast.audit, owners=[cast.agency], created_by=cast.bm)
    login(client, cast.bm)
    url = reverse("cases:audit_detail", kwargs={"audit_pk": cast.audit.pk})
    client.get(url)
    html = client.get(url).content.decode()
    assert 'class="govuk-task-list"' in html
    positions = [html.index(name) for name in ORDER]
    assert positions == sorted(positions)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for _ in range(5):
        RecommendationFactory(audit=cast.audit, owners=[cast.agency], created_by=cast.bm)
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get(url)
