"""Reads for panel review, meetings and findings, always scoped by the user who asks.

Case material (returns, timeline, notes, meetings, learning points, assurance) is for the Business
Manager and the audit's panel: everything starts from ``cases.selectors.case_list_for_user``.
Confidential agency actions are also shown to the owner agency's contributors, and to nobody else.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.utils import timezone

from accesslog.services import access_record, get_for_user
from accounts.models import Role
from accounts.permissions import can_raise_concern
from cases.models import AgencyReturn, Case, ChronologyEntry
from cases.selectors import case_list_for_user, case_list_to_edit_for_user

from .models import (
    AgencyAction,
    CaseNote,
    CaseNoteRevision,
    CaseReviewMark,
    Invitation,
    LearningPoint,
    ReflectivePracticeMeeting,
    SafeguardingConcern,
)

REVIEWABLE_RETURN_STATUSES = (AgencyReturn.Status.SUBMITTED, AgencyReturn.Status.ACCEPTED)


def _case_of(obj):
    return obj


def _case_attr(obj):
    return obj.case


def case_review_get_for_user(*, request, pk, what="case_review"):
    """The case under review, if the user is the Business Manager or sits on its audit's panel; 404
    otherwise. Logged as `what` (the review page, the findings, the case pack ...)."""
    return get_for_user(
        case_list_for_user(user=request.user).prefetch_related("agencies"),
        request=request,
        what=what,
        case=_case_of,
        pk=pk,
    )


def case_review_get_for_user_to_edit(*, request, pk, what=None):
    """The case, for the Business Manager's own steps of the review (circulating the pack, meetings)."""
    return get_for_user(
        case_list_to_edit_for_user(user=request.user), request=request, what=what, case=_case_of, pk=pk
    )


def review_mark_for(*, case, user):
    """For a panel member of the case's audit once the pack is circulated: their mark (or None) and
    whether the case still waits for their review. None for anyone else (nothing to mark)."""
    if user.role != Role.PANEL_MEMBER or case.pack_circulated_at is None:
        return None
    mark = CaseReviewMark.objects.filter(case=case, reviewer=user).first()
    return {"mark": mark, "waiting": mark is None or mark.reviewed_at < case.pack_circulated_at}


def review_returns(*, case, with_entries=True):
    """The returns the panel reads: those submitted or accepted, with their chronologies (the case pack),
    or with only the number of entries (the review page, which shows the entries on the paged timeline)."""

    returns = (
        case.returns.filter(status__in=REVIEWABLE_RETURN_STATUSES)
        .select_related("agency")
        .order_by("agency__name")
    )
    if not with_entries:
        return returns.annotate(entry_count=Count("entries"))
    return returns.prefetch_related(
        Prefetch("entries", queryset=ChronologyEntry.objects.order_by("date", "time", "position"))
    )


def pending_returns(*, case):
    """Returns the panel cannot read yet (requested, draft or sent back), shown by agency only."""
    return (
        case.returns.exclude(status__in=REVIEWABLE_RETURN_STATUSES)
        .select_related("agency")
        .order_by("agency__name")
    )


def note_list(*, case):
    return (
        CaseNote.objects.filter(case=case)
        .select_related("author")
        .prefetch_related(
            Prefetch(
                "revisions",
                queryset=CaseNoteRevision.objects.select_related("edited_by").order_by("-created_at"),
            )
        )
        .order_by("created_at", "pk")
    )


def note_get_for_user_to_edit(*, request, case_pk, pk, what="case_note"):
    """A note its author may edit: in a case they can read, written by them. Anything else is 404."""
    user = request.user
    return get_for_user(
        CaseNote.objects.filter(
            case__in=case_list_for_user(user=user), case_id=case_pk, author=user
        ).select_related("case__audit"),
        request=request,
        what=what,
        case=_case_attr,
        pk=pk,
    )


# --- Meetings -------------------------------------------------------------------------------


