"""Recommendations' reminders (registered with notifications in RecommendationsConfig.ready).

Each owner agency's contributors from REMINDER_RECOMMENDATION_DAYS_BEFORE days before the deadline (a
date or a Board meeting) and once overdue; the Business Manager(s)
REMINDER_RECOMMENDATION_ESCALATE_AFTER_DAYS days after. Assured recommendations and closed audits are
not chased. A recommendation belongs to an audit, not a case: every register of the audit is withheld.
"""

import datetime

from django.conf import settings
from django.db.models import Q

from cases.models import Audit
from cases.registers import terms_by_audit
from cases.reminders import agency_recipients, contributors_by_agency
from core.links import absolute_url
from notifications.registry import LateItem, LateSection, Reminder, ReminderRule, format_date, stages

from .models import Recommendation

OPEN_RECOMMENDATION = (Recommendation.Status.OPEN, Recommendation.Status.IN_PROGRESS)


def recommendation_link(recommendation):
    return absolute_url("recommendations:recommendation_detail", recommendation_pk=recommendation.pk)


def _open_due_by(deadline_lookup, limit):
    return (
        Recommendation.objects.filter(status__in=OPEN_RECOMMENDATION)
        .filter(
            Q(**{f"deadline_date__{deadline_lookup}": limit})
            | Q(**{f"deadline_meeting__date__{deadline_lookup}": limit})
        )
        .exclude(audit__status=Audit.Status.CLOSED)
        .select_related("audit", "deadline_meeting")
        .prefetch_related("owners")
        .order_by("pk")
    )


class RecommendationReminders(ReminderRule):
    kinds = [
        ("recommendation_due_soon", "Recommendation due soon"),
        ("recommendation_overdue", "Recommendation overdue"),
        ("recommendation_escalation", "Recommendation overdue: escalation"),
    ]
    lead_times = [
        (
            "REMINDER_RECOMMENDATION_DAYS_BEFORE",
            "Recommendations: days before the deadline of the first reminder",
        ),
        (
            "REMINDER_RECOMMENDATION_ESCALATE_AFTER_DAYS",
            "Recommendations: days overdue before the escalation",
        ),
    ]

    def due(self, run):
        today = run.today
        before = settings.REMINDER_RECOMMENDATION_DAYS_BEFORE
        recommendations = list(_open_due_by("lte", today + datetime.timedelta(days=before)))
        if not recommendations:
            return
        contributors = contributors_by_agency({a.pk for r in recommendations for a in r.owners.all()})
        terms = terms_by_audit({r.audit_id for r in recommendations})
        for rec in recommendations:
            deadline = rec.deadline
            owners = list(rec.owners.all())
            context = {
                "letter": rec.letter,
                "audit_title": rec.audit.title,
                "owner_names": ", ".join(a.name for a in owners),
                "due_date": format_date(deadline),
                "board_meeting": rec.deadline_meeting.title if rec.deadline_meeting_id else "",
                "days_overdue": (today - deadline).days,
                "status": rec.get_status_display(),
                "link": recommendation_link(rec),
            }
            label = f"Recommendation ({rec.letter}) of {rec.audit.title}"
            for stage in stages(
                due=deadline,
                today=today,
                days_before=before,
                escalate_after=settings.REMINDER_RECOMMENDATION_ESCALATE_AFTER_DAYS,
            ):
                if stage == "escalation":
                    recipients = run.managers
                    subject = f"Escalation: {label} is {context['days_overdue']} days overdue"
                else:
                    recipients = [r for agency in owners for r in agency_recipients(agency, contributors)]
                    subject = {
                        "due_soon": f"Reminder: {label} is due on {context['due_date']}",
                        "overdue": f"Overdue: {label} was due on {context['due_date']}",
                    }[stage]
                yield Reminder(
                    key=f"recommendation:{rec.pk}:{stage}:{deadline.isoformat()}",
                    kind=f"recommendation_{stage}",
                    subject=subject,
                    template="recommendations/email/recommendation_reminder",
                    context=context,
                    recipients=recipients,
                    about=rec,
                    withhold=terms[rec.audit_id],
                )

    def late(self, *, today):
        recommendations = list(_open_due_by("lt", today))
        terms = terms_by_audit({r.audit_id for r in recommendations}) if recommendations else {}
        yield LateSection(
            heading="Recommendations overdue",
            items=[
                LateItem(
                    label=f"({r.letter}) {r.audit.title}",
                    detail=(
                        f": {', '.join(a.name for a in r.owners.all())}, due {format_date(r.deadline)}, "
                        f"{(today - r.deadline).days} days overdue"
                    ),
                    link=recommendation_link(r),
                )
                for r in recommendations
            ],
            withhold=[t for audit_terms in terms.values() for t in audit_terms],
        )
