"""The authorisation matrix: every URL of the project, from the resolver, for every persona.

A URL with no rule fails `test_every_url_has_a_rule`, so a new view cannot ship without one.
Denied personas must get 403 or 404 (never data) for GET and POST alike; anonymous users are sent to
the login page unless the rule says the page is public.
"""

import importlib
import pkgutil

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import PERSONAS
from tests.helpers import login

from . import __path__ as authz_path

EXCLUDED_NAMESPACES = {"admin"}


def _rule_modules():
    return [
        importlib.import_module(f"tests.authz.{m.name}")
        for m in pkgutil.iter_modules(authz_path)
        if m.name.startswith("rules_")
    ]


def _merged(attr):
    merged = {}
    for module in _rule_modules():
        merged.update(getattr(module, attr, {}))
    return merged


RULES = _merged("RULES")
KWARGS = _merged("KWARGS")


def _walk(patterns, namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or namespace
            if ns in EXCLUDED_NAMESPACES:
                continue
            yield from _walk(p.url_patterns, ns)
        elif isinstance(p, URLPattern) and p.name:
            name = f"{namespace}:{p.name}" if namespace else p.name
            yield name, list(p.pattern.regex.groupindex)


URLS = dict(_walk(get_resolver().url_patterns))


def test_every_url_has_a_rule():
    missing = sorted(set(URLS) - set(RULES))
    stale = sorted(set(RULES) - set(URLS))
    assert not missing, f"URLs without an authorisation rule: {missing}"
    assert not stale, f"Rules for URLs that no longer exist: {stale}"


def test_every_url_keyword_resolves():
    needed = {kw for kws in URLS.values() for kw in kws}
    assert not needed - set(KWARGS), f"No KWARGS entry for: {sorted(needed - set(KWARGS))}"


@pytest.fixture
def full_cast(cast):
    for module in _rule_modules():
        if hasattr(module, "extend_cast"):
            module.extend_cast(cast)
    return cast


def _is_login_redirect(response):
    return response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("url_name", sorted(URLS))
def test_authorisation_matrix(url_name, full_cast, client):
    rule = RULES[url_name]
    kwargs = {
        kw: (rule.kwargs[kw](full_cast) if kw in rule.kwargs else KWARGS[kw](full_cast))
        for kw in URLS[url_name]
    }
    url = reverse(url_name, kwargs=kwargs)
    failures = []
    for persona in PERSONAS:
        client.logout()
        if persona != "anon":
            login(client, getattr(full_cast, persona))
        allowed_get = rule.get is not None and persona in rule.get
        # GET
        response = client.get(url)
        if allowed_get:
            expected = rule.get_status if isinstance(rule.get_status, tuple) else (rule.get_status,)
            if response.status_code not in expected:
                failures.append(f"{persona} GET -> {response.status_code}, expected {expected}")
        elif rule.get is None and persona in rule.post_allowed:
            if response.status_code != 405:
                failures.append(f"{persona} GET of a POST-only view -> {response.status_code}, expected 405")
        elif persona == "anon" and not rule.public:
            if not _is_login_redirect(response):
                failures.append(f"anon GET -> {response.status_code}, expected login redirect")
        elif response.status_code not in (403, 404, 405):
            failures.append(f"{persona} GET -> {response.status_code}, expected 403/404")
        # POST by personas who may not write
        if persona not in rule.post_allowed:
            response = client.post(url, {})
            if persona == "anon" and not rule.public:
                if not _is_login_redirect(response):
                    failures.append(f"anon POST -> {response.status_code}, expected login redirect")
            elif response.status_code not in (403, 404, 405):
                failures.append(f"{persona} POST -> {response.status_code}, expected 403/404/405")
    assert not failures, f"{url_name} ({url}):\n" + "\n".join(failures)
