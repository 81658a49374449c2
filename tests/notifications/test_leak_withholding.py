"""Everything that leaves the panel is checked by the leak guard: an invitation (text, HTML, .ics),
its RSVP page and a reminder that would carry a register term are withheld whole, never reach the
outbox, and the Business Manager is told where, without the term."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from reviews.invitations import invitation_token
from tests.factories import AgencyActionFactory, InvitationFactory, MeetingFactory
from tests.helpers import login

from .conftest import D, day

pytestmark = pytest.mark.django_db

TERM = "Zephyrine Quillfeather"  # the standing cast's registered child's name (Case One)


def _meeting(cast, **fields):
    defaults = {
        "case": cast.case,
        "created_by": cast.bm,
        "starts_at": timezone.now() + datetime.timedelta(days=40),
        "venue": "Riverton Family Centre",
        "terms_of_reference": "To hear the voices of the practitioners.",
    }
    return MeetingFactory(**{**defaults, **fields})


def _send(client, cast, meeting, capture):
    login(client, cast.bm)
    with capture(execute=True):
        return client.post(
            reverse("reviews:invitations_send", kwargs={"meeting_pk": meeting.pk}), follow=True
        )


def _everything(message):
    parts = [message.subject, message.body]
    parts += [content for content, _ in message.alternatives]
    parts += [str(a[1]) for a in message.attachments]
    return "\n".join(parts)


def _assert_bm_told_only(cast, where):
    assert [m.to for m in mail.outbox] == [[cast.bm.email]]
    notice = mail.outbox[0]
    assert "Withheld by the leak guard" in notice.subject
    assert where in notice.body and "registered child's name of Case One" in notice.body
    assert "Zephyrine" not in _everything(notice) and "Quillfeather" not in _everything(notice)


@pytest.mark.parametrize(
    "terms_of_reference",
    [
        f"We will discuss how {TERM} was heard.",
        "We will discuss how Zeph\u200byrine was heard.",  # a zero-width space inside the name
        "We will discuss how Quill\u00adfeather\u2019s family was heard.",  # soft hyphen, curly possessive
        "We will discuss how Z\u0435phyrine was heard.",  # a Cyrillic e
    ],
)
def test_an_invitation_carrying_a_register_term_is_withheld_and_the_manager_told(
    client, cast, django_capture_on_commit_callbacks, terms_of_reference
):
    meeting = _meeting(cast, terms_of_reference=terms_of_reference)
    invitation = InvitationFactory(meeting=meeting, agency=cast.agency, email="robin@riverton.example")
    page = _send(client, cast, meeting, django_capture_on_commit_callbacks).content.decode()
    assert "1 invitation was withheld by the leak guard" in page
    _assert_bm_told_only(cast, "text body")
    assert (
        "HTML body" in mail.outbox[0].body
        and "attachment reflective-practice-meeting.ics" in mail.outbox[0].body
    )
    withheld = Notification.objects.get(kind="meeting_invitation")
    assert withheld.status == Notification.Status.WITHHELD
    assert "Zephyrine" not in withheld.body_text + withheld.subject and withheld.attachments == []
    invitation.refresh_from_db()
    assert invitation.sent_at is None  # it goes once the text is fixed
    # Fixed: sending again delivers it, once.
    meeting.terms_of_reference = "To hear the voices of the practitioners."
    meeting.save()
    _send(client, cast, meeting, django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox][-1] == ["robin@riverton.example"]
    invitation.refresh_from_db()
    assert invitation.sent_at is not None


def test_a_term_only_in_the_calendar_file_withholds_the_invitation(
    client, cast, django_capture_on_commit_callbacks
):
    """The .ics folds long lines at 75 octets: a venue long enough puts the name across a fold."""
    venue = "Family centre meeting room on the first floor, ask at the desk for the Quill" + "feather room"
    meeting = _meeting(cast, venue=venue)
    InvitationFactory(meeting=meeting, agency=cast.agency, email="robin@riverton.example")
    _send(client, cast, meeting, django_capture_on_commit_callbacks)
    assert all(m.to == [cast.bm.email] for m in mail.outbox)
    assert "attachment reflective-practice-meeting.ics" in mail.outbox[0].body


def test_rsvp_page_carrying_a_register_term_withholds_the_details_and_tells_the_manager(
    client, cast, django_capture_on_commit_callbacks
):
    meeting = _meeting(cast, terms_of_reference=f"How was {TERM.upper()} heard?", venue="Quillfeather House")
    invitation = InvitationFactory(meeting=meeting, agency=cast.agency, sent_at=timezone.now())
    url = reverse("reviews:invitation_respond", kwargs={"token": invitation_token(invitation)})
    with django_capture_on_commit_callbacks(execute=True):
        page = client.get(url).content.decode()
    assert "Quillfeather" not in page and "QUILLFEATHER" not in page
    assert "Some details of this meeting cannot be shown here" in page
    assert "Send my answer" in page  # the invitee can still answer
    _assert_bm_told_only(cast, "RSVP page's terms of reference")
    assert "RSVP page's venue" in mail.outbox[0].body
    # Told once, not on every visit.
    with django_capture_on_commit_callbacks(execute=True):
        client.get(url)
    assert len(mail.outbox) == 1


def test_a_clean_rsvp_page_shows_the_terms_of_reference(client, cast):
    meeting = _meeting(cast, terms_of_reference="Nothing is attributed by name.")
    invitation = InvitationFactory(meeting=meeting, agency=cast.agency, sent_at=timezone.now())
    page = client.get(reverse("reviews:invitation_respond", kwargs={"token": invitation_token(invitation)}))
    assert "Nothing is attributed by name." in page.content.decode()
    assert not Notification.objects.exists()


def test_a_reminder_carrying_a_register_term_is_withheld_and_the_manager_told(client, quiet_cast, run_on):
    """An agency named like a term of the register (a school, say) must not carry it into an e-mail."""
    cast = quiet_cast
    cast.other_agency.name = f"{TERM} Academy Trust"
    cast.other_agency.save()
    AgencyActionFactory(case=cast.case, owner_agency=cast.other_agency, due_date=day(14), created_by=cast.bm)
    sent = run_on(D)
    assert [m.to for m in sent] == [[cast.bm.email]]
    assert "Zephyrine" not in _everything(sent[0])
    assert "a registered child's name of Case One in the text body" in sent[0].body
    withheld = Notification.objects.get(kind="action_due_soon")
    assert withheld.status == Notification.Status.WITHHELD
    # The log shows it as withheld to the Business Manager.
    log = login(client, cast.bm).get(reverse("notifications:log")).content.decode()
    assert "Withheld by the leak guard" in log and "Zephyrine" not in log