def meeting_list_for_user(*, user):
    return ReflectivePracticeMeeting.objects.filter(case__in=case_list_for_user(user=user)).select_related(
        "case__audit", "created_by"
    )


def _meeting_detail(meetings):
    return meetings.prefetch_related(
        "panel_attending",
        Prefetch(
            "invitations",
            queryset=Invitation.objects.select_related("agency").order_by("agency__name", "name"),
        ),
    )


def meeting_get_for_user(*, request, pk, what="meeting"):
    """A meeting of a case the user may read, with its invitations; 404 otherwise."""
    return get_for_user(
        _meeting_detail(meeting_list_for_user(user=request.user)),
        request=request,
        what=what,
        case=_case_attr,
        pk=pk,
    )


def meeting_get_for_user_to_edit(*, request, pk, what="meeting"):
    """A meeting the user may change (the Business Manager runs meetings)."""
    meetings = ReflectivePracticeMeeting.objects.filter(
        case__in=case_list_to_edit_for_user(user=request.user)
    ).select_related("case__audit", "created_by")
    return get_for_user(_meeting_detail(meetings), request=request, what=what, case=_case_attr, pk=pk)


def lead_time_days():
    return settings.MEETING_INVITATION_LEAD_DAYS


def lead_time_deadline(meeting):
    """The last moment invitations can go out and still respect the lead-time policy."""
    return meeting.starts_at - datetime.timedelta(days=lead_time_days())


def meeting_inside_lead_time(meeting, *, now=None):
    """True when the meeting is (now) closer than the lead time: invitations sent now would be late."""
    now = now or timezone.now()
    return meeting.status == meeting.Status.SCHEDULED and now > lead_time_deadline(meeting)


def attendance_recordable(meeting, *, now=None):
    """Attendance is recorded from the meeting's start (never for a cancelled one)."""
    now = now or timezone.now()
    return meeting.status != meeting.Status.CANCELLED and meeting.starts_at <= now


def invitees_changeable(meeting, *, now=None):
    """Invitees are added, corrected, removed and re-sent while the meeting is scheduled and to come."""
    now = now or timezone.now()
    return meeting.status == meeting.Status.SCHEDULED and meeting.starts_at > now


def invitation_get_for_user_to_edit(*, request, meeting, pk):
    """One invitation of a meeting the user may change (`meeting` from meeting_get_for_user_to_edit);
    404 otherwise. The meeting's accessor logs the read."""
    return get_for_user(
        Invitation.objects.select_related("agency").filter(meeting=meeting), request=request, what=None, pk=pk
    )


def invitation_sent_late(invitation, meeting):
    return invitation.sent_at is not None and invitation.sent_at > lead_time_deadline(meeting)


@dataclass
class AgencyRates:
    agency: str
    invited: int = 0
    sent: int = 0
    responded: int = 0
    accepted: int = 0
    declined: int = 0
    recorded: int = 0
    attended: int = 0
    apologies: int = 0
    did_not_attend: int = 0

    @property
    def response_rate(self):
        return round(100 * self.responded / self.sent) if self.sent else None

    @property
    def attendance_rate(self):
        return round(100 * self.attended / self.recorded) if self.recorded else None


@dataclass
class RatesTable:
    rows: list = field(default_factory=list)
    total: AgencyRates = field(default_factory=lambda: AgencyRates(agency="All agencies"))


RATE_FIELDS = (
    "invited",
    "sent",
    "responded",
    "accepted",
    "declined",
    "recorded",
    "attended",
    "apologies",
    "did_not_attend",
)


