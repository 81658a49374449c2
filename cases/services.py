"""State changes for audits, panels, cases, the identifying-terms register and agency returns."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import Role, User
from accounts.permissions import can_work_on_return, require
from core.actors import records_actor
from core.links import absolute_url
from notifications.services import notification_queue

from .limits import CHRONOLOGY_MAX_ROWS
from .models import (
    AgencyReturn,
    Audit,
    Case,
    ChronologyEntry,
    IdentifyingTerm,
    PanelMembership,
    ReturnTransition,
    number_in_words,
)

# Rules other apps add from their AppConfig.ready(), so that cases imports none of them:
# RETURN_REQUEST_HOOKS: fn(*, case, actor), run in return_request's transaction when returns are asked for;
# RETURN_SUBMIT_CHECKS: fn(agency_return) -> {field: [messages]}, errors that stop a submit;
# AUDIT_STATUS_CHECKS: fn(*, audit, status) -> a message refusing the move to `status`, or None.
RETURN_REQUEST_HOOKS = []
RETURN_SUBMIT_CHECKS = []
AUDIT_STATUS_CHECKS = []


@transaction.atomic
def audit_create(*, actor, title, theme, purpose, period_start, period_end, status=Audit.Status.PLANNING):
    """Open a new audit; the Business Manager who opens it is recorded."""
    audit = Audit(
        title=title,
        theme=theme,
        purpose=purpose,
        period_start=period_start,
        period_end=period_end,
        status=status,
        created_by=actor,
    )
    audit.full_clean()
    audit.save()
    return audit


@records_actor
@transaction.atomic
def audit_update(*, audit, actor, **fields):
    """Change an audit's details. Closing stamps closed_at (the retention clock starts there). Another
    app's rule may refuse a move of status (an open safeguarding concern holds it at panel review)."""
    new_status = fields.get("status")
    if new_status and new_status != Audit.objects.get(pk=audit.pk).status:
        for check in AUDIT_STATUS_CHECKS:
            message = check(audit=audit, status=new_status)
            if message:
                raise ValidationError({"status": message})
    for name, value in fields.items():
        setattr(audit, name, value)
    if audit.status == Audit.Status.CLOSED and audit.closed_at is None:
        audit.closed_at = timezone.now()
    elif audit.status != Audit.Status.CLOSED:
        audit.closed_at = None
    audit.full_clean()
    audit.save()
    return audit


@records_actor
@transaction.atomic
def panel_member_add(*, audit, user, panel_role, is_chair=False, actor):
    """Seat a panel member on an audit's panel, in a named panel role."""
    membership = PanelMembership(audit=audit, user=user, panel_role=panel_role, is_chair=is_chair)
    membership.full_clean()
    membership.save()
    return membership


@records_actor
@transaction.atomic
def panel_member_remove(*, membership, actor):
    membership.delete()


@records_actor
@transaction.atomic
def case_create(*, audit, actor, selection_basis, child_status, method, summary="", agencies=()):
    """Add a case to an audit. Cases are numbered in order and named by number ("Case One"); the audit
    row is locked so two Business Managers adding cases at once cannot take the same number."""
    Audit.objects.select_for_update().get(pk=audit.pk)
    number = (audit.cases.aggregate(n=Max("number"))["n"] or 0) + 1
    case = Case(
        audit=audit,
        number=number,
        pseudonym=f"Case {number_in_words(number)}",
        selection_basis=selection_basis,
        child_status=child_status,
        method=method,
        summary=summary,
    )
    case.full_clean()
    case.save()
    case.agencies.set(agencies)
    return case


@records_actor
@transaction.atomic
def case_update(*, case, actor, agencies=None, **fields):
    for name, value in fields.items():
        setattr(case, name, value)
    case.full_clean()
    case.save()
    if agencies is not None:
        case.agencies.set(agencies)
    return case


