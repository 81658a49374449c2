"""The case pack PDF, read back with pypdf: marking and reader on every page, the returns' text."""

import datetime
import io

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from accesslog.models import AccessLogEntry
from tests.helpers import login

from .factories import entries, submitted_return

pytestmark = pytest.mark.django_db


def pages_of(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return [page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages]


def squash(text):
    return " ".join(text.split())


@pytest.fixture
def pack_case(cast):
    csc = submitted_return(
        cast.case,
        cast.agency,
        cast.bm,
        involvement="Allocated social worker from the locality team since the referral.",
        lessons_learnt="Archived records helped build the family history.",
    )
    police = submitted_return(
        cast.case,
        cast.other_agency,
        cast.bm,
        involvement="Joint investigation with the locality team <b>bold</b>.",
    )
    entries(csc, 30, text="Home visit by the social worker")  # long enough to run over several pages
    entries(police, 10, text="Police contact")
    return cast


@time_machine.travel(datetime.datetime(2026, 7, 1, 13, 5, tzinfo=datetime.UTC), tick=False)
def test_pack_has_marking_and_reader_on_every_page_and_the_returns_text(client, pack_case):
    cast = pack_case
    login(client, cast.panel)
    response = client.get(reverse("reviews:case_pack_pdf", kwargs={"case_pk": cast.case.pk}))
    pages = pages_of(response)
    assert len(pages) >= 3
    for number, text in enumerate(pages, 1):
        flat = squash(text)
        assert "OFFICIAL-SENSITIVE" in flat, f"page {number} has no marking"
        assert "Paula Panel" in flat, f"page {number} has no reader's name"
        # 13:05 UTC in July is 14:05 in London
        assert "1 July 2026" in flat and "14:05" in flat, f"page {number} has no time (Europe/London)"
    everything = squash(" ".join(pages))
    assert "Allocated social worker from the locality team since the referral." in everything
    assert "Archived records helped build the family history." in everything
    assert "Home visit by the social worker 29" in everything
    assert "Police contact 9" in everything
    assert "Case One" in everything
    # user text is escaped, not markup
    assert "<b>bold</b>" in everything
    assert AccessLogEntry.objects.filter(
        user=cast.panel, what="case_pack", action=AccessLogEntry.Action.DOWNLOAD, case_id=cast.case.pk
    ).exists()


@time_machine.travel(datetime.datetime(2026, 7, 1, 13, 5, tzinfo=datetime.UTC), tick=False)
def test_watermark_is_kept_out_of_the_text_layer(client, pack_case):
    """The diagonal watermark is an image: copied text and screen readers get the reader's name once
    per page (the footer line), never the watermark's text."""
    cast = pack_case
    login(client, cast.panel)
    response = client.get(reverse("reviews:case_pack_pdf", kwargs={"case_pk": cast.case.pk}))
    reader = PdfReader(io.BytesIO(response.content))
    pages = [squash(page.extract_text()) for page in reader.pages]
    watermark_text = "Paula Panel · 1 July 2026 14:05"
    for number, text in enumerate(pages, 1):
        assert watermark_text not in text, f"page {number} carries the watermark as text"
        assert text.count("Paula Panel") == 1, f"page {number} names the reader more than once"
    # The watermark is still drawn: an image on every page.
    assert all(len(page.images) >= 1 for page in reader.pages)


def test_each_reader_gets_their_own_name_on_the_pack(client, pack_case):
    cast = pack_case
    login(client, cast.bm)
    pages = pages_of(client.get(reverse("reviews:case_pack_pdf", kwargs={"case_pk": cast.case.pk})))
    assert all("Beatrice Manager" in squash(p) for p in pages)
    assert not any("Paula Panel" in p for p in pages)


def test_pack_leaves_out_returns_not_yet_submitted(client, cast):
    cast.agency_return.involvement = "Unsubmitted draft words"
    cast.agency_return.status = "draft"
    cast.agency_return.save()
    login(client, cast.panel)
    pages = pages_of(client.get(reverse("reviews:case_pack_pdf", kwargs={"case_pk": cast.case.pk})))
    assert "Unsubmitted draft words" not in " ".join(pages)
    assert "OFFICIAL-SENSITIVE" in pages[0]