def _rate_counts(prefix=""):
    """Counts per group of invitations (prefix: the path to Invitation from the queried model)."""
    Resp, Att = Invitation.Response, Invitation.Attendance
    pk = f"{prefix}pk" if not prefix else f"{prefix}id"

    def q(**kw):
        return Q(**{f"{prefix}{k}": v for k, v in kw.items()})

    return {
        "invited": Count(pk),
        "sent": Count(pk, filter=q(sent_at__isnull=False)),
        "responded": Count(pk, filter=q(sent_at__isnull=False) & ~q(response=Resp.PENDING)),
        "accepted": Count(pk, filter=q(response=Resp.ACCEPTED)),
        "declined": Count(pk, filter=q(response=Resp.DECLINED)),
        "recorded": Count(pk, filter=q(attendance__isnull=False) & ~q(attendance=Att.UNKNOWN)),
        "attended": Count(pk, filter=q(attendance=Att.ATTENDED)),
        "apologies": Count(pk, filter=q(attendance=Att.APOLOGIES)),
        "did_not_attend": Count(pk, filter=q(attendance=Att.DID_NOT_ATTEND)),
    }


def _table(rows):
    """A RatesTable from rows of (agency name, counts), summing rows of the same agency."""
    by_agency = {}
    table = RatesTable()
    for name, counts in rows:
        rates = by_agency.setdefault(name, AgencyRates(agency=name))
        for field_name in RATE_FIELDS:
            setattr(rates, field_name, getattr(rates, field_name) + counts[field_name])
            setattr(table.total, field_name, getattr(table.total, field_name) + counts[field_name])
    table.rows = [by_agency[name] for name in sorted(by_agency)]
    return table


def meeting_rates(*, meeting):
    """Response and attendance per agency for one meeting, counted by the database in one query.

    Response rate: answers among invitations sent. Attendance rate: attended among invitees whose
    attendance was recorded (the Business Manager records it after the meeting)."""
    grouped = (
        Invitation.objects.filter(meeting=meeting)
        .order_by()
        .values("agency__name")
        .annotate(**_rate_counts())
    )
    return _table((row["agency__name"], row) for row in grouped)


def audit_meetings_and_rates(*, audit):
    """The audit's meetings (with invited/attended totals) and the rates per agency over its meetings
    that were not cancelled, from one grouped query."""
    grouped = (
        ReflectivePracticeMeeting.objects.filter(case__audit=audit)
        .order_by()
        .values("pk", "starts_at", "status", "venue", "case__pseudonym", "invitations__agency__name")
        .annotate(**_rate_counts("invitations__"))
    )
    meetings = {}
    agency_rows = []
    for row in sorted(grouped, key=lambda r: (r["starts_at"], r["pk"])):
        meeting = meetings.setdefault(
            row["pk"],
            {
                "pk": row["pk"],
                "starts_at": row["starts_at"],
                "status": row["status"],
                "status_display": ReflectivePracticeMeeting.Status(row["status"]).label,
                "venue": row["venue"],
                "pseudonym": row["case__pseudonym"],
                "invited": 0,
                "attended": 0,
            },
        )
        meeting["invited"] += row["invited"]
        meeting["attended"] += row["attended"]
        if row["invitations__agency__name"] and row["status"] != ReflectivePracticeMeeting.Status.CANCELLED:
            agency_rows.append((row["invitations__agency__name"], row))
    return list(meetings.values()), _table(agency_rows)


def invitation_for_token(*, request, pk):
    """The invitation a signed link names (the token is the practitioner's only credential), written
    to the access log; None when it has been withdrawn (the page says so rather than a bare 404)."""
    invitation = Invitation.objects.select_related("meeting__case", "agency").filter(pk=pk).first()
    if invitation is not None:
        access_record(request=request, what="invitation", obj=invitation, case=invitation.meeting.case)
    return invitation


# --- Findings and actions ---------------------------------------------------------------------


def learning_point_get_for_user_to_edit(*, request, case, pk, what="learning_point"):
    """A learning point of a case the user reviews (`case` comes from case_review_get_for_user)."""
    return get_for_user(
        LearningPoint.objects.filter(case=case), request=request, what=what, case=lambda point: case, pk=pk
    )


def agency_action_get_for_user_to_edit(*, request, case, pk, what="agency_action"):
    """An agency action of a case the user reviews (`case` comes from case_review_get_for_user)."""
    return get_for_user(
        AgencyAction.objects.filter(case=case).select_related("owner_agency"),
        request=request,
        what=what,
        case=lambda action: case,
        pk=pk,
    )