@transaction.atomic
def identifying_term_add(*, case, actor, kind, value, share=None):
    """Register a term that identifies the child or family; the report's leak guard checks for it.
    `share` None: shared with contributing agencies when it is the child's name, date of birth or
    address (what an agency needs to find its records), not otherwise."""
    if share is None:
        share = kind in IdentifyingTerm.SHARED_BY_DEFAULT
    term = IdentifyingTerm(
        case=case, kind=kind, value=value.strip(), created_by=actor, share_with_agencies=share
    )
    term.full_clean()
    term.save()
    return term


@records_actor
@transaction.atomic
def identifying_term_remove(*, term, actor):
    term.delete()


@records_actor
@transaction.atomic
def identifying_term_set_share(*, term, actor, share):
    """Share a register entry with the contributing agencies, or stop sharing it (history records who)."""
    term.share_with_agencies = bool(share)
    term.save(update_fields=["share_with_agencies", "updated_at"])
    return term


# --- Agency returns ---------------------------------------------------------------------------


class StaleReturnError(Exception):
    """Someone saved the return after this editor opened it; their save is refused."""

    def __init__(self, agency_return):
        self.current = agency_return
        super().__init__("The return was changed by someone else since you opened it.")


class ReturnNotEditable(ValidationError):
    pass


TEMPLATE_FOR_METHOD = {
    Case.Method.PAPER: AgencyReturn.Template.KEY_EVENTS_ANALYSIS,
    Case.Method.MEETING: AgencyReturn.Template.KEY_EVENTS_CHRONOLOGY,
}

# What a return must hold before it can be submitted (drafts may be incomplete).
REQUIRED_TO_SUBMIT = {
    AgencyReturn.Template.KEY_EVENTS_ANALYSIS: ["involvement", "engagement_evaluation"],
    AgencyReturn.Template.KEY_EVENTS_CHRONOLOGY: [
        "involvement",
        "policy_analysis",
        "practice_analysis",
        "lessons_learnt",
    ],
}
RETURN_TEXT_FIELDS = (
    "involvement",
    "engagement_evaluation",
    "policy_analysis",
    "practice_analysis",
    "lessons_learnt",
)
ENTRY_FIELDS = (
    "date",
    "date_precision",
    "time",
    "what_happened",
    "who_involved",
    "source",
    "significance",
    "is_key_event",
)


def _transition(*, agency_return, to_status, actor, comment="", at=None):
    from_status = agency_return.status if agency_return.pk else ""
    return ReturnTransition.objects.create(
        agency_return=agency_return,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        at=at or timezone.now(),
        comment=comment,
        # Accepting or sending back is the Business Manager's own job; completing a return is the agency's.
        on_behalf=actor.is_business_manager
        and to_status in (AgencyReturn.Status.DRAFT, AgencyReturn.Status.SUBMITTED),
    )


def _lock(agency_return, version=None):
    """Lock the row; refuse when `version` is given and is not the one stored (optimistic lock)."""
    current = AgencyReturn.objects.select_for_update().get(pk=agency_return.pk)
    if version is not None and current.version != version:
        raise StaleReturnError(current)
    return current


def _check_worker(agency_return, actor):
    require(can_work_on_return(actor, agency_return))


def _notify_contributors(agency_return, *, event, subject, key_suffix=""):
    """E-mail the agency's contributors about their return. Pseudonym and link only: the message never
    carries case detail (the review comment is read in the app)."""

    link = absolute_url("cases:return_edit", return_pk=agency_return.pk)
    contributors = User.objects.filter(
        role=Role.AGENCY_CONTRIBUTOR, agency_id=agency_return.agency_id, is_active=True
    ).order_by("pk")
    for user in contributors:
        notification_queue(
            key=f"return:{agency_return.pk}:{event}{key_suffix}:{user.pk}",
            kind=f"return_{event}",
            to=user.email,
            recipient=user,
            subject=subject,
            template=f"cases/email/return_{event}",
            context={"agency_return": agency_return, "case": agency_return.case, "link": link},
            about=agency_return,
        )


