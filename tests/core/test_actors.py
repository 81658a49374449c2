"""Every service that takes an actor records it where it changes state (core.actors): in the change
history's context for tracked models, in a field of its own for the rest."""

import ast
import datetime
import pathlib

import pytest
from django.utils import timezone

from audittools import services as tools
from cases import services as cases
from history.models import CaseEvent, LearningPointEvent
from recommendations import services as recommendations
from reviews import services as reviews
from reviews.models import Invitation
from tests.factories import InvitationFactory, LearningPointFactory, MeetingFactory

ROOT = pathlib.Path(__file__).resolve().parents[2]
SKIPPED = {".venv", "tests", "bench", "static", "templates", "docs", "deploy"}


def _decorated_records_actor(node):
    return any(
        (isinstance(d, ast.Name) and d.id == "records_actor")
        or (isinstance(d, ast.Attribute) and d.attr == "records_actor")
        for d in node.decorator_list
    )


def _ignored_actors():
    found = []
    for top in sorted(ROOT.iterdir()):
        if not top.is_dir() or top.is_symlink() or top.name in SKIPPED or top.name.startswith("."):
            continue
        for path in sorted(top.rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                if "actor" not in [a.arg for a in node.args.args + node.args.kwonlyargs]:
                    continue
                used = any(isinstance(n, ast.Name) and n.id == "actor" for n in ast.walk(node))
                if not used and not _decorated_records_actor(node):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
    return found


def test_no_function_takes_an_actor_and_ignores_it():
    assert _ignored_actors() == []


pytestmark = pytest.mark.django_db


def test_meetings_and_invitations_keep_who_changed_them(cast):
    meeting = MeetingFactory(case=cast.case, created_by=cast.bm)
    reviews.meeting_update(meeting=meeting, actor=cast.panel, venue="Room 5")
    meeting.refresh_from_db()
    assert meeting.updated_by == cast.panel
    invitation = reviews.invitation_add(
        meeting=meeting,
        actor=cast.bm,
        agency=cast.agency,
        name="Robin Ash",
        role="Nurse",
        email="r@x.example",
    )
    assert invitation.added_by == cast.bm
    (sent,) = reviews.invitations_send(meeting=meeting, actor=cast.bm)
    sent.refresh_from_db()
    assert sent.sent_by == cast.bm and sent.sent_at is not None
    type(meeting).objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - datetime.timedelta(hours=1))
    reviews.attendance_record(
        meeting=meeting, actor=cast.panel, records={sent.pk: (Invitation.Attendance.ATTENDED, "")}
    )
    sent.refresh_from_db()
    meeting.refresh_from_db()
    assert sent.attendance_recorded_by == cast.panel
    assert meeting.updated_by == cast.panel and meeting.status == "held"


def test_board_meetings_and_tools_keep_who_changed_them(cast):
    board_meeting = recommendations.board_meeting_create(
        actor=cast.bm, date=datetime.date(2027, 1, 20), title="January Board"
    )
    assert board_meeting.created_by == cast.bm
    tool = tools.tool_create(actor=cast.bm, name="Our own tool")
    other = InvitationFactory().meeting.created_by  # a second Business Manager
    section = tools.section_add(tool=tool, actor=other, title="Engagement")
    tool.refresh_from_db()
    assert tool.updated_by == other
    tools.question_add(section=section, actor=cast.bm, text="Was the child seen?", answer_type="yes_no_na")
    tool.refresh_from_db()
    assert tool.updated_by == cast.bm
    # The cast's audit has asked for returns already: choosing the tool freezes it, by the chooser.
    tools.audit_tool_choose(audit=cast.audit, tool=tool, actor=other)
    version = tool.versions.get()
    assert version.is_frozen and version.frozen_by == other


@pytest.mark.postgres
def test_tracked_changes_name_the_actor_outside_a_request(cast):
    """A Celery task or a management command has no request (so no middleware context): the service
    names its actor itself."""
    cases.case_update(case=cast.case, actor=cast.panel, summary="Updated by a task")
    event = CaseEvent.objects.filter(pgh_obj_id=cast.case.pk, pgh_label="update").get()
    assert event.pgh_context.metadata["user"] == cast.panel.pk
    point = LearningPointFactory(case=cast.case, created_by=cast.bm)
    point_pk = point.pk
    reviews.learning_point_delete(point=point, actor=cast.bm)
    deleted = LearningPointEvent.objects.filter(pgh_obj_id=point_pk, pgh_label="delete").get()
    assert deleted.pgh_context.metadata["user"] == cast.bm.pk
