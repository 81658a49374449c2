"""What the learning app publishes: the practitioner briefing of an audit and the Partnership's yearly
report section. Both are built from the records (figures are counted, never typed), rendered by the
same safe PDF renderer as the audit report, and checked by the same leak guard over their texts and
the PDF itself: any hit (a register term, a pattern, a possible name) blocks publication. A published
version is immutable, numbered like the audit report's versions.

Anonymised by construction: no names, no case detail; the yearly report prints only counts, theme
names, audit titles and the reasons the Business Manager gave for overdue recommendations (checked).
"""

import csv
import datetime
import hashlib
import io
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import Role
from audittools.models import Grade
from audittools.selectors import graded_answers
from cases.models import AgencyReturn, Audit, IdentifyingTerm
from core import leakguard
from core.pdf import render_pdf
from recommendations.models import Recommendation, RecommendationResponse
from recommendations.tracker import RagState, with_rag_state
from reports.services import board_vocabulary, pdf_texts
from reviews.models import Invitation, LearningPoint, ReflectivePracticeMeeting, SafeguardingConcern

from .models import Briefing, ProgrammeEntry, Publication, ReAudit, RecommendationFollowUp, Theme

PDF_VARIANT = "pdf/ua-1"


@dataclass
class Section:
    title: str
    rows: list = field(default_factory=list)  # [(label, value)]
    notes: list = field(default_factory=list)  # sentences
    columns: tuple = ("", "")


@dataclass
class Document:
    title: str
    subtitle: str
    sections: list

    def located_texts(self):
        texts = [
            leakguard.LocatedText("Title", "Title", self.title, object_type="title"),
            leakguard.LocatedText("Title", "Subtitle", self.subtitle, object_type="title"),
        ]
        for section in self.sections:
            texts.append(
                leakguard.LocatedText(section.title, "Heading", section.title, object_type="section")
            )
            for label, value in section.rows:
                texts.append(
                    leakguard.LocatedText(section.title, "Row", f"{label}: {value}", object_type="row")
                )
            for note in section.notes:
                texts.append(leakguard.LocatedText(section.title, "Text", note, object_type="text"))
        return texts

    def csv_text(self):
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["section", "label", "value"])
        for section in self.sections:
            for label, value in section.rows:
                writer.writerow([_cell(section.title), _cell(label), _cell(value)])
            for note in section.notes:
                writer.writerow([_cell(section.title), "", _cell(note)])
        return out.getvalue()


def _cell(value):
    from core.spreadsheet import export_cell

    return export_cell(str(value))


def _uk(d):
    return f"{d.day} {d:%B %Y}"


# --- The yearly report section ---------------------------------------------------------------------


def _final_grades(audit):
    _tool, answers = graded_answers(audit=audit)
    return [a.final_grade for a in answers]


