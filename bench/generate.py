"""Ten years of a busy Board's data, generated deterministically into an empty, migrated database.

Shape (defaults): 12 agencies; 100 audits (ten a year), 8 cases each; each case involves 5 to 10
agencies (all 12 for the largest case), one return per agency per case (about 6,000 returns);
about 300,000 chronology entries (50 a return on average, 250 a return in the largest case);
6 identifying terms a case; notes, learning points, assurances, meetings and invitations, agency
actions, Board meetings, recommendations and responses; and half a million access-log reads.

Small tables go in with bulk_create in batches; the two big ones (chronology entries, access log)
with PostgreSQL's COPY. Everything is fictional.
"""

import csv
import datetime
import io
import random
import time
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Role, User
from cases.models import (
    Agency,
    AgencyReturn,
    Audit,
    Case,
    ChronologyEntry,
    IdentifyingTerm,
    PanelMembership,
    number_in_words,
)
from recommendations.models import BoardMeeting, Recommendation, RecommendationResponse
from reviews.models import (
    AgencyAction,
    CaseAssurance,
    CaseNote,
    Invitation,
    LearningPoint,
    ReflectivePracticeMeeting,
)

BATCH = 2000
PASSWORD = "bench-password-not-secret-0123"
YEARS = 10
FIRST_YEAR = timezone.localdate().year - YEARS

AGENCIES = [
    ("Northbridge Children's Social Care", Agency.Kind.CHILDRENS_SOCIAL_CARE),
    ("Northbridge Police", Agency.Kind.POLICE),
    ("Northbridge Community Health Trust", Agency.Kind.HEALTH_PROVIDER),
    ("Northbridge Acute Hospitals Trust", Agency.Kind.HEALTH_PROVIDER),
    ("Northbridge Integrated Care Board", Agency.Kind.HEALTH_COMMISSIONER),
    ("Northbridge Education Services", Agency.Kind.EDUCATION),
    ("Northbridge Youth Justice Service", Agency.Kind.YOUTH_JUSTICE),
    ("Northbridge CAMHS", Agency.Kind.MENTAL_HEALTH),
    ("Northbridge Family Support Trust", Agency.Kind.VOLUNTARY),
    ("Northbridge Housing", Agency.Kind.OTHER),
    ("Northbridge Probation Service", Agency.Kind.OTHER),
    ("Northbridge Early Help", Agency.Kind.OTHER),
]
# Sentences the learning library searches (our own words): varied, so that a search matches some
# learning points and not all of them.
LEARNING_PHRASES = [
    "Information shared between agencies arrived too late to change the plan.",
    "Practitioners showed professional curiosity about adults new to the household.",
    "The child's own words were recorded and shaped the next steps.",
    "Escalation between agencies resolved a disagreement about thresholds.",
    "Supervision gave the social worker room to reflect on the family's engagement.",
    "Neglect was recognised early through the health visitor's home visits.",
    "Domestic abuse notifications reached the school the next morning.",
    "Apparent cooperation by the parents hid little change for the child.",
    "The move from primary to secondary school was planned with the family.",
    "Early help was offered before the case met the child protection threshold.",
]


def _tag_with_themes(objects, relation, column, rnd):
    """Tag about half of `objects` with one or two of the learning app's themes (if installed)."""
    try:
        from learning.models import Theme
    except ImportError:
        return
    themes = list(Theme.objects.values_list("pk", flat=True))
    if not themes:
        return
    through = getattr(Theme, relation).through
    rows = []
    for obj in objects:
        if rnd.random() < 0.5:
            for theme_id in rnd.sample(themes, rnd.choice((1, 2))):
                rows.append(through(theme_id=theme_id, **{column: obj.pk}))
    through.objects.bulk_create(rows, batch_size=BATCH)


PROGRAMME_REASONS = [
    ("practice_review", "Learning from a local child safeguarding practice review."),
    ("inspection", "A finding of the last joint targeted area inspection."),
    ("performance_data", "A rise in re-referrals in the quarterly data."),
    ("earlier_audit", "Re-testing the recommendations of last year's audit."),
]


