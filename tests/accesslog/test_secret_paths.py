"""The access log keeps the route and the record read, never a secret that is part of the URL: an
invitee's personal link read from the log (page or export) must not answer the invitation."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from accesslog.models import AccessLogEntry
from reviews.invitations import invitation_token
from tests.factories import InvitationFactory, MeetingFactory
from tests.helpers import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitation(cast):
    meeting = MeetingFactory(
        case=cast.case, created_by=cast.bm, starts_at=timezone.now() + datetime.timedelta(days=40)
    )
    return InvitationFactory(
        meeting=meeting, agency=cast.agency, name="Robin Practitioner", sent_at=timezone.now()
    )


def test_opening_a_personal_link_logs_the_route_and_invitation_not_the_token(client, cast, invitation):
    token = invitation_token(invitation)
    assert client.get(reverse("reviews:invitation_respond", kwargs={"token": token})).status_code == 200
    entry = AccessLogEntry.objects.get(what="invitation")
    assert entry.object_id == invitation.pk
    assert entry.case_id == cast.case.pk
    assert token not in entry.path
    assert entry.path == "/invitations/respond/<token>/"


def test_a_link_logged_before_the_fix_is_not_shown_or_exported_usable(client, cast, invitation):
    token = invitation_token(invitation)
    old_path = reverse("reviews:invitation_respond", kwargs={"token": token})
    AccessLogEntry.objects.create(what="invitation", object_id=invitation.pk, path=old_path)
    login(client, cast.bm)
    page = client.get(reverse("accesslog:search")).content.decode()
    assert token not in page
    assert "/invitations/respond/&lt;token&gt;/" in page
    export = client.get(reverse("accesslog:export")).content.decode()
    assert token not in export
    paths = [row[8] for row in csv.reader(io.StringIO(export))]
    assert "/invitations/respond/<token>/" in paths
    # What a reader could copy from the export opens nothing.
    client.logout()
    response = client.get("/invitations/respond/<token>/")
    assert response.status_code == 400
    assert "Robin" not in response.content.decode()


def test_paths_without_secrets_are_logged_in_full(client, cast):
    login(client, cast.bm)
    url = reverse("cases:case_detail", kwargs={"case_pk": cast.case.pk})
    client.get(url + "?tab=returns")
    assert AccessLogEntry.objects.filter(what="case").latest("pk").path == url + "?tab=returns"
