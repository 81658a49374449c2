"""Recurring themes: audits and learning points per theme per year, the audits behind each bar, and
the themes whose recommendations are most often overdue."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from learning.selectors import recurring_themes, themes_most_overdue
from tests.factories import AuditFactory, CaseFactory, LearningPointFactory, RecommendationFactory
from tests.helpers import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(cast, themes):
    neglect = themes["Neglect"]
    a2024 = AuditFactory(
        title="Neglect audit 2024",
        period_start=datetime.date(2024, 1, 1),
        period_end=datetime.date(2024, 3, 31),
    )
    a2025 = AuditFactory(
        title="Neglect audit 2025",
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 3, 31),
    )
    for audit, n in ((a2024, 2), (a2025, 3)):
        case = CaseFactory(audit=audit, number=1)
        for i in range(n):
            neglect.learning_points.add(LearningPointFactory(case=case, position=i + 1, text=f"Point {i}"))
    themes["Thresholds"].audits.add(a2025)
    late = RecommendationFactory(audit=a2024, deadline_date=timezone.localdate() - datetime.timedelta(days=5))
    fine = RecommendationFactory(
        audit=a2024, deadline_date=timezone.localdate() + datetime.timedelta(days=90)
    )
    neglect.recommendations.add(late, fine)
    themes["Thresholds"].recommendations.add(fine)
    return {"a2024": a2024, "a2025": a2025, "neglect": neglect}


def test_counts_per_theme_per_year_match_the_data(history, themes, django_assert_num_queries):
    with django_assert_num_queries(4):
        data = recurring_themes()
    rows = {r.theme.name: r for r in data["rows"]}
    assert rows["Neglect"].years == {2024: {"audits": 1, "points": 2}, 2025: {"audits": 1, "points": 3}}
    assert rows["Thresholds"].years == {2025: {"audits": 1, "points": 0}}
    assert data["years"] == [2024, 2025]


def test_themes_most_often_overdue(history):
    overdue = themes_most_overdue()
    assert overdue == [
        {"theme_pk": history["neglect"].pk, "name": "Neglect", "total": 2, "overdue": 1, "rate": 50}
    ]


def test_page_chart_bars_link_to_the_audits_behind_them(client, cast, history):
    login(client, cast.bm)
    page = client.get(reverse("learning:recurring"))
    assert page.status_code == 200
    bar = reverse("learning:theme_year", kwargs={"theme_pk": history["neglect"].pk, "year": 2024})
    assert bar in page.content.decode()
    behind = client.get(bar).content.decode()
    assert "Neglect audit 2024" in behind and "Neglect audit 2025" not in behind


def test_board_member_sees_the_counts_but_only_published_audits_behind_a_bar(client, cast, history):
    from .conftest import publish

    login(client, cast.board)
    assert client.get(reverse("learning:recurring")).status_code == 200
    bar = reverse("learning:theme_year", kwargs={"theme_pk": history["neglect"].pk, "year": 2024})
    assert "Neglect audit 2024" not in client.get(bar).content.decode()
    publish(history["a2024"], cast.bm)
    html = client.get(bar).content.decode()
    assert "Neglect audit 2024" in html and "/report-versions/" in html
