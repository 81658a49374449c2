"""The demo data: learning points for the four cases in the seed's kinds and order, assurance, confidential actions for
three cases, and held meetings (Case Four, as in the seed, with several practitioners absent)."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from cases.demo import TITLE as DEMO_TITLE
from cases.models import Audit
from reviews.models import (
    AgencyAction,
    CaseAssurance,
    CaseNote,
    Invitation,
    LearningPoint,
    ReflectivePracticeMeeting,
)
from tests.helpers import login

pytestmark = pytest.mark.django_db


def _counts():
    return tuple(
        m.objects.count()
        for m in (LearningPoint, CaseAssurance, AgencyAction, ReflectivePracticeMeeting, Invitation, CaseNote)
    )


def test_demo_reviews_follow_the_seed_and_load_twice_unchanged():
    call_command("load_demo", force=True)
    counts = _counts()
    call_command("load_demo", force=True)
    assert _counts() == counts
    cases = {c.number: c for c in Audit.objects.get(title=DEMO_TITLE).cases.all()}
    assert [cases[n].learning_points.count() for n in (1, 2, 3, 4)] == [5, 2, 2, 2]
    first = cases[1].learning_points.order_by("position").first()
    assert first.text.startswith("Because Children's Social Care is organised in locality teams")
    assert (
        "Northbridge Constabulary has since briefed the Board"
        in cases[2].learning_points.get(position=2).text
    )
    assert "senior manager in each practitioner's own agency" in cases[4].learning_points.get(position=2).text
    every_point = " ".join(LearningPoint.objects.values_list("text", flat=True))
    for real_name in ("Portsmouth", "Hampshire", "PSCB", "MESC", "Havant"):
        assert real_name not in every_point
    assert CaseAssurance.objects.filter(finding="no_child_unsafe").count() == 4
    assert AgencyAction.objects.values("case").distinct().count() == 3
    # Case Four: held, several practitioners did not attend; Case One: held, well attended
    four = ReflectivePracticeMeeting.objects.get(case=cases[4])
    assert four.status == "held"
    attendance = list(four.invitations.values_list("attendance", flat=True))
    assert attendance.count("did_not_attend") >= 3 and attendance.count("attended") >= 1
    assert "apologies" in attendance
    assert all(i.attendance_reason for i in four.invitations.exclude(attendance="attended"))
    one = ReflectivePracticeMeeting.objects.get(case=cases[1])
    assert one.status == "held" and one.invitations.filter(attendance="attended").count() >= 4


def test_demo_meeting_page_shows_case_four_attendance(client):
    call_command("load_demo", force=True)
    login(client, User.objects.get(email="bm@pscb.example"))
    meeting = ReflectivePracticeMeeting.objects.get(case__number=4)
    html = client.get(reverse("reviews:meeting_detail", kwargs={"meeting_pk": meeting.pk})).content.decode()
    assert "Did not attend" in html and "Sent apologies" in html
    # One lead-time banner: the demo's invitations for case four went out late.
    assert html.count("lead-time-warning") == 1
    assert "Inside the 28-day lead time" in html and "went out after that" in html
