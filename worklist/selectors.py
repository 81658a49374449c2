"""What is waiting for a user across every audit ("Needs your attention"), scoped by their role.

Each kind of item is one query over all audits (a window count gives the total beside the first rows),
so the page costs the same number of queries whatever the number of audits, returns or meetings.
An item is a condition on the records themselves, never a flag of its own: it disappears the moment
the thing is dealt with (the return reviewed, the invitations sent, the draft rebuilt...).

This app sits above the domain apps (it reads cases, reviews, recommendations, reports and the
notification log) and nothing imports it.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from cases.models import AgencyReturn, Audit, Case, IdentifyingTerm, PanelMembership
from notifications.models import Notification
from recommendations.models import (
    BoardMeeting,
    Recommendation,
    RecommendationActivity,
    RecommendationResponse,
)
from reports.models import AuditReport, LeakHit, ReportBuild
from reviews.models import (
    AgencyAction,
    CaseAssurance,
    CaseReviewMark,
    Invitation,
    LearningPoint,
    ReflectivePracticeMeeting,
)

# Rows shown under each item; the count says how many there are in all.
ROWS_SHOWN = 10
# A withheld e-mail is kept on the list this long (or until the text is fixed and it goes out).
WITHHELD_SHOWN_DAYS = 14


@dataclass
class Row:
    text: str
    url: str
    detail: str = ""
    late: bool = False


@dataclass
class Item:
    key: str
    title: str
    hint: str
    count: int
    rows: list = field(default_factory=list)
    more_url: str = ""
    more_text: str = ""


def _count(queryset):
    """A correlated COUNT of `queryset` (filtered by OuterRef) as an integer annotation."""
    counted = queryset.order_by().annotate(_c=Func(F("pk"), function="COUNT")).values("_c")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _first_rows(queryset):
    """(rows, total) in one query: the first ROWS_SHOWN rows, each carrying the count of all."""
    rows = list(queryset.annotate(_total=Window(expression=Count("pk")))[:ROWS_SHOWN])
    return rows, (rows[0]._total if rows else 0)


def _item(key, title, hint, queryset, row, *, more_url="", more_text=""):
    records, total = _first_rows(queryset)
    if not total:
        return None
    return Item(
        key=key,
        title=title,
        hint=hint,
        count=total,
        rows=[row(r) for r in records],
        more_url=more_url if total > len(records) else "",
        more_text=more_text,
    )


def _uk(d):
    return f"{d.day} {d:%B %Y}"


def _uk_time(dt):
    local = timezone.localtime(dt)
    return f"{local.day} {local:%B %Y} at {local:%H:%M}"


def _plural(n, one, many=None):
    return f"{n} {one if n == 1 else (many or one + 's')}"


# --- The Business Manager --------------------------------------------------------------------


def _returns():
    return AgencyReturn.objects.select_related("case__audit", "agency").only(
        "pk", "status", "due_date", "submitted_at", "case__pseudonym", "case__audit__title", "agency__name"
    )


def _return_row(r, *, detail):
    return Row(
        text=f"{r.agency.name}: {r.case.pseudonym}",
        url=reverse("cases:return_detail", kwargs={"return_pk": r.pk}),
        detail=f"{r.case.audit.title} · {detail(r)}",
    )


def _bm_returns_to_review():
    return _item(
        "returns_to_review",
        "Returns waiting for your review",
        "Accept each return or send it back with a comment.",
        _returns().filter(status=AgencyReturn.Status.SUBMITTED).order_by("submitted_at", "pk"),
        lambda r: _return_row(
            r,
            detail=lambda r: (
                f"submitted {_uk(timezone.localdate(r.submitted_at))}" if r.submitted_at else "submitted"
            ),
        ),
    )


def _bm_returns_overdue(today):
    return _item(
        "returns_overdue",
        "Overdue returns",
        "Past their due date and not yet submitted: chase the agency or enter the return on its behalf.",
        _returns()
        .filter(status__in=AgencyReturn.OPEN_STATUSES, due_date__lt=today)
        .order_by("due_date", "pk"),
        lambda r: _return_row(
            r, detail=lambda r: f"was due {_uk(r.due_date)} ({r.get_status_display().lower()})"
        ),
    )


def _bm_returns_resubmission(today):
    return _item(
        "returns_resubmission",
        "Returns awaiting resubmission",
        "Sent back for changes; the agency has not sent them again yet.",
        _returns()
        .filter(status=AgencyReturn.Status.RETURNED, due_date__gte=today)
        .order_by("due_date", "pk"),
        lambda r: _return_row(r, detail=lambda r: f"due {_uk(r.due_date)}"),
    )


def _meetings():
    return ReflectivePracticeMeeting.objects.select_related("case__audit").only(
        "pk", "starts_at", "status", "case__pseudonym", "case__audit__title"
    )


def _meeting_row(m, detail):
    return Row(
        text=f"{m.case.pseudonym}: meeting on {_uk_time(m.starts_at)}",
        url=reverse("reviews:meeting_detail", kwargs={"meeting_pk": m.pk}),
        detail=f"{m.case.audit.title} · {detail}",
    )


def _bm_meetings_inside_lead_time(now):
    lead = datetime.timedelta(days=settings.MEETING_INVITATION_LEAD_DAYS)
    unsent = Invitation.objects.filter(meeting=OuterRef("pk"), sent_at__isnull=True)
    any_invitation = Invitation.objects.filter(meeting=OuterRef("pk"))
    meetings = (
        _meetings()
        .filter(
            status=ReflectivePracticeMeeting.Status.SCHEDULED, starts_at__gt=now, starts_at__lt=now + lead
        )
        .filter(Q(Exists(unsent)) | ~Q(Exists(any_invitation)))
        .annotate(unsent=_count(unsent))
        .order_by("starts_at", "pk")
    )

    def row(m):
        what = _plural(m.unsent, "invitation") + " not sent" if m.unsent else "nobody invited yet"
        return _meeting_row(m, what)

    return _item(
        "meetings_inside_lead_time",
        f"Meetings less than {settings.MEETING_INVITATION_LEAD_DAYS} days away with invitations not sent",
        "Send the invitations now, or move the meeting so practitioners can attend.",
        meetings,
        row,
    )


def _bm_meetings_unanswered(now):
    pending = Invitation.objects.filter(
        meeting=OuterRef("pk"), sent_at__isnull=False, response=Invitation.Response.PENDING
    )
    meetings = (
        _meetings()
        .filter(status=ReflectivePracticeMeeting.Status.SCHEDULED, starts_at__gt=now)
        .filter(Exists(pending))
        .annotate(pending=_count(pending))
        .order_by("starts_at", "pk")
    )
    return _item(
        "meetings_unanswered",
        "Meetings with unanswered invitations",
        "Practitioners who have not said whether they will come: a call may help.",
        meetings,
        lambda m: _meeting_row(m, _plural(m.pending, "invitation") + " not answered"),
    )


def _bm_meetings_to_record(now):
    meetings = _meetings().filter(status=ReflectivePracticeMeeting.Status.SCHEDULED, starts_at__lte=now)
    return _item(
        "meetings_to_record",
        "Meetings held: record who attended",
        "The meeting has started; record attendance to mark it held.",
        meetings.order_by("starts_at", "pk"),
        lambda m: _meeting_row(m, "attendance not recorded"),
    )


def _latest_unpublished_drafts():
    """Each audit's newest draft, if it is built and not published."""
    newer = ReportBuild.objects.filter(audit=OuterRef("audit"), created_at__gt=OuterRef("created_at"))
    return (
        ReportBuild.objects.filter(status=ReportBuild.Status.DONE, version__isnull=True)
        .exclude(Exists(newer))
        .select_related("audit")
        .only("pk", "created_at", "audit__title", "audit_id")
    )


