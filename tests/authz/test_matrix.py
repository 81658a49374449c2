"""The authorisation matrix: every URL of the project, from the resolver, for every persona.

A URL with no rule fails `test_every_url_has_a_rule`, so a new view cannot ship without one.
Denied personas must get 403 or 404 (never data) for GET and POST alike; anonymous users are sent to
the login page unless the rule says the page is public.

The matrix also reads the permission table (accounts.permissions): every view names its role rule
(`@permission_required("name")`), and for every persona the table's answer must agree with what the
persona actually got: a persona the matrix lets in must be allowed by the table, and a persona the
table refuses must get 403 (not a page, not a 404 that would hide a missing role check).
"""

import importlib
import pkgutil

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from accounts.permissions import ROLE_RULES, allows
from tests.conftest import PERSONAS
from tests.helpers import login

from . import __path__ as authz_path

EXCLUDED_NAMESPACES = {"admin"}

# Pages reached before a role applies (logging in, the second factor, the invitation link, which
# carries its own token): no role rule, each says why.
NO_ROLE_RULE = {
    "login": "the log-in page",
    "logout": "logging out",
    "home": "sends any logged-in user to their role's home",
    "otp_verify": "the second factor, before the role's pages",
    "otp_setup": "enrolling the second factor, before the role's pages",
    "otp_enrol": "enrolling by e-mailed link",
    "two_factor": "the user's own second factor",
    "backup_codes_renew": "the user's own backup codes",
}


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


def _view(url_name):
    kwargs = dict.fromkeys(URLS[url_name], 1)
    try:
        return resolve(reverse(url_name, kwargs=kwargs)).func
    except Exception:  # a keyword with a converter other than int
        return None


def test_every_view_names_a_role_rule_of_the_table():
    unnamed, unknown = [], []
    for url_name in sorted(URLS):
        rule = RULES.get(url_name)
        view = _view(url_name)
        name = getattr(view, "permission", None)
        if name is None:
            if url_name not in NO_ROLE_RULE and not (rule and rule.public):
                unnamed.append(url_name)
        elif name not in ROLE_RULES:
            unknown.append(f"{url_name}: {name}")
    assert not unnamed, f"Views without @permission_required: {unnamed}"
    assert not unknown, f"Views naming a rule the table lacks: {unknown}"


def extend_for_every_page(cast):
    """Add to the standing cast every object the matrix's pages need (each rules_*.py's extend_cast);
    the `full_cast` fixture (tests/conftest.py) is the cast after this."""
    for module in _rule_modules():
        if hasattr(module, "extend_cast"):
            module.extend_cast(cast)
    return cast


def matrix_url(url_name, cast):
    """The URL of `url_name` with the matrix's keyword arguments for `cast` (objects in scope of the
    personas the rule allows)."""
    rule = RULES[url_name]
    kwargs = {kw: (rule.kwargs.get(kw) or KWARGS[kw])(cast) for kw in URLS[url_name]}
    return reverse(url_name, kwargs=kwargs)


def _is_login_redirect(response):
    return response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("url_name", sorted(URLS))
def test_authorisation_matrix(url_name, full_cast, client):
    rule = RULES[url_name]
    url = matrix_url(url_name, full_cast)
    table_rule = getattr(resolve(url).func, "permission", None)
    failures = []
    for persona in PERSONAS:
        client.logout()
        if persona != "anon":
            login(client, getattr(full_cast, persona))
        allowed_get = rule.get is not None and persona in rule.get
        table_allows = (
            persona != "anon" and table_rule is not None and allows(getattr(full_cast, persona), table_rule)
        )
        let_in = persona in (rule.get or set()) | rule.post_allowed
        if table_rule and persona != "anon" and let_in and not table_allows:
            failures.append(f"{persona} is let in, but the table's rule {table_rule!r} refuses them")
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
            elif table_rule and persona != "anon" and not table_allows and response.status_code != 403:
                failures.append(
                    f"{persona} POST -> {response.status_code}, but the table's rule {table_rule!r} "
                    "refuses them: expected 403"
                )
    assert not failures, f"{url_name} ({url}):\n" + "\n".join(failures)
