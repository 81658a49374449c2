"""The leak guard: register terms and identifying patterns block publication, with where they are."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.html import escape

from core import leakguard
from core.leakguard import LocatedText, Term, check_texts, nhs_number_valid
from reports import services
from reports.models import LeakHit, ReportVersion
from tests.factories import LearningPointFactory, RecommendationFactory
from tests.helpers import login

from .conftest import TODAY

TERMS = [
    Term(1, "Case One", "child_name", "Jayden Marlowe"),
    Term(1, "Case One", "address", "14 Larkspur Close"),
    Term(1, "Case One", "date_of_birth", "3 May 2012"),
    Term(2, "Case Two", "school", "St Aldhelm's High School"),
    Term(4, "Case Four", "child_name", "Kai Fenwick-Doyle"),
]


def found(text, terms=TERMS):
    return [
        (h.kind, h.rule, h.matched) for h in check_texts([LocatedText("S", "L", text)], terms, today=TODAY)
    ]


@pytest.mark.parametrize(
    "text, matched",
    [
        ("Jayden Marlowe told his teacher.", "Jayden Marlowe"),
        ("JAYDEN MARLOWE told his teacher.", "JAYDEN MARLOWE"),
        ("It was Jayden's choice.", "Jayden's"),
        ("Jayden’s choice (curly apostrophe).", "Jayden’s"),
        ("The Marlowes' house was visited.", "Marlowes'"),
        ("marlowe was seen.", "marlowe"),
        ("Doyle attended.", "Doyle"),
        ("Fenwick Doyle attended.", "Fenwick Doyle"),
        ("A visit to Larkspur Close.", "Larkspur Close"),
        ("Pupils at St Aldhelms High School.", "St Aldhelms High School"),
    ],
)
def test_register_terms_and_their_variants_are_found(text, matched):
    hits = found(text)
    assert hits and hits[0][0] == leakguard.KIND_REGISTER
    assert matched in [h[2] for h in hits]


@pytest.mark.parametrize(
    "text", ["born 03/05/2012", "on 3rd May 2012", "2012-05-03", "3.5.2012", "May 3, 2012"]
)
def test_a_registered_date_of_birth_is_found_in_any_format(text):
    assert [h[:2] for h in found(text)] == [("register", "date_of_birth")]


@pytest.mark.parametrize("text", ["Jaydenville is a place.", "A marlowesque plan.", "Kaiser", "Kaiju"])
def test_register_matches_whole_words_only(text):
    assert found(text) == []


@pytest.mark.parametrize(
    "text, rule",
    [
        ("The family moved to PO1 2AB last year.", "postcode"),
        ("postcode m1 1ae", "postcode"),
        ("NHS number 943 476 5919 was quoted.", "nhs_number"),
        ("NHS number 9434765919 was quoted.", "nhs_number"),
        ("Contact jo.bloggs@example.org for details.", "email"),
        ("Call 020 7946 0958 to discuss.", "phone"),
        ("Call +44 7700 900123 to discuss.", "phone"),
        ("Call 07700900123.", "phone"),
        ("DOB: 14/02/1990", "date_of_birth"),
        ("The child was born on 3 March 2020.", "date_of_birth"),
    ],
)
def test_patterns_are_found(text, rule):
    assert [(h[0], h[1]) for h in found(text, [])] == [("pattern", rule)]


@pytest.mark.parametrize(
    "text",
    [
        "NHS number 943 476 5918 (wrong check digit).",
        "Report to Board by 31 January 2027.",  # a deadline, not a date of birth
        "by January 2018's Board meeting",
        "Section 47 enquiry, 4 cases, 2 methods.",
        "In 2017 the panel met 3 times.",
        "The child was seen on 3 March 2020.",  # an event date, not a date of birth
    ],
)
def test_things_that_are_not_identifying_pass(text):
    assert found(text, []) == []


def test_nhs_checksum():
    assert nhs_number_valid("9434765919")
    assert not nhs_number_valid("9434765918")
    assert not nhs_number_valid("943476591")
    # A check digit of 10 is never valid.
    assert not nhs_number_valid("0000000060")  # 6 x 2 = 12, 11 - 12 % 11 = 10


# --- In the app: a hit blocks publication and says where it is -------------------------------------


@pytest.fixture
def lp(seeded):
    """Learning point ii of Case Three, to plant text in."""
    return seeded.cases[3].learning_points.order_by("position")[1]


@pytest.mark.parametrize(
    "planted, kind, rule",
    [
        ("Rory Quenby was supported.", "register", "child_name"),
        ("It was Rory's choice to speak.", "register", "child_name"),
        ("RORY QUENBY was supported.", "register", "child_name"),
        ("The family lived near PO4 8QR.", "pattern", "postcode"),
        ("The NHS number 943 476 5919 was on the file.", "pattern", "nhs_number"),
        ("Write to duty.team@riverton.example.", "pattern", "email"),
    ],
)
def test_a_hit_in_a_learning_point_blocks_publication_with_its_location(
    build_of, cast, seeded, lp, client, planted, kind, rule
):
    lp.text = f"The safety plan was followed. {planted}"
    lp.save()
    build = build_of(seeded.audit, cast.bm)
    hit = build.hits.get()
    assert (hit.kind, hit.rule) == (kind, rule)
    assert (hit.section, hit.case, hit.label) == ("What we found", seeded.cases[3], "Learning point ii")
    assert (hit.object_type, hit.object_id) == ("learning_point", lp.pk)
    with pytest.raises(ValidationError, match="leak guard found 1"):
        services.report_publish(build=build, actor=cast.bm)
    assert not ReportVersion.objects.exists()
    # The page lists it, with the matched text and a link to fix it, for the Business Manager.
    page = login(client, cast.bm).get(reverse("reports:report_detail", kwargs={"audit_pk": seeded.audit.pk}))
    html = page.content.decode()
    assert "Blocks publication" in html and "Case Three" in html and "Learning point ii" in html
    assert escape(hit.matched) in html
    fix = reverse("reviews:learning_point_edit", kwargs={"case_pk": seeded.cases[3].pk, "point_pk": lp.pk})
    assert f'href="{fix}?leak_hit={hit.pk}&amp;next=' in html
    assert "Publish this draft" not in html


def test_the_panel_sees_where_a_hit_is_but_not_the_matched_text(build_of, cast, seeded, lp, client):
    lp.text = "Quenby family engaged well."
    lp.save()
    build_of(seeded.audit, cast.bm)
    html = login(client, cast.panel).get(
        reverse("reports:report_detail", kwargs={"audit_pk": seeded.audit.pk})
    )
    html = html.content.decode()
    assert "Learning point ii" in html and "Blocks publication" in html
    assert "Quenby" not in html


def test_an_invalid_nhs_number_does_not_block(build_of, cast, seeded, lp):
    lp.text = "Reference 943 476 5918 was quoted in the minutes."
    lp.save()
    build = build_of(seeded.audit, cast.bm)
    assert not build.hits.exists()
    assert services.report_publish(build=build, actor=cast.bm).number == 1


def test_a_hit_in_a_recommendation_names_the_recommendation(build_of, cast, seeded):
    rec = seeded.recommendations[1]
    rec.text = "Ask Tilly Ashworth's school to report back."
    rec.save()
    build = build_of(seeded.audit, cast.bm)
    hits = {(h.section, h.label, h.rule) for h in build.hits.all()}
    assert ("What we recommend should happen now", "Recommendation b", "child_name") in hits
    assert ("What we recommend should happen now", "Recommendation b", "school") not in hits  # only the name
    hit = build.hits.get(rule="child_name")
    assert hit.term_case == seeded.cases[2] and hit.case is None


def test_a_register_term_of_one_case_is_caught_in_another_cases_learning(build_of, cast, seeded, lp):
    lp.text = "Like Jayden, the child found it hard to speak."
    lp.save()
    hit = build_of(seeded.audit, cast.bm).hits.get()
    assert hit.case == seeded.cases[3] and hit.term_case == seeded.cases[1]


def test_framing_text_is_checked_too(build_of, cast, seeded):
    services.report_framing_save(
        audit=seeded.audit,
        actor=cast.bm,
        what_we_did="We met at 14 Larkspur Close.",
        how_we_did_this="",
        assurance="",
    )
    hit = build_of(seeded.audit, cast.bm).hits.get()
    assert (hit.section, hit.label, hit.rule) == ("What we did", "Framing text", "address")


def test_override_of_a_pattern_hit_is_recorded_and_unblocks(build_of, cast, seeded, lp, client):
    lp.text = "The council's switchboard, 020 7946 0958, was used to reach the duty team."
    lp.save()
    build = build_of(seeded.audit, cast.bm)
    hit = build.hits.get()
    assert (hit.kind, hit.rule) == ("pattern", "phone")
    login(client, cast.bm)
    url = reverse("reports:hit_override", kwargs={"hit_pk": hit.pk})
    short = client.post(url, {"reason": "meeting"})
    assert short.status_code == 200 and "must be 10 characters or more" in short.content.decode()
    response = client.post(url, {"reason": "The council's public switchboard, not a family's number."})
    assert response.status_code == 302
    hit.refresh_from_db()
    assert hit.overridden_by == cast.bm and hit.overridden_at is not None
    assert hit.override_reason == "The council's public switchboard, not a family's number."
    page = client.get(reverse("reports:report_detail", kwargs={"audit_pk": seeded.audit.pk})).content.decode()
    assert "Overridden by Beatrice Manager" in page and "Publish this draft" in page
    client.post(reverse("reports:build_publish", kwargs={"build_pk": build.pk}))
    assert ReportVersion.objects.get().build == build


def test_a_register_hit_cannot_be_overridden(build_of, cast, seeded, lp, client):
    lp.text = "Elsie Quenby attended."
    lp.save()
    hit = build_of(seeded.audit, cast.bm).hits.get()
    assert hit.kind == "register"
    with pytest.raises(ValidationError, match="cannot be overridden"):
        services.leak_hit_override(hit=hit, actor=cast.bm, reason="It is only a surname, honestly.")
    response = login(client, cast.bm).post(
        reverse("reports:hit_override", kwargs={"hit_pk": hit.pk}),
        {"reason": "It is only a surname, honestly."},
    )
    assert response.status_code == 404
    hit.refresh_from_db()
    assert hit.overridden_at is None
    # And the database refuses it whatever path the write takes.
    with pytest.raises(IntegrityError), transaction.atomic():
        LeakHit.objects.filter(pk=hit.pk).update(
            overridden_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
        )


def test_only_the_business_manager_may_override(build_of, cast, seeded, lp, client):
    lp.text = "Call 020 7946 0958."
    lp.save()
    hit = build_of(seeded.audit, cast.bm).hits.get()
    response = login(client, cast.panel).post(
        reverse("reports:hit_override", kwargs={"hit_pk": hit.pk}), {"reason": "A switchboard number only."}
    )
    assert response.status_code == 403
    hit.refresh_from_db()
    assert not hit.is_overridden


def test_a_fixed_text_and_a_new_build_clears_the_block(build_of, cast, seeded, lp):
    lp.text = "Rory Quenby was supported."
    lp.save()
    assert build_of(seeded.audit, cast.bm).hits.exists()
    lp.text = "The child was supported."
    lp.save()
    build = build_of(seeded.audit, cast.bm)
    assert not build.hits.exists()
    assert services.report_publish(build=build, actor=cast.bm).number == 1


def test_new_recommendation_and_learning_point_defaults_are_clean(build_of, cast, seeded):
    """The seeded audit itself has no hits: the guard does not cry wolf on ordinary report text."""
    LearningPointFactory(case=seeded.cases[1], position=9, text="Social workers should be reminded.")
    RecommendationFactory(
        audit=seeded.audit, position=4, text="Report to Board by 31 January 2027.", owners=[cast.agency]
    )
    assert not build_of(seeded.audit, cast.bm).hits.exists()
