"""What goes into the anonymised report, read from the audit's records.

Anonymised by construction: this module reads only what the seed report publishes (purpose, case
pseudonyms and methods, learning points, assurance, panel roles, agency names, recommendations).
It never reads case notes, confidential agency actions, the identifying-terms register, practitioner
invitations, chronologies or any user's name.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Prefetch
from django.utils.dateformat import format as date_format

from audittools.selectors import grades_annex
from cases.models import Agency, AgencyReturn, Audit, Case, number_in_words
from core.leakguard import LocatedText
from core.numerals import roman
from recommendations.models import Recommendation
from recommendations.tracker import rag_state
from reviews.models import CaseAssurance, LearningPoint, SafeguardingConcern

SECTION_TITLE = "Title page"
SECTION_WHAT_WE_DID = "What we did"
SECTION_HOW = "How we did this"
SECTION_FOUND = "What we found"
SECTION_RECOMMEND = "What we recommend should happen now"
SECTION_ANNEX = "Annex: recommendation tracker"
SECTION_ANNEX_GRADES = "Annex: grades"

METHOD_DESCRIPTIONS = {
    Case.Method.PAPER: (
        "used where the child protection process had ended. The case was audited from agency records: "
        "each agency that had worked with the child described what it did, set out the key events in date "
        "order and judged how well it had engaged the child and family (key events & analysis return)."
    ),
    Case.Method.MEETING: (
        "used where the child was looked after or on a child protection plan. The practitioners most "
        "involved with the child were invited to a reflective practice meeting, where their experience "
        "could be heard first hand. Beforehand each agency summarised its involvement, set out the key "
        "events in date order and briefly analysed policy and procedure, professional practice and the "
        "lessons learnt so far (key events & chronology return)."
    ),
}

CONTRIBUTED_STATUSES = (AgencyReturn.Status.SUBMITTED, AgencyReturn.Status.ACCEPTED)


def uk_date(value):
    return date_format(value, "j F Y") if value else ""


def count_in_words(n):
    return number_in_words(n).lower() if 0 < n < 1000 else str(n)


@dataclass
class CaseFindings:
    case: Case
    learning_points: list  # [(numeral, LearningPoint)]
    assurance: CaseAssurance | None


@dataclass
class RecommendationLine:
    recommendation: Recommendation
    letter: str
    owners: list
    deadline_text: str
    rag: str
    rag_value: str = ""

    @property
    def short_text(self):
        """The recommendation's first sentence, or its first 25 words: enough to know it in the annex."""
        text = " ".join(self.recommendation.text.split())
        first = text.split(". ", 1)[0].rstrip(".")
        words = first.split()
        return (" ".join(words[:25]) + "…") if len(words) > 25 else first + "."


