"""The case pack is rendered by a Celery task with a time limit, kept per reader and version, and its
progress is shown while the worker prepares it; the request itself never renders it."""

import io

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.urls import reverse
from pypdf import PdfReader

from reviews import pack
from reviews.models import CasePackBuild
from reviews.tasks import case_pack_render
from tests.helpers import login

from .factories import entries, submitted_return

pytestmark = pytest.mark.django_db


def pdf_url(cast):
    return reverse("reviews:case_pack_pdf", kwargs={"case_pk": cast.case.pk})


def status_url(cast):
    return reverse("reviews:case_pack_status", kwargs={"case_pk": cast.case.pk})


def text_of(response):
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def test_the_render_task_has_a_time_limit():
    assert case_pack_render.time_limit == settings.CASE_PACK_TIME_LIMIT
    assert case_pack_render.soft_time_limit == settings.CASE_PACK_SOFT_TIME_LIMIT
    assert case_pack_render.soft_time_limit < case_pack_render.time_limit


def test_the_request_does_not_render_while_the_worker_is_away(client, cast, monkeypatch):
    """With a real broker the request only queues the pack and shows its progress."""
    from pscb_audit.celery import app

    app.conf.task_always_eager = False  # the autouse _celery_inline fixture restores it
    sent = []
    monkeypatch.setattr(case_pack_render, "apply_async", lambda args, **kw: sent.append(args))
    monkeypatch.setattr(pack, "case_pack_pdf", lambda **kw: pytest.fail("rendered in the request"))
    login(client, cast.panel)
    response = client.get(pdf_url(cast))
    assert response.status_code == 302 and response["Location"] == status_url(cast)
    build = CasePackBuild.objects.get()
    assert [list(args) for args in sent] == [[build.pk]]
    page = client.get(status_url(cast)).content.decode()
    assert "Waiting for the worker (0%)" in page
    assert 'hx-trigger="every 2s"' in page


def test_a_pack_is_kept_per_reader_and_version(client, cast, monkeypatch):
    agency_return = submitted_return(cast.case, cast.agency, cast.bm, involvement="Allocated social worker.")
    renders = []
    real = pack.case_pack_pdf
    monkeypatch.setattr(pack, "case_pack_pdf", lambda **kw: renders.append(kw["reader"]) or real(**kw))
    login(client, cast.panel)
    first = client.get(pdf_url(cast))
    assert first.status_code == 200 and "Paula Panel" in text_of(first)
    again = client.get(pdf_url(cast))
    assert again.content == first.content
    assert renders == [cast.panel]
    # Another reader gets their own pack with their own name.
    login(client, cast.bm)
    assert "Beatrice Manager" in text_of(client.get(pdf_url(cast)))
    assert renders == [cast.panel, cast.bm]
    # A new chronology row is a new version: the panel member's pack is prepared afresh.
    entries(agency_return, 1, text="A home visit by the locality team")
    login(client, cast.panel)
    fresh = client.get(pdf_url(cast))
    assert "home visit by the locality team" in " ".join(text_of(fresh).split())
    assert renders == [cast.panel, cast.bm, cast.panel]
    assert CasePackBuild.objects.filter(reader=cast.panel).count() == 1  # the old version is dropped


def test_a_pack_that_runs_out_of_time_is_shown_as_failed_and_can_be_retried(client, cast, monkeypatch):
    def too_slow(**kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(pack, "case_pack_pdf", too_slow)
    login(client, cast.panel)
    response = client.get(pdf_url(cast), follow=True)
    html = response.content.decode()
    assert "took too long" in html and "Try again" in html
    monkeypatch.undo()
    client.post(status_url(cast))
    assert client.get(pdf_url(cast))["Content-Type"] == "application/pdf"


def test_a_redelivered_task_renders_once(cast, monkeypatch):
    build = CasePackBuild.objects.create(case=cast.case, reader=cast.panel, version="v1")
    renders = []
    monkeypatch.setattr(pack, "case_pack_pdf", lambda **kw: renders.append(1) or b"%PDF-1.7")
    case_pack_render(build.pk)
    case_pack_render(build.pk)
    assert renders == [1]
    build.refresh_from_db()
    assert build.status == CasePackBuild.Status.DONE and build.progress == 100


def test_outsiders_get_no_pack_and_no_status(client, cast):
    login(client, cast.panel_other)
    assert client.get(pdf_url(cast)).status_code == 404
    assert client.get(status_url(cast)).status_code == 404
    assert not CasePackBuild.objects.exists()