def _notify_requested(agency_return):
    due = agency_return.due_date
    _notify_contributors(
        agency_return,
        event="requested",
        subject=f"Return requested: {agency_return.case.pseudonym}, due {due:%d/%m/%Y}",
    )


@transaction.atomic
def return_request(*, case, agencies, due_date, actor):
    """Ask each agency for a return on the case, of the template the case's method needs, and tell
    the agency's contributors. An agency already asked keeps its existing return; an agency asked that
    was not yet among the case's agencies is added to them, so the case's counts agree."""
    if due_date < timezone.localdate():
        raise ValidationError({"due_date": "The due date cannot be in the past."})
    already = set(case.returns.values_list("agency_id", flat=True))
    created = []
    for agency in agencies:
        if agency.pk in already:
            continue
        agency_return = AgencyReturn(
            case=case,
            agency=agency,
            template=TEMPLATE_FOR_METHOD[case.method],
            due_date=due_date,
            requested_by=actor,
        )
        agency_return.full_clean()
        agency_return.save()
        ReturnTransition.objects.create(
            agency_return=agency_return, from_status="", to_status=AgencyReturn.Status.REQUESTED, actor=actor
        )
        _notify_requested(agency_return)
        created.append(agency_return)
    involved = set(case.agencies.values_list("pk", flat=True))
    newly_involved = [r.agency for r in created if r.agency_id not in involved]
    if newly_involved:
        case.agencies.add(*newly_involved)
    if created:
        for hook in RETURN_REQUEST_HOOKS:
            hook(case=case, actor=actor)
    return created


def _write(agency_return, *, actor, fields, entries):
    for name, value in fields.items():
        if name in RETURN_TEXT_FIELDS:
            setattr(agency_return, name, value)
    if actor.is_business_manager:
        agency_return.entered_on_behalf = True
    agency_return.version += 1
    agency_return.save()
    if entries is not None:
        _apply_entries(agency_return, entries)


