"""The leak guard while people write, and one clean text from the form to the PDF: a findings text
holding a register term is refused at save, next to the field, naming the term's kind and case but
never the term; hidden characters are stripped when a text is saved, whatever path the save takes."""

import pytest
from django.urls import reverse

from core.text import clean, folded
from reports.models import AuditReport
from reviews.models import LearningPoint
from tests.factories import CaseFactory, IdentifyingTermFactory, LearningPointFactory
from tests.helpers import login

pytestmark = pytest.mark.django_db


def add_point(client, case, text):
    return client.post(
        reverse("reviews:learning_point_add", kwargs={"case_pk": case.pk}), {"kind": "learning", "text": text}
    )


@pytest.mark.parametrize(
    "text",
    [
        "Zephyrine was heard at every visit.",
        "Zeph\u200byrine was heard at every visit.",  # zero-width space
        "QUILL\u00adFEATHER's family engaged.",  # soft hyphen, capitals, possessive
        "Z\u0435phyrine was heard.",  # Cyrillic e
    ],
)
def test_a_learning_point_holding_a_register_term_is_refused_next_to_the_field(client, cast, text):
    response = add_point(login(client, cast.panel), cast.case, text)
    assert response.status_code == 400
    page = response.content.decode()
    assert "holds a term of the identifying-terms register: child&#x27;s name (Case One)" in page
    assert not LearningPoint.objects.filter(case=cast.case).exists()


def test_the_error_never_echoes_another_cases_term(client, cast):
    other = CaseFactory(audit=cast.audit, number=2)
    IdentifyingTermFactory(case=other, kind="school", value="Pendlebury Vale Academy", created_by=cast.bm)
    response = add_point(login(client, cast.panel), cast.case, "The pupils of Pendlebury Vale were asked.")
    page = response.content.decode()
    assert response.status_code == 400
    assert "school (Case Two)" in page
    # The typed text stays in the field for the author; the error itself names no term.
    error = page.split("holds a term of the identifying-terms register")[1].split("</")[0]
    assert "Pendlebury" not in error


def test_framing_text_holding_a_register_term_is_refused(client, cast):
    response = login(client, cast.bm).post(
        reverse("reports:framing_edit", kwargs={"audit_pk": cast.audit.pk}),
        {"what_we_did": "We met Zephyrine's carers.", "how_we_did_this": "", "assurance": ""},
    )
    assert response.status_code == 200 and "child&#x27;s name (Case One)" in response.content.decode()
    assert not AuditReport.objects.filter(audit=cast.audit).exclude(what_we_did="").exists()


def test_hidden_characters_are_stripped_when_a_text_is_saved_through_a_form(client, cast):
    response = add_point(login(client, cast.panel), cast.case, "Good\u200b multi\u00adagency\u2060 work\x07.")
    assert response.status_code == 302
    assert LearningPoint.objects.get(case=cast.case).text == "Good multiagency work."


def test_hidden_characters_are_stripped_whatever_path_the_save_takes(cast):
    point = LearningPointFactory(case=cast.case, text="Full\uff0dwidth \ufeffand\u034f joined\u200d text.")
    point.refresh_from_db()
    assert point.text == "Full-width and joined text."


@pytest.mark.parametrize(
    "raw, stored, compared",
    [
        ("Jay\u200bden", "Jayden", "jayden"),
        ("J\u0430yden", "J\u0430yden", "jayden"),  # stored as typed (a real Cyrillic letter), compared folded
        ("Mar-\n  lowe", "Mar-\n  lowe", "marlowe"),
        ("\uff2a\uff21\uff39", "JAY", "jay"),
        ("Zo\u00eb\u00a0 Smith", "Zo\u00eb  Smith", "zoe smith"),
        ("a\x85b\x00c\ufeffd", "abcd", "abcd"),
    ],
)
def test_one_normalisation(raw, stored, compared):
    assert clean(raw) == stored
    assert folded(raw) == compared
