"""The reminder registry: each app owns its reminder rules and registers them here.

notifications knows how to send a reminder once (the key), how to withhold one that would carry a
register term (the leak guard), when the daily job and the weekly digest run, and nothing about
returns, meetings, actions or recommendations. An app that has something to chase writes a
``ReminderRule`` in its own ``reminders.py`` (the query, the recipients, the wording and the e-mail
template) and registers it from its ``AppConfig.ready()``::

    class ReturnsConfig(AppConfig):
        def ready(self):
            from notifications.registry import register
            from .reminders import ReturnReminders
            register(ReturnReminders())

The daily job (notifications.reminders.run_daily) then asks every rule, in registration order, what
is due and queues each reminder once per recipient; the weekly digest asks every rule what is late.
See docs/reminders.md.
"""

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.utils import dateformat


@dataclass(frozen=True)
class Recipient:
    """Who gets one copy. `context`: what only this copy says (a manager's link, say)."""

    email: str
    user: object = None
    context: Mapping = field(default_factory=dict)


@dataclass
class Reminder:
    """One reminder, owed today. `key` names the object, the stage and the date it refers to
    ("return:42:due_soon:2026-12-01"); each recipient's address is appended, so each copy is claimed
    once. `withhold`: the register entries (core.terms.Term) the e-mail must never carry."""

    key: str
    kind: str
    subject: str
    template: str
    context: Mapping
    recipients: Sequence[Recipient]
    about: object = None
    withhold: Sequence = ()
    reply_to: str = ""
    attachments: Sequence = ()


@dataclass(frozen=True)
class LateItem:
    """One line of the weekly digest: `label` is linked, `detail` follows it."""

    label: str
    detail: str
    link: str


@dataclass
class LateSection:
    """One heading of the weekly digest and what is late under it."""

    heading: str
    items: Sequence[LateItem]
    withhold: Sequence = ()


class ReminderRule:
    """What one app chases. Subclass it in the app's reminders.py and register an instance.

    - `kinds`: [(kind, label)] of the reminders it sends (the log's filter and labels);
    - `lead_times`: [(setting name, what it decides)] shown on the reminder settings page;
    - `due(run)`: the reminders owed on `run.today` (each is then sent once, however often the job
      runs; a day the job missed is caught up if the rule answers with windows, see `stages`);
    - `late(today=...)`: the digest's sections: what is late on `today`.
    """

    kinds: Sequence[tuple[str, str]] = ()
    lead_times: Sequence[tuple[str, str]] = ()

    def due(self, run) -> Iterable[Reminder]:
        return ()

    def late(self, *, today) -> Iterable[LateSection]:
        return ()


_rules: list[ReminderRule] = []


def register(rule):
    """Register a rule (once per class: registering the same kind of rule again replaces it, so a
    ready() that runs twice does not send everything twice)."""
    _rules[:] = [r for r in _rules if type(r) is not type(rule)]
    _rules.append(rule)
    return rule


def rules():
    return list(_rules)


def kind_labels():
    """{kind: label} of every registered rule's reminders."""
    return {kind: label for rule in _rules for kind, label in rule.kinds}


def lead_times():
    return [entry for rule in _rules for entry in rule.lead_times]


# --- Helpers for the rules -----------------------------------------------------------------------


def format_date(value):
    """A date as the reminders print it: 15 March 2027."""
    return dateformat.format(value, "j F Y")


def stages(*, due, today, days_before, escalate_after=None, on_the_day=False):
    """Which reminders an item due on `due` is owed today, as windows rather than single days (a day
    the job did not run is caught up, never lost; the key makes each go once):
    "due_soon" from `days_before` days before until the day before (or the day itself when not
    `on_the_day`), "due_today" on the day when `on_the_day`, "overdue" any day after, and
    "escalation" from `escalate_after` days after (never when None)."""
    if today < due or (today == due and not on_the_day):
        return ["due_soon"] if today >= due - datetime.timedelta(days=days_before) else []
    if today == due:
        return ["due_today"]
    found = ["overdue"]
    if escalate_after is not None and today >= due + datetime.timedelta(days=escalate_after):
        found.append("escalation")
    return found