def _report_row(build, detail):
    return Row(
        text=build.audit.title,
        url=reverse("reports:report_detail", kwargs={"audit_pk": build.audit_id}),
        detail=detail,
    )


def _bm_reports_with_hits():
    blocking = LeakHit.objects.filter(build=OuterRef("pk"), overridden_at__isnull=True)
    builds = (
        _latest_unpublished_drafts()
        .filter(Exists(blocking))
        .annotate(blocking=_count(blocking))
        .order_by("created_at", "pk")
    )
    return _item(
        "reports_with_hits",
        "Report drafts the leak guard stopped",
        "Fix the text and build again, or override a pattern hit that is a false positive.",
        builds,
        lambda b: _report_row(
            b,
            f"draft of {_uk(timezone.localdate(b.created_at))}: {_plural(b.blocking, 'identifying detail')} found",
        ),
    )


def _changed_since_build(model, audit_path):
    return Exists(
        model.objects.filter(**{audit_path: OuterRef("audit_id"), "updated_at__gt": OuterRef("created_at")})
    )


def _bm_reports_out_of_date():
    """Drafts built before a text they print changed (framing, cases, learning points, assurances,
    recommendations, panel) or before the register changed. Publishing re-checks exactly; this list
    only needs to notice, in one query, that a new draft is wanted."""
    blocking = LeakHit.objects.filter(build=OuterRef("pk"), overridden_at__isnull=True)
    changed = (
        _changed_since_build(Audit, "pk")
        | _changed_since_build(AuditReport, "audit_id")
        | _changed_since_build(Case, "audit_id")
        | _changed_since_build(LearningPoint, "case__audit_id")
        | _changed_since_build(CaseAssurance, "case__audit_id")
        | _changed_since_build(Recommendation, "audit_id")
        | _changed_since_build(PanelMembership, "audit_id")
        | _changed_since_build(IdentifyingTerm, "case__audit_id")
    )
    builds = (
        _latest_unpublished_drafts().exclude(Exists(blocking)).filter(changed).order_by("created_at", "pk")
    )
    return _item(
        "reports_out_of_date",
        "Report drafts out of date",
        "Something the draft prints has changed since it was built: build a new draft before publishing.",
        builds,
        lambda b: _report_row(b, f"draft of {_uk(timezone.localdate(b.created_at))}"),
    )