def agency_action_get_for_user(*, request, pk, what="agency_action"):
    """An action the user may see: contributors their own agency's, the panel and the Business Manager
    those they monitor; 404 otherwise."""
    return get_for_user(
        agency_action_list_for_user(user=request.user), request=request, what=what, case=_case_attr, pk=pk
    )


def agency_action_list_get_for_user(*, request):
    """Every action the user may see, the read written to the access log."""
    access_record(request=request, what="agency_actions")
    return agency_action_list_for_user(user=request.user)


def learning_point_list(*, case):
    return LearningPoint.objects.filter(case=case).order_by("position", "pk")


def case_action_list(*, case):
    return (
        AgencyAction.objects.filter(case=case)
        .select_related("owner_agency", "responded_by")
        .order_by("due_date", "pk")
    )


def agency_action_list_for_user(*, user):
    """Business Manager: every action. Panel member: actions of their audits' cases. Contributor: their
    own agency's actions only. Others: none."""
    actions = AgencyAction.objects.select_related("case__audit", "owner_agency", "responded_by")
    if user.role == Role.BUSINESS_MANAGER:
        return actions
    if user.role == Role.PANEL_MEMBER:
        return actions.filter(case__audit__panel_memberships__user=user)
    if user.role == Role.AGENCY_CONTRIBUTOR and user.agency_id:
        return actions.filter(owner_agency_id=user.agency_id)
    return actions.none()


def audit_findings_cases(*, audit, user):
    """The audit's findings page: each case's findings progress (notes, learning points, assurance,
    open actions), in one query."""
    return (
        case_list_for_user(user=user)
        .filter(audit=audit)
        .annotate(
            point_count=Count("learning_points", distinct=True),
            note_count=Count("notes", distinct=True),
            open_action_count=Count(
                "agency_actions",
                filter=Q(agency_actions__status__in=["open", "in_progress", "responded"]),
                distinct=True,
            ),
        )
        .select_related("assurance")
        .order_by("number")
    )


def audit_pack_cases(*, audit, user):
    """The audit's cases with when their pack was circulated and how many notes the panel has written."""
    return (
        case_list_for_user(user=user)
        .filter(audit=audit)
        .annotate(note_count=Count("notes", distinct=True))
        .order_by("number")
    )


# --- Immediate safeguarding concerns ----------------------------------------------------------


def concern_list_for_user(*, user):
    """Business Manager: every concern. Panel member: those of the audits they sit on. Contributor:
    those their agency must act on, and those they raised. Nobody else."""
    concerns = SafeguardingConcern.objects.select_related("case__audit", "agency", "raised_by")
    if user.role == Role.BUSINESS_MANAGER:
        return concerns
    if user.role == Role.PANEL_MEMBER:
        return concerns.filter(case__audit__panel_memberships__user=user)
    if user.role == Role.AGENCY_CONTRIBUTOR and user.agency_id:
        return concerns.filter(Q(agency_id=user.agency_id) | Q(raised_by=user))
    return concerns.none()


def concern_case_get_for_user(*, request, pk, what="concern_raise"):
    """The case, if the user may raise a concern about it (reviewers, or a contributor whose agency
    was asked for a return on it); 404 otherwise."""
    case = Case.objects.select_related("audit").filter(pk=pk).first()
    if case is None or not can_raise_concern(request.user, case):
        raise Http404
    access_record(request=request, what=what, obj=case, case=case)
    return case


def concern_get_for_user(*, request, pk, what="safeguarding_concern"):
    """A concern the user may see (concern_list_for_user); 404 otherwise."""
    return get_for_user(
        concern_list_for_user(user=request.user), request=request, what=what, case=_case_attr, pk=pk
    )


def concern_list_get_for_user(*, request):
    """Every concern the user may see, the read written to the access log."""
    access_record(request=request, what="safeguarding_concerns")
    return concern_list_for_user(user=request.user)
