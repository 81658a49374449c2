"""Immediate safeguarding concerns: raised, e-mailed once with no identifying text, acknowledged,
escalated when nobody acknowledges, linked from a "child unsafe" assurance, and holding the audit at
panel review while open."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accesslog.models import AccessLogEntry
from cases.models import Audit
from notifications.models import Notification
from reviews.concerns import concerns_escalate
from reviews.models import CaseAssurance, SafeguardingConcern
from reviews.tasks import escalate_safeguarding_concerns
from tests.factories import SafeguardingConcernFactory
from tests.helpers import login

pytestmark = pytest.mark.django_db

DESCRIPTION = "Zephyrine Quillfeather said her stepfather locks her out at night; she has bruises."
T0 = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)


def _raise(client, user, cast, django_capture_on_commit_callbacks, *, agency=None):
    login(client, user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reviews:concern_raise", kwargs={"case_pk": cast.case.pk}),
            {"description": DESCRIPTION, "agency": (agency or cast.agency).pk, "urgency": "immediate"},
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    return SafeguardingConcern.objects.get()


@time_machine.travel(T0, tick=False)
def test_raising_a_concern_emails_the_business_manager_and_the_agencys_senior_manager_once(
    client, cast, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://audit.example.org"
    concern = _raise(client, cast.panel, cast, django_capture_on_commit_callbacks)
    assert sorted(m.to[0] for m in mail.outbox) == ["bm@test.example", "pat.senior@riverton.example"]
    link = f"https://audit.example.org/concerns/{concern.pk}/"
    for message in mail.outbox:
        text = message.subject + message.body + message.alternatives[0][0]
        assert "Case One" in text and link in text
        for private in ("Quillfeather", "Zephyrine", "stepfather", "bruises", "locks her out"):
            assert private not in text
    # Running the sends again (a retry, a second worker) sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        for n in Notification.objects.filter(kind="safeguarding_concern_raised"):
            from notifications.services import notification_deliver

            notification_deliver(notification_id=n.pk, last_try=True)
    assert len(mail.outbox) == 2


def test_a_contributor_raises_a_concern_from_their_return(client, cast, django_capture_on_commit_callbacks):
    login(client, cast.contributor)
    detail = client.get(reverse("cases:return_detail", kwargs={"return_pk": cast.agency_return.pk}))
    assert "Raise an immediate safeguarding concern" in detail.content.decode()
    concern = _raise(
        client, cast.contributor, cast, django_capture_on_commit_callbacks, agency=cast.other_agency
    )
    assert concern.raised_by == cast.contributor and concern.agency == cast.other_agency
    # The contributor of another agency, with no return on this case, cannot raise one.
    login(client, cast.contributor_other)
    url = reverse("reviews:concern_raise", kwargs={"case_pk": cast.other_case.pk})
    assert client.get(reverse("reviews:concern_raise", kwargs={"case_pk": cast.case.pk})).status_code == 404
    assert client.get(url).status_code == 200  # their own agency's case


def test_an_unacknowledged_concern_escalates_after_the_set_hours(
    settings, cast, django_capture_on_commit_callbacks
):
    settings.CONCERN_ESCALATE_AFTER_HOURS = 4
    with time_machine.travel(T0, tick=False):
        concern = SafeguardingConcernFactory(case=cast.case, agency=cast.agency, raised_by=cast.panel)
    with (
        time_machine.travel(T0 + datetime.timedelta(hours=3, minutes=59), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert escalate_safeguarding_concerns() == 0
    assert mail.outbox == []
    with (
        time_machine.travel(T0 + datetime.timedelta(hours=4), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert escalate_safeguarding_concerns() == 1
        # A second beat, or a retry, sends nothing more.
        assert concerns_escalate() == 0
    assert [m.to for m in mail.outbox] == [["bm@test.example"]]
    assert "not been acknowledged after 4 hours" in mail.outbox[0].body
    assert "Zephyrine" not in mail.outbox[0].body and DESCRIPTION[:30] not in mail.outbox[0].body
    concern.refresh_from_db()
    assert concern.escalated_at == T0 + datetime.timedelta(hours=4)


def test_an_acknowledged_concern_does_not_escalate(
    settings, client, cast, django_capture_on_commit_callbacks
):
    settings.CONCERN_ESCALATE_AFTER_HOURS = 4
    with time_machine.travel(T0, tick=False):
        concern = SafeguardingConcernFactory(case=cast.case, agency=cast.agency, raised_by=cast.panel)
    with time_machine.travel(T0 + datetime.timedelta(hours=1), tick=False):
        login(client, cast.contributor)
        response = client.post(
            reverse("reviews:concern_acknowledge", kwargs={"concern_pk": concern.pk}),
            {
                "acknowledged_on": "2026-11-02",
                "action_taken": "Visited the child at home.",
                "action_taken_on": "2026-11-02",
            },
        )
        assert response.status_code == 302
    with (
        time_machine.travel(T0 + datetime.timedelta(hours=9), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert concerns_escalate() == 0
    concern.refresh_from_db()
    assert concern.status == SafeguardingConcern.Status.ACKNOWLEDGED
    assert concern.acknowledged_on == datetime.date(2026, 11, 2)
    # The other agency cannot acknowledge it, nor even see it.
    login(client, cast.contributor_other)
    assert client.get(reverse("reviews:concern_detail", kwargs={"concern_pk": concern.pk})).status_code == 404


def test_child_unsafe_assurance_without_a_concern_is_refused(client, cast):
    login(client, cast.panel)
    url = reverse("reviews:assurance_edit", kwargs={"case_pk": cast.case.pk})
    response = client.post(url, {"finding": "child_unsafe", "statement": "The child was left at risk."})
    assert response.status_code == 400
    assert "raise an immediate safeguarding concern" in response.content.decode()
    assert not CaseAssurance.objects.filter(case=cast.case).exists()
    concern = SafeguardingConcernFactory(case=cast.case, agency=cast.agency, raised_by=cast.panel)
    response = client.post(
        url, {"finding": "child_unsafe", "concern": concern.pk, "statement": "The child was left at risk."}
    )
    assert response.status_code == 302
    assert CaseAssurance.objects.get(case=cast.case).concern == concern


def test_an_open_concern_holds_the_audit_at_panel_review(client, cast):
    Audit.objects.filter(pk=cast.audit.pk).update(status=Audit.Status.PANEL_REVIEW)
    concern = SafeguardingConcernFactory(case=cast.case, agency=cast.agency, raised_by=cast.panel)
    login(client, cast.bm)
    url = reverse("cases:audit_edit", kwargs={"audit_pk": cast.audit.pk})
    form = {
        "title": cast.audit.title,
        "theme": cast.audit.theme,
        "purpose": cast.audit.purpose,
        "period_start": cast.audit.period_start.isoformat(),
        "period_end": cast.audit.period_end.isoformat(),
        "status": "reporting",
    }
    response = client.post(url, form)
    assert "cannot move past panel review" in response.content.decode()
    cast.audit.refresh_from_db()
    assert cast.audit.status == Audit.Status.PANEL_REVIEW

    SafeguardingConcern.objects.filter(pk=concern.pk).update(
        status="resolved", acknowledged_on=timezone.localdate(), action_taken="Seen the same day."
    )
    assert client.post(url, form).status_code == 302
    cast.audit.refresh_from_db()
    assert cast.audit.status == Audit.Status.REPORTING


def test_resolving_needs_the_agencys_action_and_every_read_is_logged(client, cast):
    concern = SafeguardingConcernFactory(case=cast.case, agency=cast.agency, raised_by=cast.panel)
    login(client, cast.panel)
    resolve = reverse("reviews:concern_resolve", kwargs={"concern_pk": concern.pk})
    client.post(resolve)
    concern.refresh_from_db()
    assert concern.status == SafeguardingConcern.Status.OPEN
    SafeguardingConcern.objects.filter(pk=concern.pk).update(
        status="acknowledged", acknowledged_on=timezone.localdate(), action_taken="Child seen at home."
    )
    client.post(resolve)
    concern.refresh_from_db()
    assert concern.status == SafeguardingConcern.Status.RESOLVED and concern.resolved_by == cast.panel
    page = client.get(reverse("reviews:concern_detail", kwargs={"concern_pk": concern.pk})).content.decode()
    assert "Child seen at home." in page
    assert AccessLogEntry.objects.filter(
        user=cast.panel, what="safeguarding_concern", object_id=concern.pk, case_id=cast.case.pk
    ).exists()


@pytest.mark.postgres
def test_a_concern_is_in_the_change_history(cast):
    from history.models import SafeguardingConcernEvent

    concern = SafeguardingConcernFactory(case=cast.case, agency=cast.agency, raised_by=cast.panel)
    SafeguardingConcern.objects.filter(pk=concern.pk).update(
        status="acknowledged", acknowledged_on=timezone.localdate()
    )
    labels = list(
        SafeguardingConcernEvent.objects.filter(pgh_obj_id=concern.pk).values_list("pgh_label", flat=True)
    )
    assert labels == ["insert", "update"]
