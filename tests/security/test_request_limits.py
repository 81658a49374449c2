"""The request body is bounded in Django (and, under gunicorn, in front of it: tests/deploy)."""

import pytest
from django.urls import reverse

from tests.helpers import login

pytestmark = pytest.mark.django_db


def test_a_body_over_the_limit_is_refused_with_413(client, cast, settings):
    settings.REQUEST_BODY_MAX_BYTES = 64 * 1024
    login(client, cast.bm)
    response = client.post(
        reverse("cases:case_detail", kwargs={"case_pk": cast.case.pk}),
        data=b"x" * (64 * 1024 + 1),
        content_type="application/octet-stream",
    )
    assert response.status_code == 413
    assert "too large" in response.content.decode()


def test_a_body_at_the_limit_reaches_the_page(client, settings):
    settings.REQUEST_BODY_MAX_BYTES = 64 * 1024
    body = "username=x%40test.example&password=" + "p" * (64 * 1024 - 35)
    assert len(body) == 64 * 1024
    response = client.post(reverse("login"), data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert "Please enter a correct" in response.content.decode()


def test_the_default_limit_follows_the_largest_upload_feature(settings):
    assert settings.REQUEST_BODY_MAX_BYTES >= (
        settings.RECOMMENDATION_EVIDENCE_MAX_BYTES * settings.RECOMMENDATION_EVIDENCE_MAX_FILES
    )
    assert settings.REQUEST_BODY_MAX_BYTES >= settings.RETURN_IMPORT_MAX_BYTES
