"""`make bench` is not run in CI, so prove here, on a tiny shape, that its generator still fits the
models and that every page it measures answers 200 to its persona. No timing is asserted."""

import pytest

from bench import generate, pages

pytestmark = pytest.mark.postgres

TINY = generate.Shape(
    audits=3,
    cases_per_audit=2,
    entries_per_return=(1, 3),
    largest_case_entries_per_return=5,
    terms_per_case=2,
    panel_members=8,
    panel_per_audit=3,
    contributors_per_agency=1,
    board_members=1,
    access_log_rows=50,
)


def test_generator_builds_the_shape_it_promises(db):
    world = generate.generate(TINY, log=lambda _message: None)
    assert world.counts["audits"] == 3
    assert world.counts["cases"] == 6
    assert world.counts["agencies"] == 12
    # Every return of the largest case has the largest chronology; it involves all 12 agencies.
    assert world.largest_case.returns.count() == 12
    assert world.largest_return.entries.count() == 5
    assert {r.entries.count() for r in world.largest_case.returns.all()} == {5}
    assert world.counts["chronology entries"] == generate.ChronologyEntry.objects.count()
    # The other five cases: 5 to 10 agencies each, 1 to 3 entries a return.
    assert 5 * 12 + 5 * 5 * 1 <= world.counts["chronology entries"] <= 5 * 12 + 5 * 10 * 3
    assert world.counts["access-log entries"] == 50
    # The benchmark's panel member sits on the audits whose pages are measured.
    for audit in (world.largest_audit, world.smallest_audit):
        assert audit.panel_memberships.filter(user=world.panel).exists()

    # The learning app's programme and follow-ups: an entry per audit held, two slipped a past year,
    # four planned this year and next; each closed audit's first recommendation followed up by the
    # next audit (its re-audit), each second one given a re-audit date.
    from learning.models import ProgrammeEntry, ReAudit

    assert world.counts["programme entries"] == 3 + 2 * 3 + 4 * 2
    assert ProgrammeEntry.objects.filter(audit__isnull=False).count() == 3
    assert world.counts["re-audits"] == 2 and world.counts["follow-ups"] == 2 + 3
    chain = world.largest_recommendation
    assert chain.status == "assured" and chain.audit_id == world.smallest_audit.pk
    assert chain.follow_up.audit.reaudit.earlier_id == chain.audit_id
    assert ReAudit.objects.get(earlier=chain.audit).recommendations.get() == chain
    assert not hasattr(world.smallest_recommendation, "follow_up")
    per_year = ProgrammeEntry.objects.filter
    assert (
        per_year(year=world.largest_programme_year).count()
        > per_year(year=world.smallest_programme_year).count()
        > 0
    )

    again = generate.world_from_database()
    assert again.largest_case.pk == world.largest_case.pk
    assert again.largest_recommendation.pk == world.largest_recommendation.pk
    assert again.smallest_recommendation.pk == world.smallest_recommendation.pk
    assert (again.largest_programme_year, again.smallest_programme_year) == (
        world.largest_programme_year,
        world.smallest_programme_year,
    )
    assert again.counts == world.counts


def test_every_measured_page_answers_its_persona(db):
    world = generate.generate(TINY, log=lambda _message: None)
    measured, missing = pages.resolve_pages(world)
    assert {p.resolved_name for p in measured} >= {
        "cases:audit_list",
        "cases:audit_detail",
        "cases:case_detail",
        "cases:portal",
        "recommendations:board_home",
        "learning:library",
        "learning:programme",
        "recommendations:recommendation_detail",
    }
    for page in measured:
        for size in ("large", "small"):
            client = pages.logged_in_client(pages.persona_user(world, page.persona, size))
            queries, status = pages.count_queries(client, page.urls[size])
            assert status == 200, f"{page.label} ({size}) answered {status}"
            assert queries > 0
    minimal = pages.logged_in_client(world.bm).get(pages.MINIMAL_PATH)
    assert minimal.status_code == 404
    assert b"Page not found" in minimal.content