@dataclass
class ReportContent:
    board_name: str
    audit: Audit
    build_date: object
    what_we_did: str
    how_we_did_this: str
    assurance: str
    purpose_items: list
    method_counts: list  # [(method label, count, description)]
    selection_counts: list  # [(selection basis label, count)]
    panel_roles: list
    agencies: list
    # Agencies asked for a return that sent none (submitted or accepted) by the build: named in the report.
    agencies_not_returned: list = field(default_factory=list)
    # The assurance statement, when every case has the same one: printed once, not under each case.
    common_assurance: str = ""
    cases: list = field(default_factory=list)  # [CaseFindings]
    recommendations: list = field(default_factory=list)  # [RecommendationLine]
    # Aggregate grade counts per domain (audittools.selectors.grades_annex), or None: no annex.
    grades_annex: list | None = None
    # (raised, resolved) immediate safeguarding concerns: counts only, never what they were.
    concern_counts: tuple = (0, 0)

    @property
    def title(self):
        return self.audit.title

    @property
    def agencies_asked_count(self):
        return len(self.agencies) + len(self.agencies_not_returned)

    def located_texts(self):
        """Every text the report prints that a user typed, with where it is: the leak guard's input."""
        audit = self.audit
        texts = [
            LocatedText(SECTION_TITLE, "Audit title", audit.title, object_type="audit", object_id=audit.pk),
            LocatedText(SECTION_TITLE, "Audit theme", audit.theme, object_type="audit", object_id=audit.pk),
            LocatedText(
                SECTION_WHAT_WE_DID,
                "Framing text",
                self.what_we_did,
                object_type="framing",
                object_id=audit.pk,
            ),
        ]
        texts += [
            LocatedText(SECTION_WHAT_WE_DID, f"Purpose {i}", item, object_type="audit", object_id=audit.pk)
            for i, item in enumerate(self.purpose_items, start=1)
        ]
        texts.append(
            LocatedText(
                SECTION_HOW, "Framing text", self.how_we_did_this, object_type="framing", object_id=audit.pk
            )
        )
        texts += [
            LocatedText(SECTION_HOW, "Panel role", role, object_type="panel", object_id=audit.pk)
            for role in self.panel_roles
        ]
        texts += [
            LocatedText(SECTION_HOW, "Contributing agency", name, object_type="agency")
            for name in self.agencies
        ]
        texts.append(
            LocatedText(
                SECTION_FOUND,
                "Assurance paragraph",
                self.assurance,
                object_type="framing",
                object_id=audit.pk,
            )
        )
        for findings in self.cases:
            case = findings.case
            for numeral, point in findings.learning_points:
                texts.append(
                    LocatedText(
                        SECTION_FOUND,
                        f"Learning point {numeral}",
                        point.text,
                        case_id=case.pk,
                        case_label=case.pseudonym,
                        object_type="learning_point",
                        object_id=point.pk,
                    )
                )
            if findings.assurance and findings.assurance.statement:
                texts.append(
                    LocatedText(
                        SECTION_FOUND,
                        "Assurance statement",
                        findings.assurance.statement,
                        case_id=case.pk,
                        case_label=case.pseudonym,
                        object_type="assurance",
                        object_id=findings.assurance.pk,
                    )
                )
        for line in self.grades_annex or []:
            texts.append(
                LocatedText(
                    SECTION_ANNEX_GRADES,
                    "Domain title",
                    line["domain"],
                    object_type="audit_tool",
                    object_id=audit.pk,
                )
            )
        for line in self.recommendations:
            texts.append(
                LocatedText(
                    SECTION_RECOMMEND,
                    f"Recommendation {line.letter}",
                    line.recommendation.text,
                    object_type="recommendation",
                    object_id=line.recommendation.pk,
                )
            )
            texts += [
                LocatedText(
                    SECTION_RECOMMEND, f"Recommendation {line.letter}: owner", owner, object_type="agency"
                )
                for owner in line.owners
            ]
            rec = line.recommendation
            texts.append(
                LocatedText(
                    SECTION_RECOMMEND,
                    f"Recommendation {line.letter}: deadline",
                    line.deadline_text,
                    object_type="board_meeting" if rec.deadline_meeting_id else "recommendation",
                    object_id=rec.deadline_meeting_id or rec.pk,
                )
            )
        return texts


def framing_defaults(*, audit, cases=None, agencies=None, panel_roles=None):
    """Default framing text, drawn from the audit's records, in the report's own words."""
    cases = list(audit.cases.select_related("assurance")) if cases is None else cases
    agencies = contributing_agencies(audit=audit) if agencies is None else agencies
    panel_roles = panel_roles_of(audit=audit) if panel_roles is None else panel_roles
    n = len(cases)
    children = f"{count_in_words(n)} {'child' if n == 1 else 'children'}"
    what = (
        f"The {settings.BOARD_NAME}'s multi-agency audit team ran a thematic learning review "
        f"({audit.theme.strip().rstrip('.').lower() or 'thematic audit'}) to find out how well agencies, "
        f"working together, had responded to a sample of {children}."
    )
    # The counts by method and by selection basis, and the agencies that returned, are printed in their
    # own parts of the section: the default text does not say them a second time.
    how = (
        "The cases were drawn from children who had been the subject of a Section 47 enquiry or a child "
        "protection conference, and each was audited by one of two methods, chosen by where the child's "
        "case stood."
    )
    if panel_roles:
        how += (
            f"\n\nA panel of {count_in_words(len(panel_roles))} led the review. Before it met, the Business "
            "Manager gathered every agency's return for each case and sent them to the panel, together with a "
            "timeline of the key events."
        )
    assurances = [getattr(c, "assurance", None) for c in cases]
    unsafe = sum(1 for a in assurances if a and a.finding == CaseAssurance.Finding.CHILD_UNSAFE)
    undetermined = sum(1 for a in assurances if not a or a.finding == CaseAssurance.Finding.NOT_DETERMINED)
    assurance = (
        "The panel considered the learning from each case and whether the teams involved needed to take "
        "specific actions, then drew up recommendations for the Board. Actions for individual agencies have "
        "gone back to them in confidence and the audit group is following them up; for that reason they are "
        "not part of this report."
    )
    if n and not unsafe and not undetermined:
        assurance += (
            " The Board can take assurance that the audit group found no child, in any of these "
            f"{count_in_words(n)} cases, left unsafe or at risk of further harm."
        )
    elif unsafe:
        assurance += (
            f" In {count_in_words(unsafe)} of the {count_in_words(n)} cases the audit group found that a child "
            "had been left unsafe or at risk of further harm; this was escalated at once."
        )
    return {"what_we_did": what, "how_we_did_this": how, "assurance": assurance}


