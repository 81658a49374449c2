"""The demo spans several years and audits, so the library, themes chart and tracker show something."""

import pytest
from django.core.management import call_command

from learning.selectors import recurring_themes, themes_most_overdue

pytestmark = pytest.mark.django_db


def test_demo_learning_spans_several_years_and_is_idempotent(settings):
    settings.DEBUG = True
    call_command("load_demo")
    data = recurring_themes()
    assert len(data["years"]) >= 4
    assert len(data["rows"]) >= 8
    assert themes_most_overdue()
    from cases.models import Audit

    count = Audit.objects.count()
    call_command("load_demo")
    assert Audit.objects.count() == count