def yearly_report(*, period_start, period_end, today=None):
    """The yearly report section for a period, every figure counted from the records."""
    today = today or timezone.localdate()
    audits = list(
        Audit.objects.filter(period_end__gte=period_start, period_end__lte=period_end).order_by(
            "period_end", "title"
        )
    )
    audit_ids = [a.pk for a in audits]
    sections = []

    # 1. Audits completed against the programme, with their themes.
    entries = list(
        ProgrammeEntry.objects.filter(year__gte=period_start.year, year__lte=period_end.year).select_related(
            "theme"
        )
    )
    status = Counter(e.status for e in entries)
    themes_of = defaultdict(set)
    for theme_name, audit_id in Theme.audits.through.objects.filter(audit_id__in=audit_ids).values_list(
        "theme__name", "audit_id"
    ):
        themes_of[audit_id].add(theme_name)
    for theme_name, audit_id in (
        Theme.learning_points.through.objects.filter(learningpoint__case__audit_id__in=audit_ids)
        .values_list("theme__name", "learningpoint__case__audit_id")
        .distinct()
    ):
        themes_of[audit_id].add(theme_name)
    completed = [
        a
        for a in audits
        if a.status in (Audit.Status.REPORTING, Audit.Status.MONITORING, Audit.Status.CLOSED)
    ]
    rows = [
        ("Audits planned in the programme", len(entries)),
        ("Planned audits done", status[ProgrammeEntry.Status.DONE]),
        ("Planned audits in progress", status[ProgrammeEntry.Status.IN_PROGRESS]),
        ("Planned audits slipped", status[ProgrammeEntry.Status.SLIPPED]),
        ("Planned audits not started", status[ProgrammeEntry.Status.PLANNED]),
        ("Audits in the period", len(audits)),
        ("Audits completed (reporting, monitoring or closed)", len(completed)),
    ]
    notes = [f"{a.title}: {', '.join(sorted(themes_of[a.pk])) or 'no theme recorded'}." for a in audits]
    sections.append(Section("Audits against the programme", rows, notes, ("", "Number")))

    # 2. Grade distributions, and their change year on year.
    by_year = defaultdict(list)
    for a in Audit.objects.filter(period_end__year__gte=period_start.year - 1, period_end__lte=period_end):
        by_year[a.period_end.year].extend(_final_grades(a))
    rows = []
    for year in sorted(by_year):
        grades = Counter(by_year[year])
        total = sum(grades.values())
        good = grades[Grade.OUTSTANDING] + grades[Grade.GOOD]
        rows.append(
            (
                str(year),
                f"{total} graded answers: "
                + ", ".join(f"{grades[g]} {Grade(g).label.lower()}" for g in Grade.values)
                + (f"; {round(100 * good / total)}% good or better" if total else ""),
            )
        )
    sections.append(Section("Grades, year on year", rows, [], ("Year", "Final grades")))

    # 3. Learning by theme.
    points = Counter(
        Theme.learning_points.through.objects.filter(learningpoint__case__audit_id__in=audit_ids).values_list(
            "theme__name", flat=True
        )
    )
    untagged = LearningPoint.objects.filter(case__audit_id__in=audit_ids, themes__isnull=True).count()
    rows = [(name, n) for name, n in sorted(points.items(), key=lambda kv: (-kv[1], kv[0]))]
    rows.append(("Learning points without a theme", untagged))
    sections.append(Section("Learning by theme", rows, [], ("Theme", "Learning points")))

    # 4. Immediate safeguarding concerns raised and resolved.
    start_dt = timezone.make_aware(datetime.datetime.combine(period_start, datetime.time.min))
    end_dt = timezone.make_aware(datetime.datetime.combine(period_end, datetime.time.max))
    concerns = SafeguardingConcern.objects.filter(raised_at__range=(start_dt, end_dt))
    sections.append(
        Section(
            "Immediate safeguarding concerns",
            [
                ("Raised", concerns.count()),
                ("Resolved", concerns.filter(status=SafeguardingConcern.Status.RESOLVED).count()),
                ("Not yet resolved", concerns.exclude(status=SafeguardingConcern.Status.RESOLVED).count()),
            ],
            [],
            ("", "Number"),
        )
    )

    # 5. Recommendations made, assured and overdue (with the reasons given).
    recs = list(
        with_rag_state(
            Recommendation.objects.filter(audit_id__in=audit_ids).select_related("audit"), today=today
        )
    )
    overdue = [r for r in recs if r.rag == RagState.OVERDUE]
    notes = [
        f"{r.audit.title} ({r.letter}): overdue since {_uk(r.deadline_on)}"
        + (f"; reason given: {r.status_reason}" if r.status_reason else "; no reason recorded")
        for r in overdue
    ]
    sections.append(
        Section(
            "Recommendations",
            [
                ("Made", len(recs)),
                ("Assured", sum(1 for r in recs if r.rag == RagState.ASSURED)),
                ("Closed", sum(1 for r in recs if r.rag == RagState.CLOSED)),
                ("Overdue", len(overdue)),
                (
                    "On track or due soon",
                    sum(1 for r in recs if r.rag in (RagState.ON_TRACK, RagState.DUE_SOON)),
                ),
            ],
            notes,
            ("", "Number"),
        )
    )

    # 6. Agencies' response times: days from a return's request to its submission, and from a
    # recommendation to the agency's first response.
    return_days = defaultdict(list)
    for agency, created, submitted in AgencyReturn.objects.filter(
        case__audit_id__in=audit_ids, submitted_at__isnull=False
    ).values_list("agency__name", "created_at", "submitted_at"):
        return_days[agency].append((submitted - created).days)
    first_response = {}
    for rec_id, agency, created, rec_created in (
        RecommendationResponse.objects.filter(recommendation__audit_id__in=audit_ids)
        .order_by("created_at")
        .values_list("recommendation_id", "agency__name", "created_at", "recommendation__created_at")
    ):
        first_response.setdefault((rec_id, agency), (created - rec_created).days)
    response_days = defaultdict(list)
    for (_rec, agency), days in first_response.items():
        response_days[agency].append(days)
    rows = []
    for agency in sorted(set(return_days) | set(response_days)):
        parts = []
        if return_days[agency]:
            parts.append(
                f"returns in {statistics.median(return_days[agency]):g} days (median of {len(return_days[agency])})"
            )
        if response_days[agency]:
            parts.append(
                f"first response to a recommendation in {statistics.median(response_days[agency]):g} days "
                f"(median of {len(response_days[agency])})"
            )
        rows.append((agency, "; ".join(parts)))
    sections.append(Section("Agencies' response times", rows, [], ("Agency", "Median days")))

    # 7. Attendance at reflective practice meetings held in the period.
    meetings = ReflectivePracticeMeeting.objects.filter(
        starts_at__range=(start_dt, end_dt), status=ReflectivePracticeMeeting.Status.HELD
    )
    invitations = Invitation.objects.filter(meeting__in=meetings)
    recorded = invitations.exclude(attendance=Invitation.Attendance.UNKNOWN).count()
    attended = invitations.filter(attendance=Invitation.Attendance.ATTENDED).count()
    sections.append(
        Section(
            "Reflective practice meetings",
            [
                ("Meetings held", meetings.count()),
                ("Practitioners invited", invitations.count()),
                ("Attended", attended),
                ("Attendance rate", f"{round(100 * attended / recorded)}%" if recorded else "Not recorded"),
            ],
            [],
            ("", "Number"),
        )
    )

    # 8. What changed: follow-up audits and re-audits in the period.
    notes = []
    for f in RecommendationFollowUp.objects.filter(audit_id__in=audit_ids).select_related(
        "recommendation__audit", "audit"
    ):
        notes.append(
            f"Recommendation ({f.recommendation.letter}) of {f.recommendation.audit.title} was followed up by "
            f"{f.audit.title}."
        )
    for link in ReAudit.objects.filter(audit_id__in=audit_ids).select_related("audit", "earlier"):
        before, after = _final_grades(link.earlier), _final_grades(link.audit)

        def share(grades):
            return (
                f"{round(100 * sum(1 for g in grades if g in (Grade.OUTSTANDING, Grade.GOOD)) / len(grades))}%"
                if grades
                else "no grades"
            )

        notes.append(
            f"{link.audit.title} re-audited {link.earlier.title}: good or better {share(before)} before, "
            f"{share(after)} after."
        )
    sections.append(
        Section(
            "What changed",
            [("Follow-up audits and re-audits", len(notes))],
            notes or ["No follow-up audit or re-audit reported in the period."],
            ("", "Number"),
        )
    )
    return Document(
        title=f"Learning from audits: {_uk(period_start)} to {_uk(period_end)}",
        subtitle=f"{settings.BOARD_NAME}: the yearly report's section on multi-agency audits",
        sections=sections,
    )


