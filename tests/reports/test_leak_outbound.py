"""The Board's pages and the tracker exports leave the panel too: a row or title that would carry a
register term is withheld and the Business Manager is told where."""

import hashlib

import pytest
from django.core import mail
from django.urls import reverse

from reports.models import ReportBuild, ReportVersion
from tests.factories import IdentifyingTermFactory, RecommendationFactory
from tests.helpers import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def leaky(cast):
    """Two recommendations of the cast's audit: one clean, one naming the registered child."""
    clean = RecommendationFactory(
        audit=cast.audit, text="Agencies to report on support.", owners=[cast.agency], created_by=cast.bm
    )
    leaky = RecommendationFactory(
        audit=cast.audit,
        text="Ask Z\u0435phyrine's school to report back.",
        owners=[cast.agency],
        created_by=cast.bm,
    )
    return clean, leaky


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_tracker_export_leaves_out_a_row_carrying_a_register_term(
    client, cast, leaky, kind, django_capture_on_commit_callbacks
):
    login(client, cast.board)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse(f"recommendations:tracker_export_{kind}"))
    body = response.content
    if kind == "xlsx":
        import io

        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(body), read_only=True).active
        body = "\n".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row).encode()
    text = body.decode()
    assert "Agencies to report on support." in text
    assert "phyrine" not in text
    assert [m.to for m in mail.outbox] == [[cast.bm.email]]
    notice = mail.outbox[0].body
    assert f"tracker {kind.upper()} export's recommendation text" in notice and "Case One" in notice
    assert "phyrine" not in notice


def test_the_boards_tracker_page_leaves_the_row_out_too(client, cast, leaky):
    page = login(client, cast.board).get(reverse("recommendations:tracker")).content.decode()
    assert "Agencies to report on support." in page and "phyrine" not in page


def test_the_board_home_withholds_a_published_title_carrying_a_register_term(
    client, cast, django_capture_on_commit_callbacks
):
    cast.audit.title = "Learning from the Quillfeather family"
    cast.audit.save()
    build = ReportBuild.objects.create(
        audit=cast.audit, requested_by=cast.bm, build_date="2026-11-01", status="done"
    )
    pdf = b"%PDF-1.7 test"
    ReportVersion.objects.create(
        audit=cast.audit, number=1, build=build, pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest(),
        size=len(pdf), build_date="2026-11-01", published_by=cast.bm,
    )  # fmt: skip
    login(client, cast.board)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.get(reverse("recommendations:board_home")).content.decode()
    assert "Quillfeather" not in page and "[title withheld by the leak guard]" in page
    assert [m.to for m in mail.outbox] == [[cast.bm.email]]
    assert "Board home's audit title" in mail.outbox[0].body


def test_a_checked_row_is_checked_again_once_its_text_or_the_register_changes(client, cast, leaky):
    """What the guard found in a row is kept (the tracker shows the same rows on every visit), but only
    for the same texts against the same terms: a new term, or a row edited to carry one, is caught on
    the very next view."""
    clean, _leaky = leaky
    login(client, cast.board)
    url = reverse("recommendations:tracker")
    assert "Agencies to report on support." in client.get(url).content.decode()
    # A term added to the register that the clean row happens to carry.
    IdentifyingTermFactory(case=cast.case, kind="school", value="Support Academy", created_by=cast.bm)
    clean.text = "Agencies to report on Support Academy's pupils."
    clean.save()
    page = client.get(url).content.decode()
    assert "Support Academy" not in page
    # Edited back: shown again (no verdict outlives the text it was about).
    clean.text = "Agencies to report on support."
    clean.save()
    assert "Agencies to report on support." in client.get(url).content.decode()
    # The same text, but a register term now names a word of it.
    IdentifyingTermFactory(
        case=cast.case, kind="family_member", value="Agencies Reportington", created_by=cast.bm
    )
    assert "Agencies to report on support." not in client.get(url).content.decode()
