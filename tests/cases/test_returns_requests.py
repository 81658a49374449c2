"""Requests for agency returns: the Business Manager asks agencies on a case, contributors are told."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from cases.models import AgencyReturn, ReturnTransition
from notifications.models import Notification
from tests.factories import AgencyFactory, CaseFactory, UserFactory
from tests.helpers import login

pytestmark = pytest.mark.django_db


def _due(days=21):
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def test_request_page_offers_the_case_agencies_not_yet_asked(cast, client):
    extra = AgencyFactory(name="Riverton Education")
    cast.case.agencies.add(extra)
    login(client, cast.bm)
    response = client.get(reverse("cases:return_request", kwargs={"case_pk": cast.case.pk}))
    assert response.status_code == 200
    form = response.context["form"]
    # Cora's agency was already asked in the cast: only the other two are ticked by default.
    assert set(form.initial["agencies"]) == {cast.other_agency.pk, extra.pk}
    assert cast.agency.pk not in {a.pk for a in form.fields["agencies"].queryset}


def test_requesting_returns_creates_one_per_agency_with_the_meeting_template_and_tells_contributors(
    cast, client, django_capture_on_commit_callbacks
):
    contributor2 = UserFactory(
        email="second@police.example", role=Role.AGENCY_CONTRIBUTOR, agency=cast.other_agency
    )
    login(client, cast.bm)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("cases:return_request", kwargs={"case_pk": cast.case.pk}),
            {"agencies": [cast.other_agency.pk], "due_date": _due()},
        )
    assert response.status_code == 302
    new = AgencyReturn.objects.get(case=cast.case, agency=cast.other_agency)
    assert new.template == AgencyReturn.Template.KEY_EVENTS_CHRONOLOGY  # the cast's case is a meeting
    assert new.status == AgencyReturn.Status.REQUESTED
    transition = new.transitions.get()
    assert (transition.from_status, transition.to_status, transition.actor) == ("", "requested", cast.bm)
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([cast.contributor_other.email, contributor2.email])
    message = mail.outbox[0]
    assert "Case One" in message.subject
    assert reverse("cases:return_edit", kwargs={"return_pk": new.pk}) in message.body
    # Pseudonym only: the identifying-terms register never reaches an e-mail.
    assert cast.term.value not in message.body
    assert cast.term.value not in message.alternatives[0][0]
    assert Notification.objects.filter(kind="return_requested", about_id=new.pk).count() == 2


def test_paper_audit_cases_get_the_key_events_and_analysis_template(cast, client):
    case = CaseFactory(audit=cast.audit, number=2, method="paper")
    login(client, cast.bm)
    client.post(
        reverse("cases:return_request", kwargs={"case_pk": case.pk}),
        {"agencies": [cast.agency.pk], "due_date": _due()},
    )
    assert AgencyReturn.objects.get(case=case).template == AgencyReturn.Template.KEY_EVENTS_ANALYSIS


def test_a_past_due_date_is_refused_and_nothing_is_requested(cast, client):
    login(client, cast.bm)
    response = client.post(
        reverse("cases:return_request", kwargs={"case_pk": cast.case.pk}),
        {"agencies": [cast.other_agency.pk], "due_date": _due(-1)},
    )
    assert response.status_code == 400
    assert "Date the return is due must be today or in the future" in response.content.decode()
    assert not AgencyReturn.objects.filter(case=cast.case, agency=cast.other_agency).exists()
    assert not mail.outbox


def test_asking_the_same_agency_twice_keeps_one_return_and_sends_no_second_email(
    cast, django_capture_on_commit_callbacks
):
    from cases.services import return_request

    due = timezone.localdate() + datetime.timedelta(days=10)
    with django_capture_on_commit_callbacks(execute=True):
        first = return_request(case=cast.case, agencies=[cast.other_agency], due_date=due, actor=cast.bm)
        second = return_request(case=cast.case, agencies=[cast.other_agency], due_date=due, actor=cast.bm)
    assert len(first) == 1 and second == []
    assert AgencyReturn.objects.filter(case=cast.case, agency=cast.other_agency).count() == 1
    assert len(mail.outbox) == 1
    assert ReturnTransition.objects.filter(agency_return=first[0]).count() == 1


def test_email_link_uses_the_site_url(cast, settings, django_capture_on_commit_callbacks):
    from cases.services import return_request

    settings.SITE_URL = "https://audit.example.org"
    with django_capture_on_commit_callbacks(execute=True):
        (new,) = return_request(
            case=cast.case,
            agencies=[cast.other_agency],
            due_date=timezone.localdate() + datetime.timedelta(days=5),
            actor=cast.bm,
        )
    link = "https://audit.example.org" + reverse("cases:return_edit", kwargs={"return_pk": new.pk})
    assert link in mail.outbox[0].body