# --- The 7-minute briefing -------------------------------------------------------------------------


def briefing_document(*, audit):
    briefing = Briefing.objects.filter(audit=audit).first()
    points = list(LearningPoint.objects.filter(case__audit=audit).order_by("case__number", "position")[:8])
    recs = list(Recommendation.objects.filter(audit=audit).order_by("position")[:8])
    why = (briefing.why_it_matters if briefing else "") or "\n".join(audit.purpose_items)
    questions = [q.strip() for q in (briefing.questions if briefing else "").splitlines() if q.strip()]
    sections = [
        Section("Why it matters", [], [why]),
        Section(
            "What we found", [], [p.text for p in points] or ["The panel's findings are not yet recorded."]
        ),
        Section(
            "What needs to change",
            [],
            [f"({r.letter}) {r.text}" for r in recs] or ["No recommendations yet."],
        ),
    ]
    if questions:
        sections.append(Section("Questions to ask yourself", [], questions))
    if briefing and briefing.find_out_more:
        sections.append(Section("Find out more", [], [briefing.find_out_more]))
    return Document(
        title=f"7-minute briefing: {audit.title}", subtitle=settings.BOARD_NAME, sections=sections
    )


# --- Rendering, checking, publishing ------------------------------------------------------------------


def render(document):
    html = render_to_string("learning/pdf/document.html", {"doc": document})
    css = render_to_string("learning/pdf/document.css", {})
    return render_pdf(html=html, css=css, pdf_variant=PDF_VARIANT, metadata=None)