def _programme_and_follow_ups(audits, recommendations, *, leads, bm, rnd, today):
    """The learning app's audit programme and follow-ups over the years (if the app is installed):

    - a programme per year: an entry for each audit that was held (done, or in progress for the open
      ones), two that slipped in each past year, and four planned for this year and the next;
    - did it stick: each audit's first recommendation is assured and followed up by the audit of the
      same slot a year later (same theme at full scale), which is marked as its re-audit and re-tests
      it, so the chains run the whole ten years; each second recommendation has a re-audit date only.

    Returns {name: count} for the data summary."""
    try:
        from learning.models import ProgrammeEntry, ReAudit, RecommendationFollowUp, Theme
    except ImportError:
        return {}
    themes = list(Theme.objects.filter(is_active=True).order_by("pk"))
    if not themes:
        return {}
    entries, audit_tags = [], []
    per_year = {}
    for i, audit in enumerate(audits):
        theme = themes[i % len(themes)]
        reason, detail = PROGRAMME_REASONS[i % len(PROGRAMME_REASONS)]
        year = audit.period_start.year
        per_year[year] = per_year.get(year, 0) + 1
        entries.append(
            ProgrammeEntry(
                year=year,
                title=audit.title,
                theme=theme,
                reason=reason,
                reason_detail=detail,
                quarter=(audit.period_start.month - 1) // 3 + 1,
                lead=rnd.choice(leads),
                status=ProgrammeEntry.Status.DONE
                if audit.status == Audit.Status.CLOSED
                else ProgrammeEntry.Status.IN_PROGRESS,
                audit=audit,
                created_by=bm,
            )
        )
        audit_tags.append(Theme.audits.through(theme_id=theme.pk, audit_id=audit.pk))
    unheld = [(year, ProgrammeEntry.Status.SLIPPED, 2) for year in sorted(per_year) if year < today.year]
    unheld += [(year, ProgrammeEntry.Status.PLANNED, 4) for year in (today.year, today.year + 1)]
    for year, status, count in unheld:
        for k in range(count):
            theme = themes[(year + k) % len(themes)]
            reason, detail = PROGRAMME_REASONS[(year + k) % len(PROGRAMME_REASONS)]
            entries.append(
                ProgrammeEntry(
                    year=year,
                    title=f"Multi-agency audit {year}/{k + 1}: {theme.name.lower()}",
                    theme=theme,
                    reason=reason,
                    reason_detail=detail,
                    quarter=1 + (k + year) % 4,
                    lead=rnd.choice(leads) if k % 2 == 0 else None,
                    status=status,
                    created_by=bm,
                )
            )
    ProgrammeEntry.objects.bulk_create(entries, batch_size=BATCH)
    Theme.audits.through.objects.bulk_create(audit_tags, batch_size=BATCH, ignore_conflicts=True)

    # The audit a year later in the same slot of the year's programme follows each audit up.
    step = max(1, len(audits) // YEARS)
    by_audit = {}
    for rec in recommendations:
        by_audit.setdefault(rec.audit_id, []).append(rec)
    follow_ups, reaudits, assured = [], [], []
    for n, audit in enumerate(audits):
        first, second = sorted(by_audit.get(audit.pk, []), key=lambda r: r.position)[:2]
        later = audits[n + step] if n + step < len(audits) else None
        if audit.status == Audit.Status.CLOSED and later is not None:
            assured.append(first.pk)
            follow_ups.append(
                RecommendationFollowUp(
                    recommendation=first, reaudit_by=later.period_start, audit=later, updated_by=bm
                )
            )
            reaudits.append(ReAudit(audit=later, earlier=audit, created_by=bm))
        follow_ups.append(
            RecommendationFollowUp(
                recommendation=second,
                reaudit_by=audit.period_end + datetime.timedelta(days=540),
                updated_by=bm,
            )
        )
    Recommendation.objects.filter(pk__in=assured).update(status=Recommendation.Status.ASSURED)
    RecommendationFollowUp.objects.bulk_create(follow_ups, batch_size=BATCH)
    reaudits = ReAudit.objects.bulk_create(reaudits, batch_size=BATCH)
    first_of = {
        audit_id: min(recs, key=lambda r: r.position).pk for audit_id, recs in by_audit.items() if recs
    }
    ReAudit.recommendations.through.objects.bulk_create(
        [
            ReAudit.recommendations.through(reaudit_id=link.pk, recommendation_id=first_of[link.earlier_id])
            for link in reaudits
        ],
        batch_size=BATCH,
    )
    return {"programme entries": len(entries), "follow-ups": len(follow_ups), "re-audits": len(reaudits)}


THEMES = [
    "Intra-familial child sexual abuse",
    "Neglect",
    "Domestic abuse",
    "Child criminal exploitation",
    "Adolescent mental health",
    "Children missing education",
    "Pre-birth assessment",
    "Non-accidental injury in infants",
    "Parental substance misuse",
    "Online harm",
]
EVENTS = [
    "Home visit by {role}; child seen alone and spoke about school.",
    "Strategy discussion held; agreed section 47 enquiry.",
    "Referral received from {role} about bruising noticed at school.",
    "Missed health appointment; letter sent to parent.",
    "Core group meeting; plan reviewed, actions allocated.",
    "Police attended address after a report of a disturbance.",
    "Child protection conference; child made subject of a plan.",
    "Telephone call with {role} to share concerns about attendance.",
    "Assessment completed and shared with the family.",
    "Child did not attend school for five days; welfare call made.",
]
ROLES = [
    "social worker",
    "health visitor",
    "school nurse",
    "class teacher",
    "designated safeguarding lead",
    "police officer",
    "GP",
    "family support worker",
]
TERM_KINDS = [kind for kind, _ in IdentifyingTerm.Kind.choices]


@dataclass
class Shape:
    audits: int = 100
    cases_per_audit: int = 8
    entries_per_return: tuple = (10, 90)  # uniform: 50 on average
    largest_case_entries_per_return: int = 250
    terms_per_case: int = 6
    panel_members: int = 40
    panel_per_audit: int = 6
    contributors_per_agency: int = 3
    board_members: int = 14
    access_log_rows: int = 500_000

    @classmethod
    def quick(cls):
        """A tenth of the years' data or less, for `make bench-quick` (CI): the same kinds of rows, and a
        largest case and return big enough that a query count growing with the data would show."""
        return cls(
            audits=10,
            cases_per_audit=4,
            entries_per_return=(5, 20),
            largest_case_entries_per_return=40,
            terms_per_case=3,
            panel_members=10,
            panel_per_audit=4,
            contributors_per_agency=1,
            board_members=3,
            access_log_rows=20_000,
        )


@dataclass
class World:
    """What the measurements need to find again: the personas and the largest and smallest objects."""

    counts: dict = field(default_factory=dict)
    bm: object = None
    panel: object = None
    board: object = None
    contributor_busiest: object = None
    contributor_quietest: object = None
    largest_audit: object = None
    smallest_audit: object = None
    largest_case: object = None
    smallest_case: object = None
    largest_return: object = None
    smallest_return: object = None
    # The learning app's pages: the recommendation with the longest follow-up chain and one with no
    # follow-up; the programme year with the most entries and the one with the fewest.
    largest_recommendation: object = None
    smallest_recommendation: object = None
    largest_programme_year: int = None
    smallest_programme_year: int = None
    seconds: float = 0.0


def _aware(d, hour=10):
    return timezone.make_aware(datetime.datetime.combine(d, datetime.time(hour)))


def _copy(table, columns, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    count = 0
    for row in rows:
        writer.writerow(["\\N" if v is None else v for v in row])
        count += 1
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", buffer
        )
    return count


def generate(shape=None, *, seed=2016, log=print):
    shape = shape or Shape()
    rnd = random.Random(seed)
    started = time.perf_counter()
    world = World()
    now = timezone.now()
    today = timezone.localdate()
    password = make_password(PASSWORD)

    with transaction.atomic():
        # Ten years of generated rows are loaded as a restore would load them: with row triggers off
        # for this transaction (the change-history triggers would otherwise write an event for every
        # generated row, which is history nobody made). The pages measured read the same tables.
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
        agencies = Agency.objects.bulk_create(
            Agency(
                name=name,
                kind=kind,
                senior_manager_name=f"Senior Manager {i + 1}",
                senior_manager_email=f"senior{i + 1}@agency{i + 1}.example",
            )
            for i, (name, kind) in enumerate(AGENCIES)
        )

        users = [
            User(
                email="bm@bench.example",
                full_name="Bea Manager",
                role=Role.BUSINESS_MANAGER,
                password=password,
            ),
            User(
                email="bm.former@bench.example",
                full_name="Former Manager",
                role=Role.BUSINESS_MANAGER,
                password=password,
            ),
            User(
                email="admin@bench.example",
                full_name="Ada Admin",
                role=Role.ADMINISTRATOR,
                is_staff=True,
                password=password,
            ),
        ]
        users += [
            User(
                email=f"panel{i}@bench.example",
                full_name=f"Panel Member {i}",
                role=Role.PANEL_MEMBER,
                password=password,
            )
            for i in range(shape.panel_members)
        ]
        users += [
            User(
                email=f"board{i}@bench.example",
                full_name=f"Board Member {i}",
                role=Role.BOARD_MEMBER,
                password=password,
            )
            for i in range(shape.board_members)
        ]
        users += [
            User(
                email=f"contrib{a}.{i}@bench.example",
                full_name=f"Contributor {a}.{i}",
                role=Role.AGENCY_CONTRIBUTOR,
                agency=agency,
                password=password,
            )
            for a, agency in enumerate(agencies)
            for i in range(shape.contributors_per_agency)
        ]
        users = User.objects.bulk_create(users, batch_size=BATCH)
        bm = users[0]
        panel_pool = [u for u in users if u.role == Role.PANEL_MEMBER]
        contributors = {}
        for u in users:
            if u.role == Role.AGENCY_CONTRIBUTOR:
                contributors.setdefault(u.agency_id, u)
        world.bm, world.panel = bm, panel_pool[0]
        world.board = next(u for u in users if u.role == Role.BOARD_MEMBER)

        # Audits: ten a year, six-month periods; all closed except the current year's.
        audits = []
        for n in range(shape.audits):
            year = FIRST_YEAR + n * YEARS // shape.audits
            start = datetime.date(year, 1 + (n % 10), 1)
            current = year >= today.year - 1 and n >= shape.audits - 4
            audits.append(
                Audit(
                    title=f"Thematic audit {year}/{n % 10 + 1}: {THEMES[n % len(THEMES)]}",
                    theme=THEMES[n % len(THEMES)],
                    purpose="Examine inter-agency working.\nIdentify effective practice.\nIdentify learning.",
                    period_start=start,
                    period_end=start + datetime.timedelta(days=181),
                    status=Audit.Status.PANEL_REVIEW if current else Audit.Status.CLOSED,
                    created_by=bm,
                )
            )
        audits = Audit.objects.bulk_create(audits, batch_size=BATCH)

        memberships = []
        for i, audit in enumerate(audits):
            members = rnd.sample(panel_pool[1:], shape.panel_per_audit - 1)
            # The benchmark's panel member is long-serving: a third of the audits, the first and the last.
            if i % 3 == 0 or i == len(audits) - 1:
                members.insert(0, panel_pool[0])
            memberships += [
                PanelMembership(audit=audit, user=member, panel_role=f"Panel role {j + 1}", is_chair=j == 0)
                for j, member in enumerate(members)
            ]
        PanelMembership.objects.bulk_create(memberships, batch_size=BATCH)

        cases = []
        for audit in audits:
            for number in range(1, shape.cases_per_audit + 1):
                status = rnd.choice(Case.ChildStatus.values)
                cases.append(
                    Case(
                        audit=audit,
                        number=number,
                        pseudonym=f"Case {number_in_words(number)}",
                        selection_basis=rnd.choice(Case.SelectionBasis.values),
                        child_status=status,
                        method=Case.Method.MEETING
                        if status in (Case.ChildStatus.CP_PLAN, Case.ChildStatus.LOOKED_AFTER)
                        else Case.Method.PAPER,
                        summary="An anonymised summary for the panel.",
                    )
                )
        cases = Case.objects.bulk_create(cases, batch_size=BATCH)
        largest_case = next(c for c in cases if c.audit_id == audits[-1].pk)
        world.largest_audit, world.smallest_audit = audits[-1], audits[0]
        world.largest_case = largest_case

        Through = Case.agencies.through
        case_agencies = {}
        links = []
        for case in cases:
            chosen = agencies if case is largest_case else rnd.sample(agencies, rnd.randint(5, 10))
            case_agencies[case.pk] = chosen
            links += [Through(case_id=case.pk, agency_id=a.pk) for a in chosen]
        Through.objects.bulk_create(links, batch_size=BATCH)
        smallest_case = min(
            (c for c in cases if c.audit_id == audits[0].pk), key=lambda c: len(case_agencies[c.pk])
        )
        world.smallest_case = smallest_case

        audit_by_pk = {a.pk: a for a in audits}
        returns = []
        for case in cases:
            audit = audit_by_pk[case.audit_id]
            closed = audit.status == Audit.Status.CLOSED
            for agency in case_agencies[case.pk]:
                returns.append(
                    AgencyReturn(
                        case=case,
                        agency=agency,
                        template=AgencyReturn.Template.KEY_EVENTS_CHRONOLOGY
                        if case.method == Case.Method.MEETING
                        else AgencyReturn.Template.KEY_EVENTS_ANALYSIS,
                        status=AgencyReturn.Status.ACCEPTED
                        if closed
                        else rnd.choice(AgencyReturn.Status.values),
                        due_date=audit.period_end + datetime.timedelta(days=42),
                        requested_by=bm,
                        involvement="Involvement described by role.",
                        submitted_at=_aware(audit.period_end) if closed else None,
                        accepted_at=_aware(audit.period_end) if closed else None,
                    )
                )
        returns = AgencyReturn.objects.bulk_create(returns, batch_size=BATCH)
        per_agency = {}
        for r in returns:
            per_agency[r.agency_id] = per_agency.get(r.agency_id, 0) + 1
        busiest = max(per_agency, key=per_agency.get)
        quietest = min(per_agency, key=per_agency.get)
        world.contributor_busiest, world.contributor_quietest = contributors[busiest], contributors[quietest]
        log(
            f"  users, agencies, audits, cases, {len(returns):,} returns: {time.perf_counter() - started:.1f} s"
        )

        case_by_pk = {c.pk: c for c in cases}
        entry_counts = {}

        def entry_rows():
            stamp = now.isoformat()
            for r in returns:
                case = case_by_pk[r.case_id]
                audit = audit_by_pk[case.audit_id]
                n = (
                    shape.largest_case_entries_per_return
                    if case is largest_case
                    else rnd.randint(*shape.entries_per_return)
                )
                entry_counts[r.pk] = n
                span = (audit.period_end - audit.period_start).days + 730
                first = audit.period_start - datetime.timedelta(days=730)
                for position in range(n):
                    d = first + datetime.timedelta(days=rnd.randrange(span))
                    yield (
                        r.pk,
                        position,
                        d.isoformat(),
                        "day",
                        None,
                        rnd.choice(EVENTS).format(role=rnd.choice(ROLES)),
                        rnd.choice(ROLES),
                        "Case record",
                        "Shows how information was shared." if position % 5 == 0 else "",
                        "t" if position % 9 == 0 else "f",
                        stamp,
                        stamp,
                    )

        entries = _copy(
            ChronologyEntry._meta.db_table,
            [
                "agency_return_id",
                "position",
                "date",
                "date_precision",
                "time",
                "what_happened",
                "who_involved",
                "source",
                "significance",
                "is_key_event",
                "created_at",
                "updated_at",
            ],
            entry_rows(),
        )
        # The return pages are measured as a contributor, so each return is one of that contributor's.
        busiest_id, quietest_id = world.contributor_busiest.agency_id, world.contributor_quietest.agency_id
        world.largest_return = max(
            (r for r in returns if r.agency_id == busiest_id), key=lambda r: entry_counts[r.pk]
        )
        world.smallest_return = min(
            (r for r in returns if r.agency_id == quietest_id), key=lambda r: entry_counts[r.pk]
        )
        # The agency is still working on its largest return (so saving it can be measured), and its
        # smallest one too: the pages compared are the same kind of page.
        AgencyReturn.objects.filter(pk__in=[world.largest_return.pk, world.smallest_return.pk]).update(
            status=AgencyReturn.Status.DRAFT, submitted_at=None, accepted_at=None
        )
        world.largest_return.status = world.smallest_return.status = AgencyReturn.Status.DRAFT
        log(f"  {entries:,} chronology entries (COPY): {time.perf_counter() - started:.1f} s")

        terms = [
            IdentifyingTerm(
                case=case,
                kind=TERM_KINDS[i % len(TERM_KINDS)],
                value=f"Fictional term {case.pk}-{i}",
                created_by=bm,
            )
            for case in cases
            for i in range(shape.terms_per_case)
        ]
        IdentifyingTerm.objects.bulk_create(terms, batch_size=BATCH)

        panel_by_audit = {}
        for m in PanelMembership.objects.all():
            panel_by_audit.setdefault(m.audit_id, []).append(m.user_id)
        CaseNote.objects.bulk_create(
            (
                CaseNote(
                    case=case,
                    author_id=rnd.choice(panel_by_audit[case.audit_id]),
                    body=f"Panel note {i + 1}.",
                )
                for case in cases
                for i in range(3)
            ),
            batch_size=BATCH,
        )
        points = LearningPoint.objects.bulk_create(
            (
                LearningPoint(
                    case=case,
                    position=i + 1,
                    kind=rnd.choice(LearningPoint.Kind.values),
                    text=f"Learning point {i + 1}: {rnd.choice(LEARNING_PHRASES)} {rnd.choice(LEARNING_PHRASES)}",
                    created_by=bm,
                )
                for case in cases
                for i in range(5)
            ),
            batch_size=BATCH,
        )
        _tag_with_themes(points, "learning_points", "learningpoint_id", rnd)
        CaseAssurance.objects.bulk_create(
            (
                CaseAssurance(
                    case=case,
                    finding=CaseAssurance.Finding.NO_CHILD_UNSAFE,
                    statement="No child was left unsafe.",
                    recorded_by=bm,
                )
                for case in cases
            ),
            batch_size=BATCH,
        )
        meetings = ReflectivePracticeMeeting.objects.bulk_create(
            (
                ReflectivePracticeMeeting(
                    case=case,
                    starts_at=_aware(audit_by_pk[case.audit_id].period_end, 13),
                    venue="Northbridge Civic Centre, Room 2",
                    terms_of_reference="Reflect on the practice in this case.",
                    status=ReflectivePracticeMeeting.Status.HELD,
                    created_by=bm,
                )
                for case in cases
                if case.method == Case.Method.MEETING
            ),
            batch_size=BATCH,
        )
        Invitation.objects.bulk_create(
            (
                Invitation(
                    meeting=meeting,
                    agency=agency,
                    name=f"Practitioner {meeting.pk}-{i}",
                    role=ROLES[i % len(ROLES)],
                    email=f"practitioner{meeting.pk}-{i}@agency.example",
                    sent_at=meeting.starts_at - datetime.timedelta(days=30),
                    response=Invitation.Response.ACCEPTED,
                    attendance=Invitation.Attendance.ATTENDED,
                )
                for meeting in meetings
                for i, agency in enumerate(case_agencies[meeting.case_id])
            ),
            batch_size=BATCH,
        )
        AgencyAction.objects.bulk_create(
            (
                AgencyAction(
                    case=case,
                    owner_agency=case_agencies[case.pk][i],
                    description="Review the threshold guidance with front-line staff.",
                    due_date=audit_by_pk[case.audit_id].period_end + datetime.timedelta(days=120),
                    status=AgencyAction.Status.CLOSED,
                    created_by=bm,
                )
                for case in cases
                for i in range(2)
            ),
            batch_size=BATCH,
        )

        board_meetings = BoardMeeting.objects.bulk_create(
            BoardMeeting(date=datetime.date(FIRST_YEAR + q // 4, 1 + 3 * (q % 4), 15), title="Board meeting")
            for q in range(4 * (YEARS + 1))
        )
        recommendations = Recommendation.objects.bulk_create(
            (
                Recommendation(
                    audit=audit,
                    position=i + 1,
                    text=f"Recommendation {i + 1}: agencies assure the Board that practice has improved.",
                    deadline_meeting=None if i % 2 else rnd.choice(board_meetings),
                    deadline_date=audit.period_end + datetime.timedelta(days=365) if i % 2 else None,
                    status=Recommendation.Status.CLOSED
                    if audit.status == Audit.Status.CLOSED
                    else Recommendation.Status.OPEN,
                    created_by=bm,
                )
                for audit in audits
                for i in range(6)
            ),
            batch_size=BATCH,
        )
        _tag_with_themes(recommendations, "recommendations", "recommendation_id", rnd)
        Owners = Recommendation.owners.through
        owner_links, responses = [], []
        for rec in recommendations:
            for agency in rnd.sample(agencies, 3):
                owner_links.append(Owners(recommendation_id=rec.pk, agency_id=agency.pk))
                for k in range(2):
                    responses.append(
                        RecommendationResponse(
                            recommendation=rec,
                            agency=agency,
                            author=contributors[agency.pk],
                            text="Progress update to the Board.",
                            is_final=k == 1,
                        )
                    )
        Owners.objects.bulk_create(owner_links, batch_size=BATCH)
        RecommendationResponse.objects.bulk_create(responses, batch_size=BATCH)
        learning = _programme_and_follow_ups(
            audits,
            recommendations,
            leads=[bm, *panel_pool[:8]],
            bm=bm,
            rnd=rnd,
            today=today,
        )
        _find_learning_objects(world)
        log(f"  registers, reviews, recommendations, programme: {time.perf_counter() - started:.1f} s")

        readers = [u.pk for u in users if u.role in (Role.BUSINESS_MANAGER, Role.PANEL_MEMBER)]
        first_day = datetime.datetime(FIRST_YEAR, 1, 1, tzinfo=datetime.UTC)
        seconds = int((now - first_day).total_seconds())

        def access_rows():
            # In time order, as an append-only log is written (what makes a BRIN index possible at all).
            for offset in sorted(rnd.randrange(seconds) for _ in range(shape.access_log_rows)):
                case = cases[rnd.randrange(len(cases))]
                yield (
                    (first_day + datetime.timedelta(seconds=offset)).isoformat(),
                    rnd.choice(readers),
                    "view",
                    "case",
                    case.pk,
                    case.audit_id,
                    case.pk,
                    f"/cases/{case.pk}/",
                    "10.0.0.1",
                    "Mozilla/5.0",
                )

        access = _copy(
            "accesslog_accesslogentry",
            [
                "at",
                "user_id",
                "action",
                "what",
                "object_id",
                "audit_id",
                "case_id",
                "path",
                "ip_address",
                "user_agent",
            ],
            access_rows(),
        )
        log(f"  {access:,} access-log entries (COPY): {time.perf_counter() - started:.1f} s")

    with connection.cursor() as cursor:
        # As a restored database is after autovacuum: statistics and visibility maps. VACUUM cannot run
        # inside a transaction (the test of this generator runs in one): statistics alone there.
        cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    world.counts = {
        "agencies": len(agencies),
        "users": len(users),
        "audits": len(audits),
        "cases": len(cases),
        "returns": len(returns),
        "chronology entries": entries,
        "identifying terms": len(terms),
        "recommendations": len(recommendations),
        **learning,
        "access-log entries": access,
    }
    world.seconds = time.perf_counter() - started
    return world


def world_from_database():
    """Find the personas and the largest/smallest objects again in an already generated database."""
    from django.db.models import Count

    world = World()
    world.bm = User.objects.get(email="bm@bench.example")
    world.panel = User.objects.get(email="panel0@bench.example")
    world.board = User.objects.get(email="board0@bench.example")
    by_agency = AgencyReturn.objects.values("agency").annotate(n=Count("pk")).order_by("-n")
    busiest, quietest = by_agency.first()["agency"], by_agency.last()["agency"]
    world.contributor_busiest = User.objects.filter(agency_id=busiest).order_by("pk").first()
    world.contributor_quietest = User.objects.filter(agency_id=quietest).order_by("pk").first()
    audits = Audit.objects.filter(panel_memberships__user=world.panel).order_by("pk")
    world.smallest_audit, world.largest_audit = audits.first(), audits.last()
    cases = Case.objects.annotate(n=Count("returns__entries"))
    world.largest_case = cases.order_by("-n").first()
    world.smallest_case = cases.filter(audit=world.smallest_audit).order_by("n").first()
    returns = AgencyReturn.objects.annotate(n=Count("entries"))
    world.largest_return = returns.filter(agency_id=busiest).order_by("-n").first()
    world.smallest_return = returns.filter(agency_id=quietest).order_by("n").first()
    _find_learning_objects(world)
    world.counts = {
        "agencies": Agency.objects.count(),
        "users": User.objects.count(),
        "audits": Audit.objects.count(),
        "cases": Case.objects.count(),
        "returns": AgencyReturn.objects.count(),
        "chronology entries": ChronologyEntry.objects.count(),
        "identifying terms": IdentifyingTerm.objects.count(),
        "recommendations": Recommendation.objects.count(),
        **_learning_counts(),
        "access-log entries": _count("accesslog_accesslogentry"),
    }
    return world


def _learning_counts():
    try:
        from learning.models import ProgrammeEntry, ReAudit, RecommendationFollowUp
    except ImportError:
        return {}
    return {
        "programme entries": ProgrammeEntry.objects.count(),
        "follow-ups": RecommendationFollowUp.objects.count(),
        "re-audits": ReAudit.objects.count(),
    }


def _find_learning_objects(world):
    """The recommendation whose follow-up chain starts earliest (the longest) and one of the smallest
    audit with no follow-up; the programme years with the most and the fewest entries."""
    try:
        from learning.models import ProgrammeEntry
    except ImportError:
        return
    from django.db.models import Count

    followed = Recommendation.objects.filter(follow_up__audit__isnull=False).order_by(
        "audit__period_end", "position", "pk"
    )
    world.largest_recommendation = followed.first()
    world.smallest_recommendation = (
        Recommendation.objects.filter(audit=world.smallest_audit, follow_up__isnull=True)
        .order_by("position", "pk")
        .first()
    )
    years = list(
        ProgrammeEntry.objects.values("year")
        .annotate(n=Count("pk"))
        .order_by("-n", "-year")
        .values_list("year", flat=True)
    )
    if years:
        world.largest_programme_year, world.smallest_programme_year = years[0], years[-1]


def _count(table):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        return cursor.fetchone()[0]
