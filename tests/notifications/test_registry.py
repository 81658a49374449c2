"""The reminder registry: an app adds a reminder by registering a rule; notifications runs it once per
recipient, withholds it when it would carry a register term, lists its late items in the digest and
shows its kind and lead time, without knowing the app."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from cases.registers import terms_by_case
from notifications import guard, registry
from notifications.models import Notification
from notifications.reminders import kind_labels, run_daily
from notifications.services import notification_queue
from tests.helpers import login

from .conftest import D, day, recipients

pytestmark = pytest.mark.django_db


class _TestReminders(registry.ReminderRule):
    """A rule as an app would write it: chases the standing cast's case from three days before D."""

    kinds = [("test_chase", "Test chase")]
    lead_times = [("REMINDER_RETURN_DAYS_BEFORE", "A lead time the test rule reads")]
    case = None
    subject = "Reminder: Case One needs you on {due}"

    def due(self, run):
        for stage in registry.stages(due=D, today=run.today, days_before=3, escalate_after=2):
            yield registry.Reminder(
                key=f"test:{self.case.pk}:{stage}:{D.isoformat()}",
                kind="test_chase",
                subject=self.subject.format(due=registry.format_date(D)),
                template="cases/email/return_reminder",
                context={"pseudonym": self.case.pseudonym, "link": "https://audit.example.org/x/"},
                # Named twice, in two cases: one copy. The Business Manager on escalation.
                recipients=[
                    registry.Recipient("someone@agency.example"),
                    registry.Recipient("SOMEONE@agency.example"),
                ]
                + (run.managers if stage == "escalation" else []),
                about=self.case,
                withhold=terms_by_case({self.case.pk})[self.case.pk],
            )

    def late(self, *, today):
        items = [registry.LateItem("Case One", ": chased by the test rule", "https://audit.example.org/x/")]
        yield registry.LateSection(heading="Test items late", items=items if today > D else [])


@pytest.fixture
def test_rule(quiet_cast):
    before = registry.rules()
    rule = registry.register(_TestReminders())
    rule.case = quiet_cast.case
    yield rule
    registry._rules[:] = before


def test_a_registered_rule_is_run_once_per_recipient_and_day(test_rule, run_on, quiet_cast):
    assert run_on(day(-4)) == []
    sent = run_on(day(-3))
    assert recipients(sent) == ["someone@agency.example"]
    assert sent[0].subject == "Reminder: Case One needs you on 15 March 2027"
    assert run_on(day(-2)) == []  # the window: not again
    assert recipients(run_on(day(1))) == ["someone@agency.example"]  # overdue
    # Escalation: a new stage, to the agency and the Business Manager; "overdue" is not sent again.
    assert recipients(run_on(day(2))) == [quiet_cast.bm.email, "someone@agency.example"]
    assert Notification.objects.filter(kind="test_chase").count() == 4


def test_registering_the_same_rule_again_does_not_run_it_twice(test_rule, run_on):
    registry.register(_TestReminders()).case = test_rule.case
    assert len(run_on(day(-3))) == 1


def test_a_rule_that_would_carry_a_register_term_is_withheld(test_rule, run_on, quiet_cast):
    test_rule.subject = "Reminder: Zephyrine Quillfeather is due on {due}"
    sent = run_on(day(-3))
    assert recipients(sent) == [quiet_cast.bm.email]
    assert "Withheld by the leak guard" in sent[0].subject
    assert "Zephyrine" not in sent[0].subject + sent[0].body
    assert Notification.objects.get(kind="test_chase").status == Notification.Status.WITHHELD


def test_the_digest_lists_a_rules_late_items(test_rule, run_on, settings):
    settings.REMINDER_DIGEST_WEEKDAY = day(1).weekday()
    digest = [m for m in run_on(day(1)) if m.subject.startswith("Weekly digest")]
    assert len(digest) == 1
    assert (
        "Test items late (1):\n- Case One: chased by the test rule. https://audit.example.org/x/"
        in digest[0].body
    )
    html = digest[0].alternatives[0][0]
    assert '<a href="https://audit.example.org/x/">Case One</a>: chased by the test rule' in html


def test_the_log_and_settings_pages_show_a_rules_kind_and_lead_time(test_rule, client, quiet_cast):
    assert kind_labels()["test_chase"] == "Test chase"
    login(client, quiet_cast.bm)
    page = client.get(reverse("notifications:settings")).content.decode()
    assert "A lead time the test rule reads" in page
    assert run_daily(today=day(-3)) == {"test_chase": 1}
    page = client.get(reverse("notifications:log")).content.decode()
    assert "Test chase" in page


def test_without_the_leak_check_a_message_with_terms_is_refused_not_sent(quiet_cast, monkeypatch):
    monkeypatch.setattr(guard, "_installed", [])
    with pytest.raises(ImproperlyConfigured):
        notification_queue(
            key="refused",
            kind="test_chase",
            to="someone@agency.example",
            subject="Anything",
            template="cases/email/return_reminder",
            context={},
            withhold=["Zephyrine Quillfeather"],
        )
    assert not Notification.objects.filter(key="refused").exists()