def _bm_emails_withheld(now):
    notifications = (
        Notification.objects.filter(
            status=Notification.Status.WITHHELD,
            created_at__gte=now - datetime.timedelta(days=WITHHELD_SHOWN_DAYS),
        )
        .exclude(kind="message_withheld")
        .only("pk", "kind", "to", "created_at")
        .order_by("-created_at", "-pk")
    )
    log = reverse("notifications:log")
    return _item(
        "emails_withheld",
        "Reminders and e-mails withheld by the leak guard",
        "Each would have carried an identifying detail. Fix the text it is made from: it goes out when it "
        "is next due.",
        notifications,
        lambda n: Row(
            text=n.get_kind_display_text()[0].upper() + n.get_kind_display_text()[1:] + f" to {n.to}",
            url=f"{log}?status=withheld",
            detail=f"withheld {_uk_time(n.created_at)}",
        ),
    )


def _bm_emails_failed():
    notifications = (
        Notification.objects.filter(
            Q(status=Notification.Status.FAILED)
            | Q(status=Notification.Status.PENDING, next_attempt_at__isnull=False)
        )
        .only("pk", "kind", "to", "created_at", "status")
        .order_by("created_at", "pk")
    )
    log = reverse("notifications:log") + "#needs-attention"
    return _item(
        "emails_failed",
        "E-mails not delivered",
        "The mail server refused or did not answer: send them again from the notifications log.",
        notifications,
        lambda n: Row(
            text=n.get_kind_display_text()[0].upper() + n.get_kind_display_text()[1:] + f" to {n.to}",
            url=log,
            detail=f"queued {_uk_time(n.created_at)}",
        ),
    )


WAITING_FOR_RESPONSE = (Recommendation.Status.OPEN, Recommendation.Status.IN_PROGRESS)


