"""Every form of the app, sent empty: the page answers with the GOV.UK error summary at the top, one
link to each field in error, and specific messages, never Django's generic "This field is required.".

The forms are found the way a person finds them: every page the URL resolver knows (tests/authz: its
rules say who may open each page and how to fill its URL), opened as each role, and every POST form
on it with something to fill in. Each is sent as a browser sends it when nothing is filled in
(hidden inputs kept, the first button pressed). A form that accepts that (nothing in it is required)
is fine; one that refuses it must say why the GOV.UK way.
"""

from urllib.parse import urljoin

import pytest
from django.urls import reverse

from tests.authz.test_matrix import KWARGS, RULES, URLS, _rule_modules
from tests.helpers import login
from tests.htmltree import empty_submission, parse, user_fields

GENERIC = "This field is required."
# Markup of errors drawn outside the Design System (Bootstrap, Django's default error list).
NOT_GOVUK_ERRORS = ("is-invalid", "invalid-feedback", 'class="errorlist')


@pytest.fixture
def full_cast(cast):
    for module in _rule_modules():
        if hasattr(module, "extend_cast"):
            module.extend_cast(cast)
    return cast


def _pages(persona, cast, client):
    for name in sorted(URLS):
        rule = RULES[name]
        if rule.get is None or persona not in rule.get:
            continue
        kwargs = {kw: (rule.kwargs.get(kw) or KWARGS[kw])(cast) for kw in URLS[name]}
        path = reverse(name, kwargs=kwargs)
        response = client.get(path)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            yield name, path, response.content.decode()


def _problems_with_errors(html):
    """What is wrong with how a refused form shows its errors (empty list: nothing)."""
    problems = []
    if GENERIC in html:
        problems.append(f'the generic "{GENERIC}" is shown')
    problems += [f"errors drawn outside the Design System ({m})" for m in NOT_GOVUK_ERRORS if m in html]
    tree = parse(html)
    groups = tree.find_all(cls="govuk-form-group--error")
    summary = tree.find(cls="govuk-error-summary")
    if summary is None:
        problems.append("no error summary")
        return problems
    links = {a.get("href", "") for a in summary.find_all("a")}
    if not links:
        problems.append("the error summary links to nothing")
    for group in groups:
        controls = [
            el
            for el in group.find_all(("input", "select", "textarea"))
            if el.get("type", "text") != "hidden" and el.get("id")
        ]
        if controls and f"#{controls[0].get('id')}" not in links:
            label = group.find(("label", "legend"))
            problems.append(
                f"the field '{label.text() if label else controls[0].get('id')}' is in error but the summary "
                f"does not link to #{controls[0].get('id')}"
            )
    return problems


def _has_errors(html):
    return any(
        marker in html
        for marker in (
            "govuk-form-group--error",
            "govuk-error-summary",
            "govuk-error-message",
            *NOT_GOVUK_ERRORS,
        )
    )


@pytest.mark.parametrize("persona", ["anon", "bm", "panel", "contributor", "board", "admin"])
def test_every_form_sent_empty_shows_the_govuk_error_summary(persona, full_cast, client):
    if persona != "anon":
        login(client, getattr(full_cast, persona))
    seen, checked, failures = set(), 0, []
    for name, path, html in list(_pages(persona, full_cast, client)):
        for form in parse(html).find_all("form"):
            if form.get("method", "get").lower() != "post" or not user_fields(form):
                continue
            action = urljoin(path, form.get("action") or path)
            key = (action.split("?")[0], tuple(sorted({f.get("name") for f in user_fields(form)})))
            if key in seen:
                continue
            seen.add(key)
            response = client.post(action, empty_submission(form))
            where = f"{persona}: {name} ({path}) form to {action}"
            if response.status_code >= 500:
                failures.append(f"{where}: server error {response.status_code}")
                continue
            if response.status_code in (403, 404, 405):
                failures.append(f"{where}: a form on the page is refused ({response.status_code})")
                continue
            if response.status_code in (301, 302, 303):
                continue  # nothing required: accepted
            body = response.content.decode()
            if not _has_errors(body):
                continue
            checked += 1
            failures += [f"{where}: {p}" for p in _problems_with_errors(body)]
    assert persona == "board" or checked, f"no form of {persona}'s pages refused an empty submission"
    assert not failures, f"{len(failures)} problems:\n" + "\n".join(failures)
