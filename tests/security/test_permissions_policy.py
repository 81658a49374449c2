"""Permissions-Policy denies every browser feature the application does not use."""

import pytest
from django.urls import reverse

from tests.helpers import login

pytestmark = pytest.mark.django_db


def policy(response):
    return dict(part.strip().split("=", 1) for part in response["Permissions-Policy"].split(","))


@pytest.mark.parametrize("feature", ["camera", "microphone", "geolocation", "payment", "usb"])
def test_login_page_denies_unused_features(client, feature):
    assert policy(client.get(reverse("login")))[feature] == "()"


def test_case_pages_deny_them_too(client, cast):
    login(client, cast.bm)
    response = client.get(reverse("cases:case_detail", kwargs={"case_pk": cast.case.pk}))
    assert policy(response)["camera"] == "()"