def _bm_recommendations_due_at_next_board(today):
    next_meeting = BoardMeeting.objects.filter(date__gte=today).order_by("date", "pk")
    recommendations = (
        Recommendation.objects.annotate(
            next_board_date=Subquery(next_meeting.values("date")[:1]),
            next_board_title=Subquery(next_meeting.values("title")[:1]),
        )
        .filter(status__in=WAITING_FOR_RESPONSE, next_board_date__isnull=False)
        .filter(
            Q(deadline_meeting__date=F("next_board_date"))
            | Q(deadline_date__gte=today, deadline_date__lte=F("next_board_date"))
        )
        .select_related("audit", "deadline_meeting")
        .order_by("audit__title", "position", "pk")
    )
    records, total = _first_rows(recommendations)
    if not total:
        return None
    first = records[0]
    return Item(
        key="recommendations_due",
        title=f"Recommendations due at the next Board meeting ({_uk(first.next_board_date)}) without a response",
        hint="No final response yet from every owner agency.",
        count=total,
        rows=[
            Row(
                text=f"Recommendation ({r.letter}) of {r.audit.title}",
                url=reverse("recommendations:recommendation_detail", kwargs={"recommendation_pk": r.pk}),
                detail=f"due {r.deadline_display} · {r.get_status_display().lower()}",
            )
            for r in records
        ],
        more_url=reverse("recommendations:tracker") if total > len(records) else "",
    )


def business_manager_items(*, now, today):
    return [
        _bm_returns_to_review(),
        _bm_returns_overdue(today),
        _bm_returns_resubmission(today),
        _bm_meetings_inside_lead_time(now),
        _bm_meetings_unanswered(now),
        _bm_meetings_to_record(now),
        _bm_reports_with_hits(),
        _bm_reports_out_of_date(),
        _bm_emails_withheld(now),
        _bm_emails_failed(),
        _bm_recommendations_due_at_next_board(today),
    ]


# --- Panel members ---------------------------------------------------------------------------


def _panel_cases_to_review(user):
    reviewed = CaseReviewMark.objects.filter(
        case=OuterRef("pk"), reviewer=user, reviewed_at__gte=OuterRef("pack_circulated_at")
    )
    cases = (
        Case.objects.filter(audit__panel_memberships__user=user, pack_circulated_at__isnull=False)
        .exclude(Exists(reviewed))
        .select_related("audit")
        .only("pk", "pseudonym", "pack_circulated_at", "audit__title")
        .order_by("pack_circulated_at", "pk")
    )
    return _item(
        "cases_to_review",
        "Cases circulated for you to review",
        "Read the returns and the timeline, then mark the case reviewed.",
        cases,
        lambda c: Row(
            text=c.pseudonym,
            url=reverse("reviews:case_review", kwargs={"case_pk": c.pk}),
            detail=f"{c.audit.title} · circulated {_uk(timezone.localdate(c.pack_circulated_at))}",
        ),
    )


def _panel_meetings_to_attend(user, now):
    meetings = (
        _meetings()
        .filter(
            status=ReflectivePracticeMeeting.Status.SCHEDULED,
            starts_at__gt=now,
            panel_attending=user,
            case__audit__panel_memberships__user=user,
        )
        .order_by("starts_at", "pk")
    )
    return _item(
        "meetings_to_attend",
        "Meetings to attend",
        "Reflective practice meetings you are down to attend for the panel.",
        meetings,
        lambda m: _meeting_row(m, "you are attending for the panel"),
    )


def panel_member_items(*, user, now):
    return [_panel_cases_to_review(user), _panel_meetings_to_attend(user, now)]


# --- Agency contributors ---------------------------------------------------------------------


def _contributor_returns(user, today):
    returns = (
        _returns()
        .filter(agency_id=user.agency_id, status__in=AgencyReturn.OPEN_STATUSES)
        .order_by("due_date", "pk")
    )

    def row(r):
        late = r.due_date < today
        state = (
            "sent back for changes"
            if r.status == AgencyReturn.Status.RETURNED
            else r.get_status_display().lower()
        )
        return Row(
            text=f"Return on {r.case.pseudonym}",
            url=reverse("cases:return_detail", kwargs={"return_pk": r.pk}),
            detail=f"{'overdue: was due' if late else 'due'} {_uk(r.due_date)} · {state}",
            late=late,
        )

    return _item(
        "returns_to_complete",
        "Returns to complete",
        "Complete and submit each return by its due date.",
        returns,
        row,
        more_url=reverse("cases:portal"),
    )