def contributing_agencies(*, audit):
    """Agencies with at least one submitted or accepted return in the audit, by name."""
    return list(
        Agency.objects.filter(returns__case__audit=audit, returns__status__in=CONTRIBUTED_STATUSES)
        .distinct()
        .order_by("name")
        .values_list("name", flat=True)
    )


def agencies_asked(*, audit):
    """Agencies asked for at least one return in the audit, by name."""
    return list(
        Agency.objects.filter(returns__case__audit=audit)
        .distinct()
        .order_by("name")
        .values_list("name", flat=True)
    )


def common_assurance_statement(cases):
    """The statement, when two or more cases all carry the same one (ignoring spacing and case)."""
    statements = [getattr(getattr(c, "assurance", None), "statement", "") or "" for c in cases]
    if len(statements) < 2 or not all(s.strip() for s in statements):
        return ""
    normal = {" ".join(s.split()).lower() for s in statements}
    return statements[0].strip() if len(normal) == 1 else ""


def panel_roles_of(*, audit):
    """The panel by role only, chair first: never members' names."""
    return list(
        audit.panel_memberships.order_by("-is_chair", "panel_role").values_list("panel_role", flat=True)
    )


def report_content(*, audit, build_date):
    """Everything the report prints, read in a fixed number of queries whatever the audit's size."""
    audit = Audit.objects.get(pk=audit.pk)
    cases = list(
        audit.cases.select_related("assurance")
        .prefetch_related(
            Prefetch("learning_points", queryset=LearningPoint.objects.order_by("position", "pk"))
        )
        .order_by("number")
    )
    agencies = contributing_agencies(audit=audit)
    panel_roles = panel_roles_of(audit=audit)
    defaults = framing_defaults(audit=audit, cases=cases, agencies=agencies, panel_roles=panel_roles)
    framing = getattr(audit, "report", None)  # the reverse one-to-one raises an AttributeError subclass
    texts = {key: (getattr(framing, key, "") or "").strip() or default for key, default in defaults.items()}
    method_counts = Counter(c.method for c in cases)
    selection_counts = Counter(c.selection_basis for c in cases)
    recommendations = (
        Recommendation.objects.filter(audit=audit)
        .select_related("deadline_meeting")
        .prefetch_related("owners")
        .order_by("position", "pk")
    )
    lines = []
    for rec in recommendations:
        deadline = uk_date(rec.deadline)
        if rec.deadline_meeting_id:
            deadline = f"{rec.deadline_meeting.title}, {deadline}"
        lines.append(
            RecommendationLine(
                recommendation=rec,
                letter=rec.letter,
                owners=sorted(a.name for a in rec.owners.all()),
                deadline_text=deadline,
                rag=(state := rag_state(recommendation=rec, today=build_date)).label,
                rag_value=state.value,
            )
        )
    return ReportContent(
        board_name=settings.BOARD_NAME,
        audit=audit,
        build_date=build_date,
        what_we_did=texts["what_we_did"],
        how_we_did_this=texts["how_we_did_this"],
        assurance=texts["assurance"],
        purpose_items=audit.purpose_items,
        method_counts=[
            (label, method_counts[m], METHOD_DESCRIPTIONS[m])
            for m, label in Case.Method.choices
            if method_counts[m]
        ],
        selection_counts=[
            (label, selection_counts[b]) for b, label in Case.SelectionBasis.choices if selection_counts[b]
        ],
        panel_roles=panel_roles,
        agencies=agencies,
        agencies_not_returned=[name for name in agencies_asked(audit=audit) if name not in set(agencies)],
        common_assurance=common_assurance_statement(cases),
        cases=[
            CaseFindings(
                case=c,
                learning_points=[(roman(i), p) for i, p in enumerate(c.learning_points.all(), start=1)],
                assurance=getattr(c, "assurance", None),
            )
            for c in cases
        ],
        recommendations=lines,
        grades_annex=grades_annex(audit=audit),
        concern_counts=(
            SafeguardingConcern.objects.filter(case__audit=audit).count(),
            SafeguardingConcern.objects.filter(
                case__audit=audit, status=SafeguardingConcern.Status.RESOLVED
            ).count(),
        ),
    )
