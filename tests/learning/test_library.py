"""The library: full-text search over learning points, recommendations, responses and confidential
actions, ranked, filtered, scoped by the user and written to the access log. Runs on SQLite and on
PostgreSQL (set DATABASE_URL); the index test is PostgreSQL only."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse

from accesslog.models import AccessLogEntry
from tests.factories import (
    AgencyActionFactory,
    AuditFactory,
    CaseFactory,
    LearningPointFactory,
    RecommendationFactory,
    RecommendationResponseFactory,
)
from tests.helpers import login

from .conftest import publish

pytestmark = pytest.mark.django_db

ONCE = "Practitioners showed little professional curiosity about the adults who came and went from the home."
TWICE = (
    "Curiosity faded once the family seemed to engage: curiosity about the new partner would have changed "
    "the plan."
)
OTHER = "Professional curiosity in the other audit: school staff asked the right questions about bruising."
UNRELATED = "The strategy meeting was held on time with every agency present."


@pytest.fixture
def library(cast, themes):
    once = LearningPointFactory(case=cast.case, text=ONCE, position=1, created_by=cast.panel)
    twice = LearningPointFactory(case=cast.case, text=TWICE, position=2, created_by=cast.panel)
    unrelated = LearningPointFactory(case=cast.case, text=UNRELATED, position=3, created_by=cast.panel)
    other = LearningPointFactory(case=cast.other_case, text=OTHER, position=1, created_by=cast.panel_other)
    themes["Voice of the child"].learning_points.add(once)
    rec = RecommendationFactory(
        audit=cast.audit,
        text="Agencies to build curiosity about new adults in the household into supervision.",
        owners=[cast.agency],
        created_by=cast.bm,
    )
    response = RecommendationResponseFactory(
        recommendation=rec,
        agency=cast.agency,
        author=cast.contributor,
        text="Our curiosity training is booked.",
    )
    action = AgencyActionFactory(
        case=cast.case,
        owner_agency=cast.agency,
        description="Audit ten supervision records for curiosity about new adults.",
        created_by=cast.bm,
    )
    return {
        "once": once,
        "twice": twice,
        "unrelated": unrelated,
        "other": other,
        "rec": rec,
        "response": response,
        "action": action,
    }


def search(client, user, **params):
    login(client, user)
    response = client.get(reverse("learning:library"), params)
    assert response.status_code == 200, response.status_code
    return response, [(r.kind, r.pk) for r in response.context["result"].results]


def test_finds_a_learning_point_by_a_word_in_its_text_and_ranks_the_better_match_first(client, cast, library):
    _, found = search(client, cast.bm, q="curiosity", kind="learning_point")
    points = [pk for kind, pk in found if kind == "learning_point"]
    assert library["unrelated"].pk not in points
    assert points[0] == library["twice"].pk  # the word twice, in a shorter text
    assert set(points) == {library["once"].pk, library["twice"].pk, library["other"].pk}


def test_finds_a_learning_point_by_theme(client, cast, themes, library):
    _, found = search(client, cast.bm, theme=themes["Voice of the child"].pk)
    assert found == [("learning_point", library["once"].pk)]


def test_word_and_theme_together(client, cast, themes, library):
    _, found = search(client, cast.bm, q="curiosity", theme=themes["Voice of the child"].pk)
    assert found == [("learning_point", library["once"].pk)]
    _, none = search(client, cast.bm, q="strategy", theme=themes["Voice of the child"].pk)
    assert none == []


def test_results_name_their_audit_and_case_and_link_to_them(client, cast, library):
    response, _ = search(client, cast.panel, q="curiosity", kind="learning_point")
    html = response.content.decode()
    assert cast.audit.title in html and cast.case.pseudonym in html
    assert reverse("cases:audit_detail", kwargs={"audit_pk": cast.audit.pk}) in html
    assert reverse("cases:case_detail", kwargs={"case_pk": cast.case.pk}) in html
    assert (
        reverse("reviews:findings", kwargs={"case_pk": cast.case.pk}) + f"#point-{library['twice'].pk}"
        in html
    )


def test_another_audits_panel_member_sees_only_their_own_audit(client, cast, library):
    _, found = search(client, cast.panel_other, q="curiosity")
    assert found == [("learning_point", library["other"].pk)]
    _, mine = search(client, cast.panel, q="curiosity")
    assert ("learning_point", library["other"].pk) not in mine
    assert ("agency_action", library["action"].pk) in mine
    assert ("response", library["response"].pk) in mine


def test_contributor_sees_own_agencys_recommendation_response_and_action_only(client, cast, library):
    _, found = search(client, cast.contributor, q="curiosity")
    assert set(found) == {
        ("recommendation", library["rec"].pk),
        ("response", library["response"].pk),
        ("agency_action", library["action"].pk),
    }
    _, other = search(client, cast.contributor_other, q="curiosity")
    assert other == []


def test_board_member_sees_recommendations_and_published_learning_but_no_actions_or_responses(
    client, cast, library
):
    _, before = search(client, cast.board, q="curiosity")
    assert before == [("recommendation", library["rec"].pk)]
    publish(cast.other_audit, cast.bm)
    response, after = search(client, cast.board, q="curiosity")
    assert set(after) == {("recommendation", library["rec"].pk), ("learning_point", library["other"].pk)}
    # A Board member gets the published report, never the case pages.
    html = response.content.decode()
    assert reverse("cases:case_detail", kwargs={"case_pk": cast.other_case.pk}) not in html
    assert "/report-versions/" in html


def test_contributor_sees_published_learning_of_an_audit_their_agency_took_part_in(client, cast, library):
    publish(cast.other_audit, cast.bm)
    _, found = search(client, cast.contributor_other, q="curiosity")
    assert found == [("learning_point", library["other"].pk)]


def test_the_search_and_the_cases_it_showed_are_logged(client, cast, library):
    before = AccessLogEntry.objects.count()
    search(client, cast.panel, q="curiosity")
    entries = list(AccessLogEntry.objects.order_by("pk")[before:])
    assert [e.what for e in entries][0] == "library_search"
    assert all(e.user_id == cast.panel.pk for e in entries)
    shown_cases = {e.case_id for e in entries if e.what == "library_result"}
    assert cast.case.pk in shown_cases and cast.other_case.pk not in shown_cases


def test_filters_year_agency_and_method(client, cast, library):
    old_audit = AuditFactory(
        title="Older audit", period_start=datetime.date(2023, 1, 1), period_end=datetime.date(2023, 6, 30)
    )
    old_case = CaseFactory(audit=old_audit, number=1, method="meeting")
    old_case.agencies.set([cast.other_agency])
    old = LearningPointFactory(case=old_case, text="Curiosity was strong in this older audit.", position=1)
    _, by_year = search(client, cast.bm, q="curiosity", year=2023)
    assert by_year == [("learning_point", old.pk)]
    _, by_agency = search(client, cast.bm, q="curiosity", agency=cast.other_agency.pk, kind="learning_point")
    # cast.case has both agencies; old_case only the other agency
    assert set(by_agency) == {
        ("learning_point", old.pk),
        ("learning_point", library["once"].pk),
        ("learning_point", library["twice"].pk),
    }
    _, by_method = search(client, cast.bm, q="curiosity", method="paper", kind="learning_point")
    assert by_method == [("learning_point", library["other"].pk)]


def test_nothing_is_searched_or_logged_without_words_or_filters(client, cast, library):
    login(client, cast.bm)
    before = AccessLogEntry.objects.count()
    response = client.get(reverse("learning:library"))
    assert response.status_code == 200 and response.context["result"] is None
    assert AccessLogEntry.objects.count() == before


# Session, user and second factor (3); the filters' options (1); the search (PostgreSQL: one UNION ALL
# of the four kinds of document; SQLite: one a kind, 4); the shown audits' links (1); the shown
# recommendations' pages (1); the shown documents' themes (1); the access log, one insert for the
# search and every case shown (1); the session saved (1).
def library_queries():
    return 10 if connection.vendor == "postgresql" else 13


def test_search_page_query_count_does_not_grow_with_results(client, cast, library):
    from django.test.utils import CaptureQueriesContext

    login(client, cast.bm)

    def searched():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("learning:library"), {"q": "curiosity"})
        assert response.status_code == 200
        # The test's own transaction adds savepoints around the session's save: not the page's queries.
        counted = [q for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
        return len(counted), response.context["result"]

    few, first = searched()
    kinds = {r.kind for r in first.results}
    assert kinds == {"learning_point", "recommendation", "response", "agency_action"}
    for n in range(30):
        LearningPointFactory(case=cast.other_case, text=f"More curiosity needed, note {n}.", position=10 + n)
    many, second = searched()
    assert second.total == first.total + 30 and len(second.results) == 20
    logged = AccessLogEntry.objects.filter(what="library_result", user=cast.bm)
    assert logged.filter(case_id=cast.other_case.pk).exists()
    assert few == library_queries() and many <= few, (few, many)


@pytest.mark.postgres
def test_postgres_uses_the_gin_index_and_ranking(library):
    from django.contrib.postgres.search import SearchQuery

    from learning import search as learning_search
    from reviews.models import LearningPoint

    query = SearchQuery("curiosity", config="english", search_type="websearch")
    qs = LearningPoint.objects.annotate(document=learning_search.stored_vector("learning_point")).filter(
        document=query
    )
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        plan = qs.explain()
        cursor.execute("SET enable_seqscan = on")
    assert "learning_fts_learningpoint" in plan, plan
    # Written straight into the index: no pending list that every search would read row by row.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reloptions FROM pg_class WHERE relname LIKE 'learning_fts_%%' AND relkind = 'i'"
        )
        options = dict(cursor.fetchall())
    assert len(options) == 4 and all(o == ["fastupdate=off"] for o in options.values()), options
    # The stored column is what the documents' fields make, kept up to date by the database.
    point = LearningPoint.objects.first()
    LearningPoint.objects.filter(pk=point.pk).update(text="Escalation was used well.")
    assert (
        LearningPoint.objects.annotate(document=learning_search.stored_vector("learning_point"))
        .filter(pk=point.pk, document=SearchQuery("escalation", config="english"))
        .exists()
    )
