"""No lost work: two people editing the same return cannot silently overwrite each other."""

import pytest
from django.urls import reverse

from cases.models import AgencyReturn
from cases.services import StaleReturnError, return_save_draft
from tests.helpers import login

from .returns_helpers import edit_post

pytestmark = pytest.mark.django_db


def test_stale_save_is_refused_with_nothing_lost(cast, client):
    url = reverse("cases:return_edit", kwargs={"return_pk": cast.agency_return.pk})
    # Cora opens the return (version 1) ...
    login(client, cast.contributor)
    opened_at = client.get(url).context["form"].initial["version"]
    assert opened_at == 1
    # ... meanwhile the Business Manager saves it on the agency's behalf.
    return_save_draft(
        agency_return=cast.agency_return,
        actor=cast.bm,
        version=1,
        fields={"involvement": "Business Manager's words"},
        entries=[],
    )
    # Cora's save, started from version 1, is refused.
    response = client.post(
        url,
        edit_post(
            cast.agency_return,
            version=opened_at,
            fields={"involvement": "Cora's long careful paragraph"},
            rows=[
                {
                    "date": "04/02/2026",
                    "what_happened": "Cora's chronology row",
                    "who_involved": "Health visitor",
                }
            ],
        ),
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "someone else changed this return" in page
    assert "Cora&#x27;s long careful paragraph" in page
    assert "Cora&#x27;s chronology row" in page and 'value="04/02/2026"' in page and "Health visitor" in page
    # Nothing of Cora's was saved; the Business Manager's text stands.
    r = AgencyReturn.objects.get(pk=cast.agency_return.pk)
    assert r.involvement == "Business Manager's words" and r.version == 2 and not r.entries.exists()
    # The page still carries the version Cora started from: pressing Save again cannot overwrite either.
    assert response.context["form"]["version"].value() in (1, "1")
    again = client.post(url, edit_post(cast.agency_return, version=1, fields={"involvement": "Again"}))
    assert again.status_code == 409
    assert AgencyReturn.objects.get(pk=cast.agency_return.pk).involvement == "Business Manager's words"


def test_service_refuses_a_stale_version(cast):
    return_save_draft(
        agency_return=cast.agency_return, actor=cast.contributor, version=1, fields={}, entries=[]
    )
    with pytest.raises(StaleReturnError):
        return_save_draft(
            agency_return=cast.agency_return,
            actor=cast.bm,
            version=1,
            fields={"involvement": "x"},
            entries=[],
        )


def test_a_fresh_save_after_reloading_succeeds(cast, client):
    url = reverse("cases:return_edit", kwargs={"return_pk": cast.agency_return.pk})
    login(client, cast.contributor)
    client.post(url, edit_post(cast.agency_return, version=1, fields={"involvement": "First"}))
    version = client.get(url).context["form"].initial["version"]
    assert version == 2
    client.post(url, edit_post(cast.agency_return, version=version, fields={"involvement": "Second"}))
    assert AgencyReturn.objects.get(pk=cast.agency_return.pk).involvement == "Second"