def _entry_id(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _apply_entries(agency_return, entries):
    """Make the stored chronology match `entries` (in order) by changing only what changed: a row that
    names the id of one of this return's entries updates that entry if any field or its place differs,
    and is left alone otherwise; a row without a known id is new; entries not named are removed.
    So an unchanged row keeps its id and its history, and an edit to one row is one history event."""
    rows = list(_clean_entries(entries))
    if len(rows) > CHRONOLOGY_MAX_ROWS:
        raise ValidationError(
            f"A chronology holds at most {CHRONOLOGY_MAX_ROWS:,} rows; this one has {len(rows):,}."
        )
    existing = {e.pk: e for e in agency_return.entries.all()}
    now = timezone.now()
    kept, to_update, to_create, changed_fields = set(), [], [], set()
    for position, row in enumerate(rows):
        entry = existing.get(_entry_id(row.pop("id", None)))
        if entry is None or entry.pk in kept:
            to_create.append(ChronologyEntry(agency_return=agency_return, position=position, **row))
            continue
        kept.add(entry.pk)
        wanted = {**row, "position": position}
        changed = [name for name, value in wanted.items() if getattr(entry, name) != value]
        if changed:
            for name in changed:
                setattr(entry, name, wanted[name])
            entry.updated_at = now
            changed_fields.update(changed)
            to_update.append(entry)
    removed = [pk for pk in existing if pk not in kept]
    if removed:
        ChronologyEntry.objects.filter(pk__in=removed).delete()
    if to_update:
        ChronologyEntry.objects.bulk_update(
            to_update, [*sorted(changed_fields), "updated_at"], batch_size=500
        )
    if to_create:
        ChronologyEntry.objects.bulk_create(to_create, batch_size=500)
    return {"created": len(to_create), "updated": len(to_update), "removed": len(removed)}


def _clean_entries(entries):
    for row in entries:
        entry_id = row.get("id")
        row = {k: row.get(k) for k in ENTRY_FIELDS}
        row["date_precision"] = row["date_precision"] or ChronologyEntry.Precision.DAY
        row["is_key_event"] = bool(row["is_key_event"])
        for text in ("what_happened", "who_involved", "source", "significance"):
            row[text] = (row[text] or "").strip()
        if entry_id not in (None, ""):
            row["id"] = entry_id
        yield row


def _refuse_unless_editable(agency_return):
    if agency_return.status not in AgencyReturn.OPEN_STATUSES:
        raise ReturnNotEditable(
            f"This return is {agency_return.get_status_display().lower()} and can no longer be changed."
        )


@transaction.atomic
def return_save_draft(*, agency_return, actor, version, fields, entries):
    """Save the return as it stands, complete or not. Refused if someone saved since `version` was read
    (nothing is written); a first save moves a requested return to draft."""
    _check_worker(agency_return, actor)
    current = _lock(agency_return, version)
    _refuse_unless_editable(current)
    if current.status == AgencyReturn.Status.REQUESTED:
        _transition(agency_return=current, to_status=AgencyReturn.Status.DRAFT, actor=actor)
        current.status = AgencyReturn.Status.DRAFT
    _write(current, actor=actor, fields=fields, entries=entries)
    return current


def return_submit_problems(agency_return):
    """What stops the return, as stored, from being submitted: {field name or "__all__": [messages]}.
    Empty when it may be submitted. Reads only; the check-your-answers page shows these."""
    errors = {}
    for name in REQUIRED_TO_SUBMIT[agency_return.template]:
        if not getattr(agency_return, name).strip():
            label = AgencyReturn._meta.get_field(name).verbose_name
            errors[name] = [f"Enter the {label} before you submit"]
    if not agency_return.entries.exists():
        errors["__all__"] = ["Add at least one chronology row before you submit."]
    for check in RETURN_SUBMIT_CHECKS:
        for name, messages in check(agency_return).items():
            errors[name] = errors.get(name, []) + list(messages)
    return errors


@transaction.atomic
def return_check_before_submit(*, agency_return, actor, version, fields, entries):
    """Save what was typed and check it can be submitted, as one step: refused (nothing written) when
    something stops the submission, so the edit page shows the problems next to what was typed. On
    success the return is saved as a draft and the agency confirms on the check-your-answers page."""
    current = return_save_draft(
        agency_return=agency_return, actor=actor, version=version, fields=fields, entries=entries
    )
    errors = return_submit_problems(current)
    if errors:
        raise ValidationError(errors)
    return current


@transaction.atomic
def return_submit(*, agency_return, actor, version, fields=None, entries=None):
    """Save (when given) and submit the return: it must be complete for its template and hold at least
    one chronology row. Afterwards the agency can no longer change it."""
    _check_worker(agency_return, actor)
    current = _lock(agency_return, version)
    _refuse_unless_editable(current)
    if fields is not None or entries is not None:
        _write(current, actor=actor, fields=fields or {}, entries=entries)
    errors = return_submit_problems(current)
    if errors:
        raise ValidationError(errors)
    transition = _transition(agency_return=current, to_status=AgencyReturn.Status.SUBMITTED, actor=actor)
    current.status = AgencyReturn.Status.SUBMITTED
    current.submitted_at = timezone.now()
    current.accepted_at = None
    current.version += 1
    current.save()
    _notify_business_managers_submitted(current, transition=transition)
    return current


def _notify_business_managers_submitted(agency_return, *, transition):
    """Tell every Business Manager a return is waiting for review (its to-do entry is the review queue,
    selectors.return_review_queue). One message per submission, however often the task runs."""

    link = absolute_url("cases:return_detail", return_pk=agency_return.pk)
    for user in User.objects.filter(role=Role.BUSINESS_MANAGER, is_active=True).order_by("pk"):
        notification_queue(
            key=f"return:{agency_return.pk}:submitted:{transition.pk}:{user.pk}",
            kind="return_submitted",
            to=user.email,
            recipient=user,
            subject=f"Return to review: {agency_return.agency.name}, {agency_return.case.pseudonym}",
            template="cases/email/return_submitted",
            context={"agency_return": agency_return, "case": agency_return.case, "link": link},
            about=agency_return,
        )


@transaction.atomic
def return_accept(*, agency_return, actor):
    """The Business Manager accepts a submitted return."""
    current = _lock(agency_return)
    if current.status != AgencyReturn.Status.SUBMITTED:
        raise ValidationError("Only a submitted return can be accepted.")
    _transition(agency_return=current, to_status=AgencyReturn.Status.ACCEPTED, actor=actor)
    current.status = AgencyReturn.Status.ACCEPTED
    current.accepted_at = timezone.now()
    current.version += 1
    current.save()
    return current


SEND_BACK_WORKING_DAYS = 10


def working_days_after(start, days):
    """The date `days` working days (Monday to Friday) after `start`. Bank holidays are not known to
    the system; the Business Manager can move the date."""
    current, left = start, days
    while left > 0:
        current += datetime.timedelta(days=1)
        if current.weekday() < 5:
            left -= 1
    return current


def send_back_default_due_date(today=None):
    return working_days_after(today or timezone.localdate(), SEND_BACK_WORKING_DAYS)


@transaction.atomic
def return_send_back(*, agency_return, actor, comment, due_date=None):
    """The Business Manager returns a submitted return for changes, saying what must change and by
    when (default: 10 working days). The new due date replaces the old one, so the return is not
    overdue at once and the reminders follow the new date."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": "Say what the agency needs to change."})
    due_date = due_date or send_back_default_due_date()
    if due_date < timezone.localdate():
        raise ValidationError({"due_date": "The new due date cannot be in the past."})
    current = _lock(agency_return)
    if current.status != AgencyReturn.Status.SUBMITTED:
        raise ValidationError("Only a submitted return can be returned for changes.")
    transition = _transition(
        agency_return=current,
        to_status=AgencyReturn.Status.RETURNED,
        actor=actor,
        comment=comment,
    )
    current.status = AgencyReturn.Status.RETURNED
    current.review_comment = comment
    current.due_date = due_date
    current.version += 1
    current.save()
    _notify_contributors(
        current,
        event="returned",
        key_suffix=f":{transition.pk}",
        subject=f"Return for {current.case.pseudonym} returned for changes, due {due_date:%d/%m/%Y}",
    )
    return current


class ImportMode:
    APPEND = "append"
    REPLACE = "replace"


@transaction.atomic
def return_import_entries(*, agency_return, actor, rows, mode=ImportMode.APPEND, version=None):
    """Add imported chronology rows (already validated, all of them): after the existing ones
    (append), or instead of them (replace). Refused if the chronology would pass its row limit, or if
    `version` is given and someone saved since. Returns the ids of the imported entries."""
    _check_worker(agency_return, actor)
    current = _lock(agency_return, version)
    _refuse_unless_editable(current)
    existing = current.entries.count()
    total = len(rows) + (existing if mode == ImportMode.APPEND else 0)
    if total > CHRONOLOGY_MAX_ROWS:
        raise ValidationError(
            f"A chronology holds at most {CHRONOLOGY_MAX_ROWS:,} rows: the return has {existing:,} and the "
            f"file {len(rows):,}. Import fewer rows, or replace the existing ones."
        )
    if current.status == AgencyReturn.Status.REQUESTED:
        _transition(agency_return=current, to_status=AgencyReturn.Status.DRAFT, actor=actor)
        current.status = AgencyReturn.Status.DRAFT
    if mode == ImportMode.REPLACE:
        current.entries.all().delete()
        start = 0
    else:
        start = (current.entries.aggregate(n=Max("position"))["n"] or 0) + 1 if existing else 0
    created = ChronologyEntry.objects.bulk_create(
        ChronologyEntry(
            agency_return=current, position=start + i, **{k: v for k, v in row.items() if k != "id"}
        )
        for i, row in enumerate(_clean_entries(rows))
    )
    if actor.is_business_manager:
        current.entered_on_behalf = True
    current.version += 1
    current.save()
    # SQLite and PostgreSQL both return the new ids from bulk_create.
    return current, [e.pk for e in created]
