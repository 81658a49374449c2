"""Services for immediate safeguarding concerns: raise, acknowledge, resolve, escalate.

A concern found during an audit goes back to the agency at once, not into the report. The e-mails
carry the case's pseudonym, the agency, the urgency and a link: never what the concern is (that is
read in the system, where every read is logged).
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from accounts.permissions import can_raise_concern, can_resolve_concern, can_respond_to_concern, require
from cases.models import Agency, Audit
from core.links import absolute_url
from core.text import clean
from notifications.services import notification_queue

from .models import SafeguardingConcern

# Statuses an audit cannot reach while one of its concerns is unresolved.
BEYOND_PANEL_REVIEW = (Audit.Status.REPORTING, Audit.Status.MONITORING, Audit.Status.CLOSED)


def _link(concern):
    return absolute_url("reviews:concern_detail", concern_pk=concern.pk)


def _terms(case):
    return list(case.identifying_terms.values_list("value", flat=True))


def _business_managers():
    return list(User.objects.filter(role=Role.BUSINESS_MANAGER, is_active=True).order_by("pk"))


def agencies_to_act(case):
    """The agencies a concern may be sent to: those working with the child or asked for a return."""
    return Agency.objects.filter(
        pk__in=set(case.agencies.values_list("pk", flat=True))
        | set(case.returns.values_list("agency_id", flat=True))
    ).order_by("name")


@transaction.atomic
def concern_raise(*, case, actor, agency, description, urgency):
    """Record an immediate concern and e-mail, once each, every Business Manager and the senior
    manager of the agency that must act (pseudonym and link only)."""
    require(can_raise_concern(actor, case))
    description = clean(description or "").strip()
    if not description:
        raise ValidationError({"description": "Say what the concern is."})
    if agency is None or not agencies_to_act(case).filter(pk=agency.pk).exists():
        raise ValidationError({"agency": "Choose the agency that must act."})
    concern = SafeguardingConcern(
        case=case,
        agency=agency,
        description=description,
        urgency=urgency,
        raised_by=actor,
        raised_at=timezone.now(),
    )
    concern.full_clean()
    concern.save()
    recipients = [(u.email, u.full_name, u) for u in _business_managers()]
    recipients.append((agency.senior_manager_email, agency.senior_manager_name, None))
    seen = set()
    for email, name, user in recipients:
        if email.lower() in seen:
            continue
        seen.add(email.lower())
        notification_queue(
            key=f"concern:{concern.pk}:raised:{email.lower()}",
            kind="safeguarding_concern_raised",
            to=email,
            recipient=user,
            subject=f"Immediate safeguarding concern: {case.pseudonym} ({concern.get_urgency_display()})",
            template="reviews/email/concern_raised",
            context={"concern": concern, "case": case, "link": _link(concern), "recipient_name": name},
            about=concern,
            withhold=_terms(case),
        )
    return concern


@transaction.atomic
def concern_acknowledge(*, concern, actor, acknowledged_on, action_taken="", action_taken_on=None):
    """The agency that must act records that it has the concern (with the date) and what it did."""
    concern = SafeguardingConcern.objects.select_for_update().get(pk=concern.pk)
    require(can_respond_to_concern(actor, concern))
    if concern.status == SafeguardingConcern.Status.RESOLVED:
        raise ValidationError("This concern has been resolved.")
    today = timezone.localdate()
    errors = {}
    if acknowledged_on is None:
        errors["acknowledged_on"] = "Give the date your agency acknowledged the concern."
    elif acknowledged_on > today or acknowledged_on < timezone.localdate(concern.raised_at):
        errors["acknowledged_on"] = "The date must be between the day the concern was raised and today."
    action_taken = clean(action_taken or "").strip()
    if action_taken_on and action_taken_on > today:
        errors["action_taken_on"] = "The date cannot be in the future."
    if action_taken_on and not action_taken:
        errors["action_taken"] = "Say what your agency did."
    if errors:
        raise ValidationError(errors)
    concern.status = SafeguardingConcern.Status.ACKNOWLEDGED
    concern.acknowledged_on = acknowledged_on
    concern.acknowledged_by = actor
    concern.action_taken = action_taken
    concern.action_taken_on = action_taken_on
    concern.save()
    return concern


@transaction.atomic
def concern_resolve(*, concern, actor):
    """The Business Manager or the audit's panel closes a concern once the agency has said what it did."""
    concern = SafeguardingConcern.objects.select_for_update().select_related("case").get(pk=concern.pk)
    require(can_resolve_concern(actor, concern))
    if concern.status != SafeguardingConcern.Status.ACKNOWLEDGED or not concern.action_taken:
        raise ValidationError(
            "A concern is resolved once the agency has acknowledged it and said what it did."
        )
    concern.status = SafeguardingConcern.Status.RESOLVED
    concern.resolved_at = timezone.now()
    concern.resolved_by = actor
    concern.save()
    return concern


def concerns_escalate(*, now=None):
    """Escalate to every Business Manager each concern still unacknowledged CONCERN_ESCALATE_AFTER_HOURS
    after it was raised. Run by beat every few minutes; each e-mail's key makes it go once."""
    now = now or timezone.now()
    hours = settings.CONCERN_ESCALATE_AFTER_HOURS
    cutoff = now - datetime.timedelta(hours=hours)
    overdue = SafeguardingConcern.objects.filter(
        status=SafeguardingConcern.Status.OPEN, raised_at__lte=cutoff
    ).select_related("case__audit", "agency")
    sent = 0
    managers = _business_managers()
    for concern in overdue:
        with transaction.atomic():
            for user in managers:
                _, created = notification_queue(
                    key=f"concern:{concern.pk}:escalation:{user.email.lower()}",
                    kind="safeguarding_concern_escalation",
                    to=user.email,
                    recipient=user,
                    subject=f"Not acknowledged: safeguarding concern about {concern.case.pseudonym}",
                    template="reviews/email/concern_escalation",
                    context={
                        "concern": concern,
                        "case": concern.case,
                        "link": _link(concern),
                        "recipient_name": user.full_name,
                        "hours": hours,
                    },
                    about=concern,
                    withhold=_terms(concern.case),
                )
                sent += created
            SafeguardingConcern.objects.filter(pk=concern.pk, escalated_at__isnull=True).update(
                escalated_at=now, updated_at=now
            )
    return sent


def audit_status_check(*, audit, status):
    """An audit with an unresolved concern stays at panel review at most."""
    if status not in BEYOND_PANEL_REVIEW:
        return None
    unresolved = SafeguardingConcern.objects.filter(
        case__audit=audit, status__in=SafeguardingConcern.UNRESOLVED
    ).count()
    if unresolved:
        return (
            f"{unresolved} immediate safeguarding concern{'s are' if unresolved != 1 else ' is'} still open "
            "on this audit: it cannot move past panel review until each is resolved."
        )
    return None
