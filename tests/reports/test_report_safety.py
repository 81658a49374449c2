"""User text in the report is text: markup in it neither fetches anything nor renders as markup."""

import pytest

from cases.models import PanelMembership
from reports.content import report_content
from reports.services import render_report, report_framing_save, report_html

from .conftest import TODAY, flat, pdf_text
from .test_pdf_safety import canary_server  # noqa: F401  (the local canary HTTP server fixture)


def payloads(port):
    return [
        '<img src="file:///etc/passwd">',
        f'<link rel="stylesheet" href="http://127.0.0.1:{port}/evil.css">',
        f'<img src="http://127.0.0.1:{port}/pixel.png">',
        f"<style>@import url(http://127.0.0.1:{port}/import.css); body {{ background: url(file:///etc/hostname) }}</style>",
        f'<p style="background: url(http://127.0.0.1:{port}/bg.png)">styled</p>',
        f'<object data="http://127.0.0.1:{port}/object"></object><iframe src="file:///etc/passwd"></iframe>',
        f'<svg><image href="http://127.0.0.1:{port}/svg.png"/></svg>',
    ]


@pytest.fixture
def poisoned(cast, seeded, canary_server):  # noqa: F811
    """Every kind of user text in the report carries markup that would fetch something."""
    port, hits = canary_server
    bad = " ".join(payloads(port))
    lp = seeded.cases[2].learning_points.first()
    lp.text = f"Learning point text. {bad}"
    lp.save()
    rec = seeded.recommendations[0]
    rec.text = f"Recommendation text. {bad}"
    rec.save()
    seeded.cases[1].assurance.statement = f"Assurance text. {bad}"
    seeded.cases[1].assurance.save()
    report_framing_save(
        audit=seeded.audit,
        actor=cast.bm,
        what_we_did=f"Framing what. {bad}",
        how_we_did_this=f"Framing how. {bad}",
        assurance=f"Framing assurance. {bad}",
    )
    seeded.audit.purpose = f"Purpose one. {bad}\nPurpose two."
    seeded.audit.theme = f"Theme {payloads(port)[1]}"
    seeded.audit.save()
    PanelMembership.objects.filter(audit=seeded.audit, is_chair=True).update(
        panel_role=f"Chair {payloads(port)[0]}"
    )
    cast.agency.name = f"Agency {payloads(port)[2]}"
    cast.agency.save()
    return seeded, hits


def test_markup_in_user_text_fetches_nothing(poisoned):
    seeded, hits = poisoned
    _, pdf = render_report(audit=seeded.audit, build_date=TODAY)
    assert hits == []
    text = pdf_text(pdf)
    assert "root:" not in text  # /etc/passwd was not read


def test_markup_in_user_text_is_escaped_and_printed_as_text(poisoned):
    seeded, _ = poisoned
    html = report_html(report_content(audit=seeded.audit, build_date=TODAY))
    assert '<img src="file:///etc/passwd">' not in html
    assert "&lt;img src=&quot;file:///etc/passwd&quot;&gt;" in html
    assert (
        "<link rel=" not in html and "<style>" not in html and "<iframe" not in html and "<svg>" not in html
    )
    _, pdf = render_report(audit=seeded.audit, build_date=TODAY)
    body = flat(pdf_text(pdf))
    # What was typed is shown as typed, in each place.
    for label in [
        "Learning point text.",
        "Recommendation text.",
        "Assurance text.",
        "Framing what.",
        "Framing how.",
    ]:
        assert f'{label} <img src="file:///etc/passwd">' in body, label
    assert "Purpose one. <img" in body and 'Chair <img src="file:///etc/passwd">' in body


def test_title_in_running_header_is_not_css(cast, seeded, canary_server):  # noqa: F811
    """The running header takes the title from the document (string-set), so a title cannot inject CSS."""
    port, hits = canary_server
    seeded.audit.title = f'Audit"; }} @import url("http://127.0.0.1:{port}/x.css"); .x {{ content: "'
    seeded.audit.save()
    _, pdf = render_report(audit=seeded.audit, build_date=TODAY)
    assert hits == []
    assert f"127.0.0.1:{port}/x.css" in flat(pdf_text(pdf))
