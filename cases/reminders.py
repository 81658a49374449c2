"""Agency returns' reminders (registered with notifications in CasesConfig.ready), and who at an
agency is reminded (used by the reviews and recommendations rules too).

A return is chased from REMINDER_RETURN_DAYS_BEFORE days before its due date (the agency's
contributors), on the day, once overdue, and escalated to the Business Manager(s) and the agency's
senior manager REMINDER_RETURN_ESCALATE_AFTER_DAYS days after. Submitted returns and closed audits are
not chased. E-mails name the case by pseudonym only.
"""

import datetime
from collections import defaultdict

from django.conf import settings

from accounts.models import Role, User
from core.links import absolute_url
from notifications.registry import (
    LateItem,
    LateSection,
    Recipient,
    Reminder,
    ReminderRule,
    format_date,
    stages,
)

from .models import AgencyReturn, Audit
from .registers import terms_by_case


def contributors_by_agency(agency_ids):
    """{agency id: [active contributors]} in one query."""
    found = defaultdict(list)
    users = User.objects.filter(role=Role.AGENCY_CONTRIBUTOR, is_active=True, agency_id__in=agency_ids)
    for user in users.order_by("email"):
        found[user.agency_id].append(user)
    return found


def agency_recipients(agency, contributors, **context):
    """The agency's contributors; if it has none who can log in, its senior manager, so that the
    reminder is not lost. `context`: what their copies say beyond the reminder's own."""
    users = contributors.get(agency.pk)
    if users:
        return [Recipient(u.email, u, context) for u in users]
    return [Recipient(agency.senior_manager_email, None, context)]


def return_link(agency_return):
    # The return page serves both: the agency completes it there, the Business Manager reviews it.
    return absolute_url("cases:return_detail", return_pk=agency_return.pk)


def _open_returns():
    return (
        AgencyReturn.objects.filter(status__in=AgencyReturn.OPEN_STATUSES)
        .exclude(case__audit__status=Audit.Status.CLOSED)
        .select_related("case__audit", "agency")
        .order_by("due_date", "pk")
    )


class ReturnReminders(ReminderRule):
    kinds = [
        ("return_due_soon", "Return due soon"),
        ("return_due_today", "Return due today"),
        ("return_overdue", "Return overdue"),
        ("return_escalation", "Return overdue: escalation"),
    ]
    lead_times = [
        ("REMINDER_RETURN_DAYS_BEFORE", "Agency returns: days before the due date of the first reminder"),
        ("REMINDER_RETURN_ESCALATE_AFTER_DAYS", "Agency returns: days overdue before the escalation"),
    ]

    def due(self, run):
        today = run.today
        before = settings.REMINDER_RETURN_DAYS_BEFORE
        returns = list(_open_returns().filter(due_date__lte=today + datetime.timedelta(days=before)))
        if not returns:
            return
        contributors = contributors_by_agency({r.agency_id for r in returns})
        terms = terms_by_case({r.case_id for r in returns})
        for r in returns:
            context = {
                "pseudonym": r.case.pseudonym,
                "audit_title": r.case.audit.title,
                "agency_name": r.agency.name,
                "template_name": r.get_template_display(),
                "due_date": format_date(r.due_date),
                "days_overdue": (today - r.due_date).days,
                "status": r.get_status_display(),
                "link": return_link(r),
            }
            for stage in stages(
                due=r.due_date,
                today=today,
                days_before=before,
                escalate_after=settings.REMINDER_RETURN_ESCALATE_AFTER_DAYS,
                on_the_day=True,
            ):
                if stage == "escalation":
                    recipients = [*run.managers, Recipient(r.agency.senior_manager_email)]
                    subject = (
                        f"Escalation: {r.agency.name} return for {r.case.pseudonym} is "
                        f"{context['days_overdue']} days overdue"
                    )
                else:
                    recipients = agency_recipients(r.agency, contributors)
                    subject = {
                        "due_soon": f"Reminder: your return for {r.case.pseudonym} is due on {context['due_date']}",
                        "due_today": f"Due today: your return for {r.case.pseudonym}",
                        "overdue": f"Overdue: your return for {r.case.pseudonym} was due on {context['due_date']}",
                    }[stage]
                yield Reminder(
                    key=f"return:{r.pk}:{stage}:{r.due_date.isoformat()}",
                    kind=f"return_{stage}",
                    subject=subject,
                    template="cases/email/return_reminder",
                    context=context,
                    recipients=recipients,
                    about=r,
                    withhold=terms[r.case_id],
                )

    def late(self, *, today):
        returns = list(_open_returns().filter(due_date__lt=today))
        terms = terms_by_case({r.case_id for r in returns}) if returns else {}
        yield LateSection(
            heading="Agency returns overdue",
            items=[
                LateItem(
                    label=r.case.pseudonym,
                    detail=(
                        f" ({r.case.audit.title}): {r.agency.name}, due {format_date(r.due_date)}, "
                        f"{(today - r.due_date).days} days overdue"
                    ),
                    link=return_link(r),
                )
                for r in returns
            ],
            withhold=[t for case_terms in terms.values() for t in case_terms],
        )
