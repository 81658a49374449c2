"""Actions that matter go through a confirmation page (GET) before they happen (POST), never a browser
confirm() dialog: each page is permission-checked like its action, changes nothing, and after the
action the next page shows a confirmation panel with what happens next."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from cases.models import AgencyReturn, IdentifyingTerm, PanelMembership
from history.models import LegalHold
from reviews.models import LearningPoint
from tests.conftest import PERSONAS
from tests.factories import ChronologyEntryFactory, LearningPointFactory
from tests.helpers import login

ROOT = Path(__file__).resolve().parents[2]


def _tool(cast):
    from audittools.services import question_add, section_add, tool_create

    tool = tool_create(actor=cast.bm, name="Neglect audit tool")
    section = section_add(tool=tool, actor=cast.bm, title="Recognition of neglect")
    question = question_add(section=section, actor=cast.bm, text="Grade recognition.", answer_type="grade")
    return tool, section, question


def _complete_return(cast):
    r = cast.agency_return
    for name in (
        "involvement",
        "engagement_evaluation",
        "policy_analysis",
        "practice_analysis",
        "lessons_learnt",
    ):
        setattr(r, name, "Written in full for the check.")
    r.status = AgencyReturn.Status.DRAFT
    r.save()
    ChronologyEntryFactory(agency_return=r)
    return r


class Action:
    """One confirmable action: how to set it up, its URL, who may do it, and how to see it was done."""

    def __init__(self, name, *, setup, url, allowed, done, title, post=None, panel=""):
        self.name, self.setup, self.url, self.allowed, self.done = name, setup, url, allowed, done
        self.title, self.post, self.panel = title, post or (lambda obj: {}), panel


ACTIONS = [
    Action(
        "panel_remove",
        setup=lambda cast: cast.audit.panel_memberships.get(user=cast.panel),
        url=lambda m: reverse("cases:panel_remove", kwargs={"audit_pk": m.audit_id, "membership_pk": m.pk}),
        allowed={"bm"},
        done=lambda m: not PanelMembership.objects.filter(pk=m.pk).exists(),
        title="Remove Paula Panel from the panel?",
        panel="Paula Panel removed from the panel",
    ),
    Action(
        "term_remove",
        setup=lambda cast: cast.term,
        url=lambda t: reverse("cases:term_remove", kwargs={"case_pk": t.case_id, "term_pk": t.pk}),
        allowed={"bm"},
        done=lambda t: not IdentifyingTerm.objects.filter(pk=t.pk).exists(),
        title="Remove this term from the register?",
        panel="Term removed from the register",
    ),
    Action(
        "learning_point_delete",
        setup=lambda cast: LearningPointFactory(case=cast.case, position=1, text="Share plans sooner."),
        url=lambda p: reverse(
            "reviews:learning_point_delete", kwargs={"case_pk": p.case_id, "point_pk": p.pk}
        ),
        allowed={"bm", "panel"},
        done=lambda p: not LearningPoint.objects.filter(pk=p.pk).exists(),
        title="Remove learning point i?",
        panel="Learning point i removed",
    ),
    Action(
        "section_delete",
        setup=lambda cast: _tool(cast)[1],
        url=lambda s: reverse(
            "audittools:section_delete", kwargs={"tool_pk": s.version.tool_id, "section_pk": s.pk}
        ),
        allowed={"bm"},
        done=lambda s: not type(s).objects.filter(pk=s.pk).exists(),
        title="Remove the section ‘Recognition of neglect’?",
        panel="Section removed",
    ),
    Action(
        "question_delete",
        setup=lambda cast: _tool(cast)[2],
        url=lambda q: reverse(
            "audittools:question_delete", kwargs={"tool_pk": q.section.version.tool_id, "question_pk": q.pk}
        ),
        allowed={"bm"},
        done=lambda q: not type(q).objects.filter(pk=q.pk).exists(),
        title="Remove this question?",
        panel="Question removed",
    ),
    Action(
        "legal_hold_lift",
        setup=lambda cast: LegalHold.objects.create(audit=cast.audit, reason="Inquiry", placed_by=cast.bm),
        url=lambda h: reverse("history:legal_hold_lift", kwargs={"hold_pk": h.pk}),
        allowed={"bm"},
        done=lambda h: LegalHold.objects.get(pk=h.pk).lifted_at is not None,
        title="Lift the legal hold?",
        panel="Legal hold on",
    ),
    Action(
        "return_submit",
        setup=_complete_return,
        url=lambda r: reverse("cases:return_submit", kwargs={"return_pk": r.pk}),
        allowed={"bm", "contributor"},
        done=lambda r: AgencyReturn.objects.get(pk=r.pk).status == AgencyReturn.Status.SUBMITTED,
        title="Check your answers before submitting the return",
        post=lambda r: {"version": AgencyReturn.objects.get(pk=r.pk).version},
        panel="Return submitted",
    ),
]


def _refused(response):
    return response.status_code in (403, 404) or (
        response.status_code == 302 and "/accounts/login/" in response["Location"]
    )


@pytest.mark.parametrize("action", ACTIONS, ids=[a.name for a in ACTIONS])
@pytest.mark.parametrize("persona", PERSONAS)
def test_confirmation_page_then_action_for_each_role(action, persona, cast, client):
    obj = action.setup(cast)
    url = action.url(obj)
    if persona != "anon":
        login(client, getattr(cast, persona))
    page = client.get(url)
    if persona not in action.allowed:
        assert _refused(page), f"{persona} GET -> {page.status_code}"
        assert _refused(client.post(url, action.post(obj)))
        assert not action.done(obj), f"{persona} could {action.name}"
        return
    # The page asks; it changes nothing and posts back to itself.
    assert page.status_code == 200
    html = page.content.decode()
    assert action.title in html
    assert re.search(r'<form method="post" novalidate>', html)
    assert "confirm(" not in html and "data-confirm" not in html
    assert not action.done(obj)
    # The button does it, and the next page says what happens next, once.
    response = client.post(url, action.post(obj))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert action.done(obj)
    after = client.get(response["Location"]).content.decode()
    assert "govuk-panel--confirmation" in after and action.panel in after
    assert "What happens next" in after
    assert "govuk-panel--confirmation" not in client.get(response["Location"]).content.decode()


def test_check_your_answers_lists_the_return_with_change_links(cast, client):
    r = _complete_return(cast)
    login(client, cast.contributor)
    html = client.get(reverse("cases:return_submit", kwargs={"return_pk": r.pk})).content.decode()
    edit = reverse("cases:return_edit", kwargs={"return_pk": r.pk})
    assert "govuk-summary-list" in html and "Written in full for the check." in html
    assert f'href="{edit}#chronology"' in html and f'href="{edit}#return-text"' in html
    assert html.count(">Change<") >= 3
    assert 'name="version"' in html and "Submit return" in html


def test_check_your_answers_shows_what_stops_a_submit_and_no_button(cast, client):
    r = cast.agency_return  # requested, empty
    login(client, cast.contributor)
    url = reverse("cases:return_submit", kwargs={"return_pk": r.pk})
    html = client.get(url).content.decode()
    assert "govuk-error-summary" in html and "Add at least one chronology row" in html
    assert "Submit return</button>" not in html
    response = client.post(url, {"version": r.version})
    assert response.status_code == 302 and response["Location"] == url
    assert AgencyReturn.objects.get(pk=r.pk).status == AgencyReturn.Status.REQUESTED


def test_a_save_in_between_sends_the_agency_back_to_check_again(cast, client):
    r = _complete_return(cast)
    login(client, cast.contributor)
    url = reverse("cases:return_submit", kwargs={"return_pk": r.pk})
    response = client.post(url, {"version": r.version - 1 if r.version > 1 else r.version + 5})
    assert response.status_code == 302 and response["Location"] == url
    assert AgencyReturn.objects.get(pk=r.pk).status == AgencyReturn.Status.DRAFT
    assert "Someone saved this return" in client.get(url).content.decode()


def test_the_edit_pages_submit_button_saves_and_leads_to_the_check(cast, client):
    from tests.cases.returns_helpers import MEETING_TEXT, edit_post

    login(client, cast.contributor)
    r = cast.agency_return
    data = edit_post(
        r, action="submit", fields=MEETING_TEXT, rows=[{"date": "03/02/2026", "what_happened": "Met"}]
    )
    response = client.post(reverse("cases:return_edit", kwargs={"return_pk": r.pk}), data)
    assert response["Location"] == reverse("cases:return_submit", kwargs={"return_pk": r.pk})
    r.refresh_from_db()
    assert r.status == AgencyReturn.Status.DRAFT and r.entries.count() == 1  # saved, not yet submitted


def test_backup_codes_are_renewed_only_after_the_confirmation_page(cast, client):
    from django_otp.plugins.otp_static.models import StaticDevice

    login(client, cast.bm)
    url = reverse("backup_codes_renew")
    page = client.get(url)
    assert page.status_code == 200 and "Make new backup codes?" in page.content.decode()
    assert not StaticDevice.objects.filter(user=cast.bm).exists()
    response = client.post(url)
    assert response.status_code == 302 and StaticDevice.objects.get(user=cast.bm).token_set.count() > 0


def test_no_browser_confirm_dialog_is_left_in_templates_or_our_scripts():
    found = []
    folders = [
        p for p in ROOT.iterdir() if p.is_dir() and p.name not in {".venv", ".git", "node_modules", "var"}
    ]
    for folder in folders:
        for path in folder.rglob("*"):
            if path.suffix not in {".html", ".js"} or "vendor" in path.parts or not path.is_file():
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            for needle in ("confirm(", "data-confirm", "hx-confirm"):
                if needle in text:
                    found.append(f"{path.relative_to(ROOT)}: {needle}")
    assert not found, found
