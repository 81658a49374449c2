"""Publishing goes through a confirmation page: the version it becomes, the leak guard's result and what
the Board receives; the page is the Business Manager's alone and changes nothing."""

import pytest
from django.urls import reverse

from reports.models import LeakHit, ReportVersion
from tests.conftest import PERSONAS
from tests.helpers import login


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "bm"])
def test_only_the_business_manager_sees_the_publish_page_or_publishes(
    persona, build_of, cast, seeded, client
):
    build = build_of(seeded.audit, cast.bm)
    url = reverse("reports:build_publish", kwargs={"build_pk": build.pk})
    if persona != "anon":
        login(client, getattr(cast, persona))
    for response in (client.get(url), client.post(url)):
        assert response.status_code in (403, 404) or "/accounts/login/" in response.get("Location", "")
    assert not ReportVersion.objects.exists()


def test_the_publish_page_shows_version_leak_guard_and_what_the_board_gets(
    build_of, cast, seeded, client, django_assert_max_num_queries
):
    build = build_of(seeded.audit, cast.bm)
    login(client, cast.bm)
    url = reverse("reports:build_publish", kwargs={"build_pk": build.pk})
    # The draft's inputs (read to tell whether it is out of date) include the agencies asked for a
    # return, and the recommendations past their deadline are read for the warning.
    with django_assert_max_num_queries(30):
        page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Publish this draft as version 1?" in html
    assert "Nothing found: no register term, pattern or possible name in this draft." in html
    assert "The Board receives" in html and "Board home" in html
    assert "Publish version 1</button>" in html
    assert not ReportVersion.objects.exists()  # looking changes nothing

    response = client.post(url)
    assert response.status_code == 302
    version = ReportVersion.objects.get()
    assert version.number == 1 and version.build_id == build.pk
    after = client.get(response["Location"]).content.decode()
    assert "govuk-panel--confirmation" in after and "Version 1 published" in after
    assert "What happens next" in after


def test_a_blocked_draft_shows_why_and_no_publish_button(build_of, cast, seeded, client):
    build = build_of(seeded.audit, cast.bm)
    LeakHit.objects.create(
        build=build,
        kind=LeakHit.Kind.PATTERN,
        rule="postcode",
        matched="ZZ1 1ZZ",
        section="Findings",
        label="x",
    )
    login(client, cast.bm)
    url = reverse("reports:build_publish", kwargs={"build_pk": build.pk})
    html = client.get(url).content.decode()
    assert "1 possible identifying detail still to fix." in html
    assert "govuk-error-summary" in html and "Publish version 1</button>" not in html
    client.post(url)
    assert not ReportVersion.objects.exists()


def test_the_report_page_links_to_the_check_instead_of_publishing_at_once(build_of, cast, seeded, client):
    build = build_of(seeded.audit, cast.bm)
    login(client, cast.bm)
    html = client.get(reverse("reports:report_detail", kwargs={"audit_pk": seeded.audit.pk})).content.decode()
    assert f'href="{reverse("reports:build_publish", kwargs={"build_pk": build.pk})}"' in html
    assert "data-confirm" not in html


def test_the_publish_page_warns_of_recommendations_past_their_deadline(build_of, cast, seeded, client):
    """Recommendation (c) was due on 1 October 2026, before the draft's date: warned before publishing."""
    from recommendations.models import Recommendation

    build = build_of(seeded.audit, cast.bm)
    login(client, cast.bm)
    url = reverse("reports:build_publish", kwargs={"build_pk": build.pk})
    html = client.get(url).content.decode()
    assert "Deadlines already passed" in html
    assert "(c) was due 1 October 2026" in html
    assert "1 recommendation in this draft has a deadline that has already passed." in html
    assert "(a) was due" not in html and "(b) was due" not in html
    # Assured, it is no longer a warning.
    Recommendation.objects.filter(audit=seeded.audit, position=3).update(status="assured")
    html = client.get(url).content.decode()
    assert "Deadlines already passed" not in html
