"""Authorisation rules for panel review, meetings, findings and confidential actions (reviews app)."""

import datetime

from django.utils import timezone

from reviews.invitations import invitation_token

from .rule import Rule

BM = {"bm"}
READERS = {"bm", "panel"}
ALL = {"bm", "panel", "panel_other", "contributor", "contributor_other", "board", "qa", "admin"}

RULES = {
    # Case review (BM and the audit's panel; panel_other 404 through the scoped selector)
    "reviews:case_review": Rule(get=READERS),
    "reviews:note_add": Rule(get=None, post=READERS),
    # Only the author edits a note: the cast's note is the panel member's, so the BM gets 404 too.
    "reviews:note_edit": Rule(get={"panel"}),
    "reviews:case_pack_circulate": Rule(get=None, post=BM),
    "reviews:case_pack_pdf": Rule(get=READERS),
    "reviews:case_pack_status": Rule(get=READERS),
    # Meetings: the BM runs them, the panel reads them
    "reviews:meeting_create": Rule(get=BM),
    "reviews:meeting_detail": Rule(get=READERS),
    "reviews:meeting_edit": Rule(get=BM),
    "reviews:invitation_add": Rule(get=None, post=BM),
    "reviews:invitations_send": Rule(get=None, post=BM),
    "reviews:attendance_record": Rule(get=None, post=BM),
    # The invitee's signed link: no login, for anyone holding it
    "reviews:invitation_respond": Rule(
        get=ALL | {"anon"},
        post=ALL | {"anon"},
        public=True,
        kwargs={"token": lambda cast: invitation_token(cast.invitation)},
    ),
    # Findings: the BM and the audit's panel
    "reviews:findings": Rule(get=READERS),
    "reviews:learning_point_add": Rule(get=None, post=READERS),
    "reviews:learning_point_edit": Rule(get=READERS),
    "reviews:learning_point_move": Rule(get=None, post=READERS),
    "reviews:learning_point_delete": Rule(get=READERS),
    "reviews:assurance_edit": Rule(get=None, post=READERS),
    "reviews:action_add": Rule(get=None, post=READERS),
    "reviews:action_edit": Rule(get=READERS),
    # Confidential actions: a scoped list for those who monitor or own them; answering is the owner's
    "reviews:action_list": Rule(get={"bm", "panel", "panel_other", "contributor", "contributor_other"}),
    "reviews:action_respond": Rule(get={"contributor"}),
}


def extend_cast(cast):
    from tests.factories import (
        AgencyActionFactory,
        CaseNoteFactory,
        InvitationFactory,
        LearningPointFactory,
        MeetingFactory,
    )

    cast.note = CaseNoteFactory(case=cast.case, author=cast.panel)
    cast.meeting = MeetingFactory(
        case=cast.case, created_by=cast.bm, starts_at=timezone.now() + datetime.timedelta(days=40)
    )
    cast.invitation = InvitationFactory(meeting=cast.meeting, agency=cast.agency)
    # The report's leak hit (rules_reports) may have made it already: the hit points at it.
    if getattr(cast, "point", None) is None:
        cast.point = LearningPointFactory(case=cast.case, created_by=cast.panel, position=1)
    cast.action = AgencyActionFactory(case=cast.case, owner_agency=cast.agency, created_by=cast.panel)


KWARGS = {
    "note_pk": lambda cast: cast.note.pk,
    "meeting_pk": lambda cast: cast.meeting.pk,
    "point_pk": lambda cast: cast.point.pk,
    "action_pk": lambda cast: cast.action.pk,
}