def register_terms(*, audit=None):
    """The registers the guard reads: the audit's for a briefing, every case's for the yearly report."""
    terms = IdentifyingTerm.objects.select_related("case")
    if audit is not None:
        terms = terms.filter(case__audit=audit)
    return [
        leakguard.Term(case_id=t.case_id, case_label=t.case.pseudonym, kind=t.kind, value=t.value)
        for t in terms.order_by("pk")
    ]


def check(document, pdf, *, terms, today=None):
    """Every hit in the document's texts and in the PDF as it will be read."""
    guard = leakguard.Guard(terms, today=today or timezone.localdate(), vocabulary=board_vocabulary())
    hits = guard.check_all(document.located_texts())
    seen = {(h.kind, h.rule, h.key) for h in hits}
    hits += [h for h in guard.check_all(pdf_texts(pdf)) if (h.kind, h.rule, h.key) not in seen]
    return hits


def describe(hit):
    """A hit as the Business Manager reads it: where, and what kind, never the term itself for a
    register hit (only the kind and the case)."""
    where = f"{hit.where.section}, {hit.where.label}" + (f" (page {hit.page})" if hit.page else "")
    if hit.kind == leakguard.KIND_REGISTER:
        return f"{where}: a registered {hit.rule.replace('_', ' ')} of {hit.term_case_label or 'a case'}"
    return f"{where}: {leakguard.PATTERN_LABELS.get(hit.rule, hit.rule)} “{hit.matched}”"


def preview(document, *, terms):
    pdf = render(document)
    return pdf, check(document, pdf, terms=terms)


def _require_business_manager(actor):
    if actor.role != Role.BUSINESS_MANAGER:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("Only the Business Manager publishes.")


@transaction.atomic
def publish(*, kind, actor, audit=None, period_start=None, period_end=None, today=None):
    """Build, check and publish the next version. Refused on any leak guard hit, in the texts or in the
    PDF itself; nothing is kept then."""
    _require_business_manager(actor)
    if kind == Publication.Kind.BRIEFING:
        Audit.objects.select_for_update().get(pk=audit.pk)
        document, terms = briefing_document(audit=audit), register_terms(audit=audit)
        scope = {"audit": audit}
    else:
        if period_end < period_start or (period_end - period_start).days > 400:
            raise ValidationError("Choose a period of at most a year, its end after its start.")
        document, terms = (
            yearly_report(period_start=period_start, period_end=period_end, today=today),
            register_terms(),
        )
        scope = {"period_start": period_start, "period_end": period_end}
    pdf = render(document)
    hits = check(document, pdf, terms=terms, today=today)
    if hits:
        raise ValidationError(
            [
                f"The leak guard found {len(hits)} identifying detail{'s' if len(hits) != 1 else ''}: fix the text and try again."
            ]
            + [describe(h) for h in hits[:10]]
        )
    number = (Publication.objects.filter(kind=kind, **scope).aggregate(n=Max("number"))["n"] or 0) + 1
    return Publication.objects.create(
        kind=kind,
        number=number,
        pdf=pdf,
        csv=document.csv_text() if kind == Publication.Kind.YEARLY else "",
        sha256=hashlib.sha256(pdf).hexdigest(),
        size=len(pdf),
        published_by=actor,
        **scope,
    )


@transaction.atomic
def briefing_save(*, audit, actor, why_it_matters, questions, find_out_more):
    """The Business Manager edits the briefing's own texts (saved even with a term: publishing refuses)."""
    _require_business_manager(actor)
    briefing = Briefing.objects.select_for_update().filter(audit=audit).first() or Briefing(audit=audit)
    briefing.why_it_matters = why_it_matters.strip()
    briefing.questions = questions.strip()
    briefing.find_out_more = find_out_more.strip()
    briefing.updated_by = actor
    briefing.save()
    return briefing


def publication_list_for_user(*, user):
    """Published briefings and yearly reports: the Business Manager, Board members and quality
    assurance all of them; panel members and contributors the briefings of audits whose report they may
    read, and every yearly report (counts only)."""
    from django.db.models import Q

    from reports.selectors import published_audit_list_for_user

    published = Publication.objects.defer("pdf", "csv").select_related("audit")
    if user.role in (Role.BUSINESS_MANAGER, Role.BOARD_MEMBER, getattr(Role, "QUALITY_ASSURANCE", None)):
        return published
    if user.role in (Role.PANEL_MEMBER, Role.AGENCY_CONTRIBUTOR):
        return published.filter(
            Q(kind=Publication.Kind.YEARLY)
            | Q(audit__in=published_audit_list_for_user(user=user).values("pk"))
        )
    return published.none()
