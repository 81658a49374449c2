"""Authorisation rules for Board meetings, recommendations, responses, evidence and the tracker.

- The tracker and its exports: every role but the administrator (each sees their own scope; the
  Board sees every recommendation, contributors only their agency's, panel members their audits').
- A recommendation's page: the Business Manager, the audit's panel, the owner agencies' contributors.
  Not the Board (responses and evidence may hold case detail), not other agencies, not other panels.
- Evidence: the Business Manager, the audit's panel, the uploading owner agency's contributors.
"""

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import BoardMeetingFactory, RecommendationFactory

from .rule import Rule

TRACKER = {"board", "bm", "panel", "panel_other", "contributor", "contributor_other"}
READERS = {"bm", "panel", "contributor"}

RULES = {
    "recommendations:tracker": Rule(get=TRACKER),
    "recommendations:tracker_export_csv": Rule(get=TRACKER),
    "recommendations:tracker_export_xlsx": Rule(get=TRACKER),
    "recommendations:meeting_list": Rule(get={"bm"}),
    # meeting_pk is also the reviews' meeting: name the Board meeting here.
    "recommendations:meeting_edit": Rule(
        get={"bm"}, kwargs={"meeting_pk": lambda cast: cast.board_meeting.pk}
    ),
    "recommendations:recommendation_create": Rule(get={"bm"}),
    "recommendations:recommendation_detail": Rule(get=READERS),
    "recommendations:recommendation_edit": Rule(get={"bm"}),
    "recommendations:recommendation_move": Rule(get=None, post={"bm"}),
    "recommendations:recommendation_comment": Rule(get=None, post={"bm", "panel"}),
    "recommendations:recommendation_decide": Rule(get=None, post={"bm"}),
    "recommendations:recommendation_respond": Rule(get={"contributor"}),
    "recommendations:evidence_download": Rule(get=READERS),
}


def extend_cast(cast):
    """A recommendation of the cast's audit owned by the cast's agency, due at a Board meeting, with
    the agency's response and one evidence file."""
    from recommendations.services import response_post

    cast.board_meeting = BoardMeetingFactory(title="January Board meeting")
    cast.recommendation = RecommendationFactory(
        audit=cast.audit,
        position=1,
        deadline_date=None,
        deadline_meeting=cast.board_meeting,
        created_by=cast.bm,
        owners=[cast.agency],
    )
    response = response_post(
        recommendation=cast.recommendation,
        actor=cast.contributor,
        text="Guidance issued.",
        files=[SimpleUploadedFile("note.txt", b"Fictional evidence note.\n", content_type="text/plain")],
    )
    cast.evidence = response.evidence.get()


KWARGS = {
    "meeting_pk": lambda cast: cast.board_meeting.pk,
    "recommendation_pk": lambda cast: cast.recommendation.pk,
    "evidence_pk": lambda cast: cast.evidence.pk,
}
