"""can_publish (accounts.permissions) is the one publish rule: the page offers publishing exactly when
the service would accept it, including the rule the page once missed: a newer draft of the same audit
wins, so an older draft is never offered for publication."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.permissions import can_publish
from reports import services
from tests.helpers import login

pytestmark = pytest.mark.django_db


def _status_html(client, build):
    return client.get(reverse("reports:build_status", kwargs={"build_pk": build.pk})).content.decode()


def _publish_url(build):
    return reverse("reports:build_publish", kwargs={"build_pk": build.pk})


def test_a_newer_draft_takes_the_publish_button_from_an_older_one(build_of, cast, seeded, client):
    first = build_of(seeded.audit, cast.bm)
    assert can_publish(cast.bm, first, stale=services.build_is_stale(first))
    assert not can_publish(cast.panel, first, stale=False)  # the panel previews, never publishes
    login(client, cast.bm)
    assert _publish_url(first) in _status_html(client, first)

    second = build_of(seeded.audit, cast.bm)
    assert not can_publish(cast.bm, first, stale=services.build_is_stale(first))
    assert _publish_url(first) not in _status_html(client, first)
    assert can_publish(cast.bm, second, stale=services.build_is_stale(second))
    assert _publish_url(second) in _status_html(client, second)

    # The service agrees with the table: the older draft is refused.
    with pytest.raises(ValidationError, match="newer draft"):
        services.report_publish(build=first, actor=cast.bm)
