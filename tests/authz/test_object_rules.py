"""The object rules of the permission table (accounts.permissions.can_*) against what each persona
actually gets from the page that rule guards: for every persona the predicate's answer and the HTTP
outcome must agree, so a rule cannot drift from the behaviour it describes (as `can_publish` once
did: see tests/reports/test_publish_rule.py)."""

import pytest
from django.urls import reverse

from accounts import permissions as perms
from tests.conftest import PERSONAS
from tests.helpers import login

pytestmark = pytest.mark.django_db

# rule, the object it is asked about, the page it guards (GET), that page's keyword arguments
CHECKS = [
    (perms.can_read_case, lambda c: c.case, "cases:case_detail", lambda c: {"case_pk": c.case.pk}),
    (perms.can_review_case, lambda c: c.case, "reviews:case_review", lambda c: {"case_pk": c.case.pk}),
    (perms.can_review_case, lambda c: c.case, "reviews:findings", lambda c: {"case_pk": c.case.pk}),
    (
        perms.can_work_on_return,
        lambda c: c.agency_return,
        "cases:return_import",
        lambda c: {"return_pk": c.agency_return.pk},
    ),
    (
        perms.can_edit_return,
        lambda c: c.agency_return,
        "cases:return_edit",
        lambda c: {"return_pk": c.agency_return.pk},
    ),
    (perms.can_raise_concern, lambda c: c.case, "reviews:concern_raise", lambda c: {"case_pk": c.case.pk}),
    (perms.can_manage_audit, lambda c: c.audit, "cases:audit_edit", lambda c: {"audit_pk": c.audit.pk}),
]


@pytest.mark.parametrize(
    "rule, obj, url_name, kwargs", CHECKS, ids=[f"{rule.__name__}-{url}" for rule, _, url, _ in CHECKS]
)
def test_the_object_rule_agrees_with_the_page(rule, obj, url_name, kwargs, cast, client):
    url = reverse(url_name, kwargs=kwargs(cast))
    disagreements = []
    for persona in PERSONAS:
        if persona == "anon":
            continue
        user = getattr(cast, persona)
        client.logout()
        login(client, user)
        status = client.get(url).status_code
        allowed = rule(user, obj(cast))
        if allowed != (status == 200):
            disagreements.append(f"{persona}: {rule.__name__} says {allowed}, {url_name} answered {status}")
    assert not disagreements, "\n".join(disagreements)


def test_every_role_rule_names_existing_roles_and_says_what_it_covers():
    from accounts.models import Role

    for name, (roles, doc) in perms.ROLE_RULES.items():
        assert roles and set(roles) <= set(Role.values), name
        assert len(doc) > 20, name


def test_the_may_filter_reads_the_table(cast):
    from django.template import Context, Template

    template = Template('{% if user|may:"manage_audits" %}yes{% else %}no{% endif %}')
    assert template.render(Context({"user": cast.bm})) == "yes"
    assert template.render(Context({"user": cast.panel})) == "no"
    with pytest.raises(KeyError):
        Template('{{ user|may:"no_such_rule" }}').render(Context({"user": cast.bm}))
