"""Drafts go stale when what they read changes; publishing re-checks the PDF itself against the
current register; overrides survive an identical rebuild but not a changed text; 'Fix the text'
opens the editor with the hit highlighted and comes back to the report page."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.models import IdentifyingTerm
from reports import services
from reports.models import ReportBuild, ReportVersion
from tests.helpers import login


@pytest.fixture
def lp(seeded):
    return seeded.cases[3].learning_points.order_by("position")[1]


def report_page(client, audit):
    return client.get(reverse("reports:report_detail", kwargs={"audit_pk": audit.pk})).content.decode()


def test_a_draft_goes_stale_when_a_text_it_prints_changes(build_of, cast, seeded, lp, client):
    build = build_of(seeded.audit, cast.bm)
    assert not build.hits.exists()
    lp.text = "A sentence written after the draft was built."
    lp.save()
    page = report_page(login(client, cast.bm), seeded.audit)
    assert "This draft is out of date" in page and "Publish this draft" not in page
    with pytest.raises(ValidationError, match="out of date"):
        services.report_publish(build=build, actor=cast.bm)
    assert not ReportVersion.objects.exists()
    fresh = build_of(seeded.audit, cast.bm)
    assert "This draft is out of date" not in report_page(client, seeded.audit)
    assert services.report_publish(build=fresh, actor=cast.bm).number == 1


def test_publishing_after_a_register_term_is_added_is_refused(build_of, cast, seeded, lp):
    lp.text = "The family met the panel at Wrenfield Grange."
    lp.save()
    build = build_of(seeded.audit, cast.bm)
    assert not build.hits.filter(overridden_at__isnull=True).exclude(kind="name").exists()
    build.hits.filter(kind="name").update(
        override_reason="A place.", overridden_by=cast.bm, overridden_at=build.created_at
    )
    IdentifyingTerm.objects.create(
        case=seeded.cases[3], kind="address", value="Wrenfield Grange", created_by=cast.bm
    )
    with pytest.raises(ValidationError, match="out of date"):
        services.report_publish(build=build, actor=cast.bm)
    # Even if a change escaped the staleness digest, the stored PDF's own text is checked again
    # against the current register, in the publishing transaction.
    terms = services.register_terms(audit=seeded.audit)
    content = services.report_content(audit=seeded.audit, build_date=build.build_date)
    ReportBuild.objects.filter(pk=build.pk).update(
        inputs_sha256=services.build_inputs_digest(content=content, terms=terms)
    )
    with pytest.raises(ValidationError, match="in the PDF's own text"):
        services.report_publish(build=build, actor=cast.bm)
    assert not ReportVersion.objects.exists()


def test_an_override_survives_an_identical_rebuild_but_not_a_changed_text(build_of, cast, seeded, lp):
    lp.text = "The council's switchboard, 020 7946 0958, was used to reach the duty team."
    lp.save()
    first = build_of(seeded.audit, cast.bm)
    hit = first.hits.get()
    services.leak_hit_override(hit=hit, actor=cast.bm, reason="The council's public switchboard number.")
    second = build_of(seeded.audit, cast.bm)
    carried = second.hits.get()
    assert carried.is_overridden and carried.overridden_by == cast.bm
    assert carried.override_reason == "The council's public switchboard number."
    assert services.report_publish(build=second, actor=cast.bm).number == 1
    # The same number in a changed sentence needs a new decision.
    lp.text = "The duty team was reached on 020 7946 0958 late in the evening."
    lp.save()
    third = build_of(seeded.audit, cast.bm)
    assert not third.hits.get().is_overridden
    with pytest.raises(ValidationError, match="leak guard found 1"):
        services.report_publish(build=third, actor=cast.bm)
    # The first decision stays on record.
    hit.refresh_from_db()
    assert hit.is_overridden


def test_fix_the_text_highlights_the_hit_and_returns_to_the_report(build_of, cast, seeded, lp, client):
    lp.text = "The safety plan was followed. Rory Quenby was supported."
    lp.save()
    build = build_of(seeded.audit, cast.bm)
    hit = build.hits.get()
    login(client, cast.bm)
    page = report_page(client, seeded.audit)
    fix = (
        reverse("reviews:learning_point_edit", kwargs={"case_pk": seeded.cases[3].pk, "point_pk": lp.pk})
        + f"?leak_hit={hit.pk}&amp;next="
    )
    assert fix in page
    url = fix.replace("&amp;", "&") + reverse("reports:report_detail", kwargs={"audit_pk": seeded.audit.pk})
    editor = client.get(url).content.decode()
    assert '<mark class="leak-match">Rory Quenby</mark>' in editor
    assert 'data-leak-match="Rory Quenby"' in editor
    response = client.post(
        url, {"text": "The safety plan was followed. The child was supported.", "kind": lp.kind}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:report_detail", kwargs={"audit_pk": seeded.audit.pk})
    lp.refresh_from_db()
    assert "Rory" not in lp.text


def test_fix_the_text_never_redirects_off_site(build_of, cast, seeded, lp, client):
    lp.text = "Rory Quenby was supported."
    lp.save()
    hit = build_of(seeded.audit, cast.bm).hits.get()
    login(client, cast.bm)
    url = reverse("reviews:learning_point_edit", kwargs={"case_pk": seeded.cases[3].pk, "point_pk": lp.pk})
    response = client.post(
        f"{url}?leak_hit={hit.pk}&next=https://evil.example/",
        {"text": "The child was supported.", "kind": lp.kind},
    )
    assert response.status_code == 302 and "evil.example" not in response["Location"]
