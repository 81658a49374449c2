"""Response headers: CSP without inline script, clickjacking, sniffing, referrer, caching."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.helpers import login

pytestmark = pytest.mark.django_db


def directives(response):
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_login_page_sends_the_security_headers(client):
    response = client.get(reverse("login"))
    csp = directives(response)
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_pages_with_case_data_are_never_stored(client, cast):
    login(client, cast.bm)
    response = client.get(reverse("cases:case_detail", kwargs={"case_pk": cast.case.pk}))
    assert "no-store" in response["Cache-Control"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


class InlineFinder(HTMLParser):
    """Collects what a strict CSP would block: inline scripts, style attributes and elements,
    event-handler attributes and javascript: URLs."""

    def __init__(self):
        super().__init__()
        self.blocked = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and not attrs.get("src"):
            self.blocked.append("inline <script>")
        if tag == "style":
            self.blocked.append("<style> element")
        for name, value in attrs.items():
            if name == "style":
                self.blocked.append(f"style attribute on <{tag}>")
            if name.startswith("on"):
                self.blocked.append(f"{name} on <{tag}>")
            if value and str(value).strip().lower().startswith("javascript:"):
                self.blocked.append(f"javascript: URL on <{tag}>")


def blocked_by_csp(html):
    finder = InlineFinder()
    finder.feed(html)
    return finder.blocked


@pytest.mark.parametrize(
    "url_name,kwargs",
    [
        ("cases:audit_list", {}),
        ("cases:audit_detail", {"audit_pk": "audit"}),
        ("cases:case_detail", {"case_pk": "case"}),
        ("cases:case_edit", {"case_pk": "case"}),
        ("cases:audit_create", {}),
        ("two_factor", {}),
        ("accesslog:search", {}),
        ("history:retention", {}),
    ],
)
def test_pages_work_under_the_csp(client, cast, url_name, kwargs):
    login(client, cast.bm)
    kwargs = {k: getattr(cast, v).pk for k, v in kwargs.items()}
    response = client.get(reverse(url_name, kwargs=kwargs))
    assert response.status_code == 200
    assert blocked_by_csp(response.content.decode()) == []


def test_public_and_enrolment_pages_work_under_the_csp(client, cast):
    from accounts.two_factor import ENROLMENT_GRANTED_SESSION_KEY
    from tests.helpers import login_password_only

    for url in (reverse("login"), reverse("password_reset")):
        assert blocked_by_csp(client.get(url).content.decode()) == []
    login_password_only(client, cast.bm)
    assert blocked_by_csp(client.get(reverse("otp_setup")).content.decode()) == []
    session = client.session
    session[ENROLMENT_GRANTED_SESSION_KEY] = cast.bm.pk  # as the e-mailed link does
    session.save()
    html = client.get(reverse("otp_setup")).content.decode()
    assert "<svg" in html
    assert blocked_by_csp(html) == []


def test_htmx_is_told_not_to_inject_its_indicator_style(client):
    html = client.get(reverse("login")).content.decode()
    assert '<meta name="htmx-config" content=\'{"includeIndicatorStyles":false}\'>' in html
