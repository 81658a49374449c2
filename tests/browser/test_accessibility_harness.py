"""The accessibility check must be able to fail: a clean report means axe ran and found nothing.

These pages are built in the browser (no server data), so they prove the harness, not the app.
"""

import pytest

from .journey import axe_violations


def test_axe_reports_serious_violations_and_the_step_fails(page, journey):
    page.set_content(
        '<html lang="en-GB"><head><title>Bad page</title></head><body><main>'
        '<h1>Bad page</h1><img src="data:,">'
        '<p style="color:#bbb;background:#fff">Pale grey text that fails contrast</p>'
        '<input type="text"></main></body></html>'
    )
    found = {v["id"]: v["impact"] for v in axe_violations(page)}
    assert found["image-alt"] == "critical"
    assert found["color-contrast"] == "serious"
    assert "label" in found
    with pytest.raises(AssertionError, match="image-alt"):
        journey.step("a page with an unlabelled image")


def test_a_clean_page_passes(page, journey):
    page.set_content(
        '<html lang="en-GB"><head><title>Good page</title></head><body><main>'
        '<h1>Good page</h1><label for="q">Search</label><input id="q" type="text"></main></body></html>'
    )
    assert axe_violations(page) == []
    journey.step("a clean page")


def test_a_javascript_error_fails_the_step(page, journey):
    page.set_content(
        '<html lang="en-GB"><head><title>x</title></head><body><main><h1>x</h1></main></body></html>'
    )
    page.evaluate("() => setTimeout(() => { throw new Error('boom in the page'); }, 0)")
    page.wait_for_timeout(50)
    with pytest.raises(AssertionError, match="boom in the page"):
        journey.step("a page that throws")


STRICT_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; object-src 'none'"


def _serve_with_strict_csp(page, live_server, body):
    url = f"{live_server.url}/harness-with-csp/"
    page.route(
        url,
        lambda route: route.fulfill(
            status=200, content_type="text/html", headers={"Content-Security-Policy": STRICT_CSP}, body=body
        ),
    )
    page.goto(url)


def test_axe_runs_under_a_strict_content_security_policy(page, journey, live_server):
    _serve_with_strict_csp(
        page,
        live_server,
        '<html lang="en-GB"><head><title>CSP</title></head><body><main><h1>CSP</h1><img src="/x.png"></main></body></html>',
    )
    assert "image-alt" in {v["id"] for v in axe_violations(page)}


def test_a_csp_violation_fails_the_step(page, journey, live_server):
    _serve_with_strict_csp(
        page,
        live_server,
        '<html lang="en-GB"><head><title>CSP</title></head><body><main><h1>CSP</h1>'
        "<script>document.title = 'inline';</script></main></body></html>",
    )
    with pytest.raises(AssertionError, match="CSP violation"):
        journey.step("a page with an inline script")
