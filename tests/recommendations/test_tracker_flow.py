"""Tracker tweaks: no audit column when one audit is shown, chart bars that open the filtered list,
and each recommendation's latest response kind and date (never its text) for the Board."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from recommendations import services
from tests.factories import AuditFactory, RecommendationFactory
from tests.helpers import login

pytestmark = pytest.mark.django_db

TRACKER = reverse("recommendations:tracker")


def _days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def two_audits(cast):
    a = RecommendationFactory(audit=cast.audit, text="First audit's recommendation.", owners=[cast.agency])
    other = AuditFactory(title="Second audit", created_by=cast.bm)
    b = RecommendationFactory(
        audit=other, text="Second audit's recommendation.", deadline_date=_days(-5), owners=[cast.agency]
    )
    return a, b


def _head(html):
    return html.split('<thead class="govuk-table__head">')[1].split("</thead>")[0]


def test_audit_column_only_when_several_audits_are_shown(client, cast, two_audits):
    a, _ = two_audits
    login(client, cast.board)
    html = client.get(TRACKER).content.decode()
    assert ">Audit</th>" in _head(html)
    html = client.get(TRACKER, {"audit": a.audit_id}).content.decode()
    assert ">Audit</th>" not in _head(html)
    assert f"Recommendations of {cast.audit.title}" in html


def test_chart_bars_link_to_the_filtered_list(client, cast, two_audits):
    a, b = two_audits
    login(client, cast.board)
    html = client.get(TRACKER, {"audit": b.audit_id}).content.decode()
    links = re.findall(r'<a href="([^"]+)" class="rag-chart-link"', html)
    assert len(links) == 5
    overdue = next(link.replace("&amp;", "&") for link in links if "state=overdue" in link)
    assert f"audit={b.audit_id}" in overdue
    listed = client.get(overdue).content.decode()
    assert (
        "Second audit&#x27;s recommendation." in listed
        and "First audit" not in listed.split('<tbody class="govuk-table__body">')[1]
    )
    # The Board home's chart opens the tracker for each state too.
    home = client.get(reverse("recommendations:board_home")).content.decode()
    assert f'href="{TRACKER}?state=overdue" class="rag-chart-link"' in home


def test_board_sees_latest_response_kind_and_date_not_its_text(client, cast, two_audits):
    a, _ = two_audits
    services.response_post(recommendation=a, actor=cast.contributor, text="Confidential progress detail.")
    services.response_post(
        recommendation=a, actor=cast.contributor, text="Confidential final detail.", is_final=True
    )
    login(client, cast.board)
    html = client.get(TRACKER, {"show": "all"}).content.decode()
    row = html.split("First audit&#x27;s recommendation.")[1].split("</tr>")[0]
    assert f"Final response, {timezone.localdate():%-d %B %Y}" in row
    assert "Confidential" not in html
    assert "None yet" in html.split("Second audit&#x27;s recommendation.")[1].split("</tr>")[0]


def test_contributor_sees_only_their_own_agencys_latest_response(client, cast):
    rec = RecommendationFactory(audit=cast.audit, owners=[cast.agency, cast.other_agency])
    services.response_post(recommendation=rec, actor=cast.contributor_other, text="Police update.")
    login(client, cast.contributor)
    row = client.get(TRACKER).content.decode().split("tracker-row")[1].split("</tr>")[0]
    assert "None yet" in row
    login(client, cast.contributor_other)
    row = client.get(TRACKER).content.decode().split("tracker-row")[1].split("</tr>")[0]
    assert "Progress update" in row
