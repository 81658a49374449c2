"""The controlled list of themes: seeded, kept by the Business Manager, renamed and merged without
losing a tag; the panel tags findings on the findings page."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from learning import services
from learning.models import SEED_THEMES, Theme, ThemeEvent
from tests.factories import AgencyActionFactory, LearningPointFactory, RecommendationFactory
from tests.helpers import login

pytestmark = pytest.mark.django_db


def test_the_list_starts_with_the_common_practice_review_themes():
    names = set(Theme.objects.values_list("name", flat=True))
    assert {name for name, _ in SEED_THEMES} <= names
    assert {"Information sharing", "Voice of the child", "Thresholds", "Disguised compliance"} <= names


def test_business_manager_adds_a_theme_and_names_are_unique_whatever_the_case(cast):
    theme = services.theme_create(actor=cast.bm, name="  Child   exploitation ")
    assert theme.name == "Child exploitation"
    assert ThemeEvent.objects.filter(theme=theme, kind="created", actor=cast.bm).exists()
    with pytest.raises(ValidationError):
        services.theme_create(actor=cast.bm, name="CHILD EXPLOITATION")


def test_only_the_business_manager_keeps_the_list(cast):
    for user in (cast.panel, cast.contributor, cast.board, cast.admin):
        with pytest.raises(PermissionDenied):
            services.theme_create(actor=user, name="Something new")


def test_rename_keeps_every_tag(cast, themes):
    neglect = themes["Neglect"]
    point = LearningPointFactory(case=cast.case, created_by=cast.panel)
    neglect.learning_points.add(point)
    services.theme_rename(theme=neglect, actor=cast.bm, name="Neglect and chronic need")
    assert list(point.themes.values_list("name", flat=True)) == ["Neglect and chronic need"]
    assert ThemeEvent.objects.filter(theme=neglect, kind="renamed").get().detail.startswith("Neglect →")


def test_merge_moves_every_tag_once_and_retires_the_source(cast, themes):
    source, target = themes["Supervision"], themes["Professional curiosity"]
    point = LearningPointFactory(case=cast.case, created_by=cast.panel)
    both = LearningPointFactory(case=cast.case, created_by=cast.panel)
    rec = RecommendationFactory(audit=cast.audit, created_by=cast.bm)
    action = AgencyActionFactory(case=cast.case, owner_agency=cast.agency, created_by=cast.bm)
    source.learning_points.add(point, both)
    target.learning_points.add(both)
    source.recommendations.add(rec)
    source.agency_actions.add(action)
    source.audits.add(cast.audit)

    services.theme_merge(source=source, target=target, actor=cast.bm)

    source.refresh_from_db()
    assert source.merged_into == target and not source.is_active
    assert not source.learning_points.exists() and not source.recommendations.exists()
    assert set(target.learning_points.all()) == {point, both}
    assert list(rec.themes.all()) == [target]
    assert list(action.themes.all()) == [target]
    assert list(cast.audit.themes.all()) == [target]
    with pytest.raises(ValidationError):
        services.theme_merge(source=target, target=source, actor=cast.bm)


def test_panel_tags_findings_on_the_findings_page(client, cast, themes):
    point = LearningPointFactory(case=cast.case, created_by=cast.panel, position=1)
    action = AgencyActionFactory(case=cast.case, owner_agency=cast.agency, created_by=cast.bm)
    login(client, cast.panel)
    page = client.get(reverse("reviews:findings", kwargs={"case_pk": cast.case.pk}))
    assert page.status_code == 200
    assert b'name="point-%d"' % point.pk in page.content
    voice, sharing = themes["Voice of the child"], themes["Information sharing"]
    response = client.post(
        reverse("learning:findings_themes", kwargs={"case_pk": cast.case.pk}),
        {f"point-{point.pk}": [voice.pk, sharing.pk], f"action-{action.pk}": [sharing.pk]},
    )
    assert response.status_code == 302
    assert set(point.themes.all()) == {voice, sharing}
    assert list(action.themes.all()) == [sharing]
    # Unticking removes the tag.
    client.post(
        reverse("learning:findings_themes", kwargs={"case_pk": cast.case.pk}),
        {f"point-{point.pk}": [voice.pk]},
    )
    assert list(point.themes.all()) == [voice]


def test_another_audits_panel_member_cannot_tag(client, cast, themes):
    point = LearningPointFactory(case=cast.case, created_by=cast.panel, position=1)
    login(client, cast.panel_other)
    response = client.post(
        reverse("learning:findings_themes", kwargs={"case_pk": cast.case.pk}),
        {f"point-{point.pk}": [themes["Neglect"].pk]},
    )
    assert response.status_code == 404
    assert not point.themes.exists()


def test_retired_theme_is_not_offered_but_its_tags_stay(client, cast, themes):
    point = LearningPointFactory(case=cast.case, created_by=cast.panel, position=1)
    old = themes["Transitions"]
    old.learning_points.add(point)
    services.theme_set_active(theme=old, actor=cast.bm, active=False)
    login(client, cast.panel)
    client.post(
        reverse("learning:findings_themes", kwargs={"case_pk": cast.case.pk}), {f"point-{point.pk}": []}
    )
    assert list(point.themes.all()) == [old]
    page = client.get(reverse("learning:findings_themes", kwargs={"case_pk": cast.case.pk}))
    assert b"Transitions" not in page.content


def test_business_manager_tags_a_recommendation(client, cast, themes):
    rec = RecommendationFactory(audit=cast.audit, created_by=cast.bm)
    login(client, cast.bm)
    page = client.get(reverse("recommendations:recommendation_detail", kwargs={"recommendation_pk": rec.pk}))
    assert b"Tag with themes" in page.content
    client.post(
        reverse("learning:recommendation_themes", kwargs={"recommendation_pk": rec.pk}),
        {"themes": [themes["Escalation and challenge"].pk]},
    )
    assert list(rec.themes.values_list("name", flat=True)) == ["Escalation and challenge"]


def test_theme_pages_rename_and_merge(client, cast, themes):
    login(client, cast.bm)
    page = client.get(reverse("learning:theme_list"))
    assert page.status_code == 200 and b"Information sharing" in page.content
    neglect = themes["Neglect"]
    client.post(
        reverse("learning:theme_edit", kwargs={"theme_pk": neglect.pk}),
        {"action": "rename", "name": "Neglect (all forms)"},
    )
    neglect.refresh_from_db()
    assert neglect.name == "Neglect (all forms)"
    response = client.post(
        reverse("learning:theme_edit", kwargs={"theme_pk": neglect.pk}),
        {"action": "merge", "target": themes["Thresholds"].pk},
    )
    assert response.status_code == 302
    neglect.refresh_from_db()
    assert neglect.merged_into_id == themes["Thresholds"].pk
    duplicate = client.post(reverse("learning:theme_list"), {"name": "thresholds"})
    assert duplicate.status_code == 400 and b"already a theme" in duplicate.content