def _contributor_actions(user, today):
    actions = (
        AgencyAction.objects.filter(
            owner_agency_id=user.agency_id,
            status__in=(AgencyAction.Status.OPEN, AgencyAction.Status.IN_PROGRESS),
        )
        .select_related("case__audit")
        .only("pk", "due_date", "status", "case__pseudonym", "case__audit__title")
        .order_by("due_date", "pk")
    )
    return _item(
        "actions_to_answer",
        "Actions awaiting your agency's response",
        "Confidential actions the audit panel asked your agency to take.",
        actions,
        lambda a: Row(
            text=f"Action on {a.case.pseudonym}",
            url=reverse("reviews:action_respond", kwargs={"action_pk": a.pk}),
            detail=f"{a.case.audit.title} · {'overdue: was due' if a.due_date < today else 'due'} {_uk(a.due_date)}",
            late=a.due_date < today,
        ),
        more_url=reverse("reviews:action_list"),
    )


def _contributor_recommendations(user, today):
    last_request = (
        RecommendationActivity.objects.filter(
            recommendation=OuterRef("pk"), kind=RecommendationActivity.Kind.MORE_REQUESTED
        )
        .order_by("-at")
        .values("at")[:1]
    )
    epoch = Value(datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC), output_field=DateTimeField())
    answered = RecommendationResponse.objects.filter(
        recommendation=OuterRef("pk"),
        agency_id=user.agency_id,
        is_final=True,
        created_at__gt=Coalesce(OuterRef("last_more_requested"), epoch),
    )
    recommendations = (
        Recommendation.objects.filter(owners=user.agency_id, status__in=WAITING_FOR_RESPONSE)
        .annotate(last_more_requested=Subquery(last_request))
        .exclude(Exists(answered))
        .select_related("audit", "deadline_meeting")
        .order_by("deadline_date", "deadline_meeting__date", "pk")
    )

    def row(r):
        late = r.deadline is not None and r.deadline < today
        return Row(
            text=f"Recommendation ({r.letter}) of {r.audit.title}",
            url=reverse("recommendations:recommendation_respond", kwargs={"recommendation_pk": r.pk}),
            detail=f"{'overdue: was due' if late else 'due'} {r.deadline_display}",
            late=late,
        )

    return _item(
        "recommendations_to_answer",
        "Recommendations awaiting your agency's response",
        "Post a progress update or your agency's final response, with evidence.",
        recommendations,
        row,
        more_url=reverse("recommendations:tracker"),
    )


def contributor_items(*, user, today):
    if not user.agency_id:
        return []
    return [
        _contributor_returns(user, today),
        _contributor_actions(user, today),
        _contributor_recommendations(user, today),
    ]


# --- Entry point -----------------------------------------------------------------------------


def attention_items_for_user(*, user, now=None):
    """What waits for this user, in the order they would deal with it; kinds with nothing waiting are
    left out. A fixed number of queries per role (one per kind), whatever the amount of data."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if not user.is_authenticated or not user.is_active:
        return []
    if user.role == Role.BUSINESS_MANAGER:
        items = business_manager_items(now=now, today=today)
    elif user.role == Role.PANEL_MEMBER:
        items = panel_member_items(user=user, now=now)
    elif user.role == Role.AGENCY_CONTRIBUTOR:
        items = contributor_items(user=user, today=today)
    else:
        items = []
    return [item for item in items if item is not None]


# --- The audit as a task list ----------------------------------------------------------------


@dataclass
class Stage:
    name: str
    status: str  # "Completed", "In progress", "Not started", "Not needed"
    hint: str
    page: str  # the url name of the audit's page for this stage


def _stage(name, done, total, hint, page, *, needed=True):
    if not needed:
        return Stage(name, "Not needed", hint, page)
    if total and done >= total:
        return Stage(name, "Completed", hint, page)
    return Stage(name, "In progress" if done else "Not started", hint, page)


def audit_stages(*, audit):
    """The audit's stages in order, each with a status, from one aggregate query over the audit."""
    from cases.models import Audit as AuditModel
    from reports.models import ReportVersion

    cases = Case.objects.filter(audit=OuterRef("pk"))
    returns = AgencyReturn.objects.filter(case__audit=OuterRef("pk"))
    meeting_cases = cases.filter(method=Case.Method.MEETING)
    held = ReflectivePracticeMeeting.objects.filter(
        case__audit=OuterRef("pk"), status=ReflectivePracticeMeeting.Status.HELD
    )
    with_findings = cases.filter(
        Exists(LearningPoint.objects.filter(case=OuterRef("pk"))),
        Exists(
            CaseAssurance.objects.filter(case=OuterRef("pk")).exclude(
                finding=CaseAssurance.Finding.NOT_DETERMINED
            )
        ),
    )
    recommendations = Recommendation.objects.filter(audit=OuterRef("pk"))
    row = (
        AuditModel.objects.filter(pk=audit.pk)
        .annotate(
            n_cases=_count(cases),
            n_cases_asked=_count(cases.filter(Exists(AgencyReturn.objects.filter(case=OuterRef("pk"))))),
            n_returns=_count(returns),
            n_received=_count(
                returns.filter(status__in=(AgencyReturn.Status.SUBMITTED, AgencyReturn.Status.ACCEPTED))
            ),
            n_accepted=_count(returns.filter(status=AgencyReturn.Status.ACCEPTED)),
            n_circulated=_count(cases.filter(pack_circulated_at__isnull=False)),
            n_meeting_cases=_count(meeting_cases),
            n_held=_count(meeting_cases.filter(Exists(held.filter(case=OuterRef("pk"))))),
            n_findings=_count(with_findings),
            n_recommendations=_count(recommendations),
            n_assured=_count(
                recommendations.filter(
                    status__in=(Recommendation.Status.ASSURED, Recommendation.Status.CLOSED)
                )
            ),
            n_versions=_count(ReportVersion.objects.filter(audit=OuterRef("pk"))),
        )
        .values()
        .get()
    )
    n = row["n_cases"]
    r = row["n_returns"]
    m = row["n_meeting_cases"]
    k = row["n_recommendations"]
    return [
        _stage("Cases selected", n, 1, _plural(n, "case"), "cases:audit_cases"),
        _stage(
            "Returns requested",
            row["n_cases_asked"],
            n,
            f"{row['n_cases_asked']} of {n} cases",
            "cases:audit_returns",
        ),
        _stage(
            "Returns received and accepted",
            row["n_accepted"],
            r,
            f"{row['n_received']} of {r} received, {row['n_accepted']} accepted",
            "cases:audit_returns",
        ),
        _stage(
            "Case packs circulated",
            row["n_circulated"],
            n,
            f"{row['n_circulated']} of {n} cases",
            "cases:audit_panel",
        ),
        _stage(
            "Meetings held",
            row["n_held"],
            m,
            f"{row['n_held']} of {m} meeting cases" if m else "No case is audited by meeting",
            "cases:audit_meetings",
            needed=bool(m) or not n,
        ),
        _stage(
            "Findings agreed",
            row["n_findings"],
            n,
            f"{row['n_findings']} of {n} cases",
            "cases:audit_findings",
        ),
        _stage("Recommendations agreed", k, 1, _plural(k, "recommendation"), "cases:audit_recommendations"),
        _stage(
            "Report published",
            row["n_versions"],
            1,
            _plural(row["n_versions"], "version"),
            "reports:report_detail",
        ),
        _stage(
            "Recommendations assured",
            row["n_assured"],
            k,
            f"{row['n_assured']} of {k} assured or closed",
            "cases:audit_assurance",
        ),
    ]
