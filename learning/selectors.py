"""Reads of the learning library, themes and similar recommendations, always scoped by the user.

What the library shows each role (the same rules as the pages each item comes from):
- Business Manager: every learning point, recommendation, response and confidential action.
- Panel member: the case material of the audits whose panel they sit on (learning points, the
  audit's recommendations and their responses, confidential actions), and the published learning of
  the audits whose report they may download (their own).
- Agency contributor: the recommendations their agency owns with their own agency's responses, their
  own agency's confidential actions, and the published learning of audits their agency took part in.
- Board member: every recommendation (as on the tracker) and the published learning of every audit
  with a published report; no responses, no confidential actions.
- Quality assurance: the published learning and recommendations of audits with a published report;
  no case detail, no responses, no actions.

"Published learning" means the learning points and recommendations of an audit that has at least one
published report version. Every search that shows results writes the access log: one entry for the
search and one for each case whose material it showed.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import (
    BigIntegerField,
    CharField,
    Count,
    DateField,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Cast, ExtractYear
from django.urls import reverse
from django.utils import timezone

from accesslog.models import AccessLogEntry, path_without_secrets
from accesslog.services import access_record, get_for_user
from accounts.models import Role
from accounts.permissions import allows, can_manage_audit
from cases.models import Agency, Audit, Case
from cases.selectors import audit_list_for_user
from recommendations.models import Recommendation, RecommendationActivity, RecommendationResponse, letter_for
from recommendations.selectors import recommendation_detail_list_for_user, recommendation_list_for_user
from recommendations.tracker import RagState, with_rag_state
from reports.models import ReportVersion
from reports.selectors import published_audit_list_for_user
from reviews.models import AgencyAction, LearningPoint
from reviews.selectors import agency_action_list_for_user

from . import search
from .models import ProgrammeEntry, Theme
from .publications import publication_list_for_user

PAGE_SIZE = 20
CANDIDATES_PER_KIND = 200
SNIPPET_LENGTH = 320

KINDS = {
    "learning_point": "Learning point",
    "recommendation": "Recommendation",
    "response": "Agency response",
    "agency_action": "Confidential action",
}


def qa_role():
    """The read-only quality-assurance role, once the role model has it."""
    return getattr(Role, "QUALITY_ASSURANCE", None)


def is_qa(user):
    return qa_role() is not None and user.role == qa_role()


# --- Scope ------------------------------------------------------------------------------------


def published_audits():
    return Audit.objects.filter(Exists(ReportVersion.objects.filter(audit=OuterRef("pk"))))


def library_published_audits_for_user(*, user):
    """Audits whose published learning the user may read in the library."""
    if not user.is_authenticated or not user.is_active:
        return Audit.objects.none()
    if is_qa(user):
        return published_audits()
    return published_audits().filter(pk__in=published_audit_list_for_user(user=user).values("pk"))


def library_may_search(user):
    return user.is_authenticated and user.role != Role.ADMINISTRATOR


def _sees_everything(user):
    """The Business Manager reads every audit (cases.selectors.audit_list_for_user), so every item of the
    library: their querysets need no scoping subqueries (simpler SQL, less to build on each search)."""
    return user.role == Role.BUSINESS_MANAGER


def learning_point_list_for_user(*, user):
    if _sees_everything(user):
        return LearningPoint.objects.all()
    readable = audit_list_for_user(user=user).values("pk")
    published = library_published_audits_for_user(user=user).values("pk")
    return LearningPoint.objects.filter(Q(case__audit__in=readable) | Q(case__audit__in=published))


def library_recommendation_list_for_user(*, user):
    if _sees_everything(user):
        return Recommendation.objects.all()
    if is_qa(user):
        return Recommendation.objects.filter(audit__in=library_published_audits_for_user(user=user))
    published = library_published_audits_for_user(user=user).values("pk")
    own = recommendation_list_for_user(user=user).values("pk")
    return Recommendation.objects.filter(Q(pk__in=own) | Q(audit__in=published))


def library_response_list_for_user(*, user):
    """As on a recommendation's page: the Business Manager all, the audit's panel all of theirs, a
    contributor their own agency's on recommendations it owns; nobody else."""
    responses = RecommendationResponse.objects.all()
    if user.role == Role.BUSINESS_MANAGER:
        return responses
    if user.role == Role.PANEL_MEMBER:
        return responses.filter(recommendation__audit__panel_memberships__user=user)
    if user.role == Role.AGENCY_CONTRIBUTOR and user.agency_id:
        return responses.filter(agency_id=user.agency_id, recommendation__owners=user.agency_id)
    return responses.none()


def library_action_list_for_user(*, user):
    if _sees_everything(user):
        return AgencyAction.objects.all()
    return AgencyAction.objects.filter(pk__in=agency_action_list_for_user(user=user).values("pk"))


# --- The library ------------------------------------------------------------------------------


@dataclass
class LibraryFilters:
    query: str = ""
    theme: int | None = None  # a Theme's pk
    year: int | None = None
    agency: int | None = None  # an Agency's pk
    method: str = ""
    kind: str = ""

    @property
    def is_empty(self):
        return not (self.query or self.theme or self.year or self.agency or self.method)


@dataclass
class LibraryResult:
    kind: str
    pk: int
    text: str
    rank: float
    audit_pk: int
    audit_title: str
    year: int
    case_pk: int | None = None
    pseudonym: str = ""
    agency: str = ""
    status: str = ""
    url: str = ""
    audit_url: str = ""
    case_url: str = ""
    themes: list = field(default_factory=list)

    @property
    def kind_label(self):
        return KINDS[self.kind]


@dataclass
class LibraryPage:
    results: list
    total: int
    page: int
    pages: int
    counts: dict


def _snippet(text):
    text = " ".join((text or "").split())
    return text if len(text) <= SNIPPET_LENGTH else text[: SNIPPET_LENGTH - 1].rsplit(" ", 1)[0] + "…"


def _filtered(queryset, kind, filters):
    """Apply the theme, year, agency and method filters to one kind of document."""
    audit = {"learning_point": "case__audit", "agency_action": "case__audit"}.get(kind, "audit")
    if kind == "response":
        audit = "recommendation__audit"
    if filters.year:
        queryset = queryset.filter(**{f"{audit}__period_end__year": filters.year})
    if filters.theme:
        tagged = {"response": "recommendation__themes"}.get(kind, "themes")
        queryset = queryset.filter(**{tagged: filters.theme})
    if filters.agency:
        by = {
            "learning_point": "case__agencies",
            "recommendation": "owners",
            "response": "agency",
            "agency_action": "owner_agency",
        }[kind]
        queryset = queryset.filter(**{by: filters.agency})
    if filters.method:
        if kind in ("learning_point", "agency_action"):
            queryset = queryset.filter(case__method=filters.method)
        else:
            # Recommendations belong to the audit, not to one case: kept when any of its cases was
            # audited that way.
            queryset = queryset.filter(**{f"{audit}__cases__method": filters.method})
    return queryset.distinct() if (filters.agency or filters.method or filters.theme) else queryset


VALUES = {
    "learning_point": {
        "text": "text",
        "audit_pk": "case__audit_id",
        "audit_title": "case__audit__title",
        "period_end": "case__audit__period_end",
        "case_pk": "case_id",
        "pseudonym": "case__pseudonym",
        "status": "kind",
    },
    "recommendation": {
        "text": "text",
        "audit_pk": "audit_id",
        "audit_title": "audit__title",
        "period_end": "audit__period_end",
        "status": "status",
        "position": "position",
    },
    "response": {
        "text": "text",
        "audit_pk": "recommendation__audit_id",
        "audit_title": "recommendation__audit__title",
        "period_end": "recommendation__audit__period_end",
        "agency": "agency__name",
        "recommendation_pk": "recommendation_id",
        "position": "recommendation__position",
    },
    "agency_action": {
        "text": "description",
        "response_text": "agency_response",
        "audit_pk": "case__audit_id",
        "audit_title": "case__audit__title",
        "period_end": "case__audit__period_end",
        "case_pk": "case_id",
        "pseudonym": "case__pseudonym",
        "agency": "owner_agency__name",
        "status": "status",
    },
}

STATUS_LABELS = {
    "learning_point": dict(LearningPoint.Kind.choices),
    "recommendation": dict(Recommendation.Status.choices),
    "agency_action": dict(AgencyAction.Status.choices),
}


# The columns every kind's candidates are read as, in this order: a kind without one reads NULL, so
# that the kinds' rows line up (PostgreSQL reads all the kinds in one UNION ALL).
COLUMNS = {
    "text": TextField(),
    "response_text": TextField(),
    "audit_pk": BigIntegerField(),
    "audit_title": CharField(),
    "period_end": DateField(),
    "case_pk": BigIntegerField(),
    "pseudonym": CharField(),
    "agency": CharField(),
    "status": CharField(),
    "recommendation_pk": BigIntegerField(),
    "position": IntegerField(),
}


def _candidates(kind, queryset, filters):
    """One kind's matching documents as rows of the same columns for every kind (c_pk, c_rank, c_kind
    and COLUMNS, prefixed c_), best first (newest first without words), not yet sliced."""
    names = VALUES[kind]
    if filters.query:
        queryset = search.matching(queryset, kind, filters.query)
    else:
        queryset = queryset.annotate(rank=Value(0.0, output_field=FloatField()))
    columns = {"c_pk": F("pk"), "c_rank": F("rank"), "c_kind": Value(kind)}
    for key, output in COLUMNS.items():
        # A typed NULL: PostgreSQL types a UNION's columns part by part, and an untyped NULL is text.
        columns[f"c_{key}"] = F(names[key]) if key in names else Cast(Value(None), output_field=output)
    rows = queryset.annotate(**columns).values(*columns)
    if filters.query and search.is_postgres():
        return rows.order_by("-c_rank", "-c_period_end", "c_pk")
    return rows.order_by("-c_period_end", "c_pk")


def _unprefixed(row):
    return {key[2:]: value for key, value in row.items()}


def _matches(kinds, querysets, filters):
    """Every kind's best matches (at most CANDIDATES_PER_KIND a kind) as dicts (pk, rank, kind and
    COLUMNS). PostgreSQL: one query, each kind's best by ts_rank, UNION ALL. SQLite: a query a kind
    (it cannot limit the parts of a UNION), ranked here by `search.score`."""
    parts = [_candidates(kind, _filtered(querysets[kind], kind, filters), filters) for kind in kinds]
    if search.is_postgres():
        sliced = [part[:CANDIDATES_PER_KIND] for part in parts]
        union = sliced[0].union(*sliced[1:], all=True) if len(sliced) > 1 else sliced[0]
        return [_unprefixed(row) for row in union]
    out = []
    for part in parts:
        if not filters.query:
            out.extend(_unprefixed(row) for row in part[:CANDIDATES_PER_KIND])
            continue
        found = [_unprefixed(row) for row in part[: CANDIDATES_PER_KIND * 5]]
        for item in found:
            item["rank"] = search.score(
                " ".join(str(item.get(k) or "") for k in ("text", "response_text")), filters.query
            )
        found.sort(key=lambda r: (-r["rank"], -r["period_end"].toordinal(), r["pk"]))
        out.extend(found[:CANDIDATES_PER_KIND])
    return out


def _kind_querysets(user):
    return {
        "learning_point": learning_point_list_for_user(user=user),
        "recommendation": library_recommendation_list_for_user(user=user),
        "response": library_response_list_for_user(user=user),
        "agency_action": library_action_list_for_user(user=user),
    }


THEME_TAGS = {  # kind -> (the m2m field on Theme, its column for the tagged object)
    "learning_point": ("learning_points", "learningpoint_id"),
    "recommendation": ("recommendations", "recommendation_id"),
    "agency_action": ("agency_actions", "agencyaction_id"),
}


def _themes_by_object(pks_by_kind):
    """{kind: {pk: [theme names, sorted]}} of the shown documents, in one query whatever the kinds
    (responses carry no themes of their own)."""
    parts = []
    for kind, (relation, column) in THEME_TAGS.items():
        pks = pks_by_kind.get(kind)
        if pks:
            through = getattr(Theme, relation).through
            parts.append(
                through.objects.filter(**{f"{column}__in": pks})
                .order_by()
                .annotate(kind=Value(kind), object_id=F(column), name=F("theme__name"))
                .values_list("kind", "object_id", "name")
            )
    if not parts:
        return {}
    out = {}
    for kind, object_id, name in parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]:
        out.setdefault(kind, {}).setdefault(object_id, []).append(name)
    return {kind: {pk: sorted(names) for pk, names in found.items()} for kind, found in out.items()}


def _audit_links(user, audit_pks):
    """{audit pk: (whether the user may open the audit's pages, its latest report version's pk or None)}
    in one query."""
    latest = ReportVersion.objects.filter(audit=OuterRef("pk")).order_by("-number").values("pk")[:1]
    rows = (
        Audit.objects.filter(pk__in=audit_pks)
        .order_by()
        .annotate(
            readable=Exists(audit_list_for_user(user=user).order_by().filter(pk=OuterRef("pk"))),
            latest_version=Subquery(latest),
        )
        .values_list("pk", "readable", "latest_version")
    )
    return {pk: (bool(readable), version) for pk, readable, version in rows}


def library_search(*, request, filters, page=1):
    """The library's results for the user, filtered and ranked, one page of them, and the access
    log written for what was shown. Nothing is searched (and nothing logged) without a filter."""

    user = request.user
    if filters.is_empty:
        return LibraryPage(results=[], total=0, page=1, pages=0, counts={})
    querysets = _kind_querysets(user)
    kinds = [filters.kind] if filters.kind in KINDS else list(KINDS)
    merged, counts = [], dict.fromkeys(kinds, 0)
    for row in _matches(kinds, querysets, filters):
        counts[row["kind"]] = counts.get(row["kind"], 0) + 1
        merged.append((row["kind"], row))
    if filters.query:
        # Each kind's ranks are on the same scale (ts_rank, or the same score), so they merge.
        merged.sort(key=lambda kr: (-kr[1]["rank"], -kr[1]["period_end"].toordinal(), kr[0], kr[1]["pk"]))
    else:
        merged.sort(key=lambda kr: (-kr[1]["period_end"].toordinal(), kr[0], kr[1]["pk"]))
    total = len(merged)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    shown = merged[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]

    links = _audit_links(user, {row["audit_pk"] for _k, row in shown})
    detail_recs = set()
    rec_pks = {
        row.get("recommendation_pk") or row["pk"] for k, row in shown if k in ("recommendation", "response")
    }
    if rec_pks:
        detail_recs = set(
            recommendation_detail_list_for_user(user=user).filter(pk__in=rec_pks).values_list("pk", flat=True)
        )
    pks_by_kind = {}
    for kind, row in shown:
        pks_by_kind.setdefault(kind, []).append(row["pk"])
    themes = _themes_by_object(pks_by_kind)

    results = []
    for kind, row in shown:
        audit_pk = row["audit_pk"]
        readable, version_pk = links.get(audit_pk, (False, None))
        report_url = (
            reverse("reports:version_download", kwargs={"version_pk": version_pk}) if version_pk else ""
        )
        result = LibraryResult(
            kind=kind,
            pk=row["pk"],
            text=_snippet(row["text"]),
            rank=row["rank"],
            audit_pk=audit_pk,
            audit_title=row["audit_title"],
            year=row["period_end"].year,
            case_pk=row.get("case_pk") if readable or kind == "agency_action" else None,
            pseudonym=row.get("pseudonym", ""),
            agency=row.get("agency", "") or "",
            status=STATUS_LABELS.get(kind, {}).get(row.get("status"), ""),
            audit_url=reverse("cases:audit_detail", kwargs={"audit_pk": audit_pk})
            if readable
            else report_url,
            themes=themes.get(kind, {}).get(row["pk"], []),
        )
        if readable and result.case_pk:
            result.case_url = reverse("cases:case_detail", kwargs={"case_pk": result.case_pk})
        if kind == "learning_point":
            result.url = (
                reverse("reviews:findings", kwargs={"case_pk": row["case_pk"]}) + f"#point-{row['pk']}"
                if readable
                else report_url
            )
        elif kind in ("recommendation", "response"):
            rec_pk = row.get("recommendation_pk") or row["pk"]
            result.pseudonym = f"Recommendation ({letter_for(max(row['position'], 1) - 1)})"
            if rec_pk in detail_recs:
                result.url = reverse(
                    "recommendations:recommendation_detail", kwargs={"recommendation_pk": rec_pk}
                )
            elif user.role == Role.BOARD_MEMBER:
                result.url = reverse("recommendations:tracker") + f"?audit={audit_pk}"
            else:
                result.url = report_url
        else:
            if row.get("response_text"):
                result.text = _snippet(f"{row['text']} — Response: {row['response_text']}")
            result.url = (
                reverse("reviews:findings", kwargs={"case_pk": row["case_pk"]}) + "#actions"
                if readable
                else reverse("reviews:action_respond", kwargs={"action_pk": row["pk"]})
            )
        results.append(result)
    _log_search(request, results)
    return LibraryPage(results=results, total=total, page=page, pages=pages, counts=counts)


def _log_search(request, results):
    """One entry for the search, one per case (and per audit without a case) whose material it showed."""
    user = request.user
    base = {
        "user": user,
        "action": AccessLogEntry.Action.VIEW,
        "path": path_without_secrets(request.get_full_path())[:500],
        "ip_address": request.META.get("REMOTE_ADDR") or None,
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
    }
    entries = [AccessLogEntry(what="library_search", **base)]
    seen = set()
    for r in results:
        key = (r.audit_pk, r.case_pk if r.kind in ("learning_point", "agency_action") else None)
        if key in seen:
            continue
        seen.add(key)
        entries.append(AccessLogEntry(what="library_result", audit_id=key[0], case_id=key[1], **base))
    AccessLogEntry.objects.bulk_create(entries)


def _by_name(choice):
    return (choice[1].casefold(), choice[1], choice[0])


def library_filter_choices(*, user):
    """What the filters offer, in one query: the years audits ended in (newest first), the themes not
    merged into another (a retired theme still finds what was tagged with it) and the agencies, as
    (pk, name); the methods and kinds are fixed lists. Nothing here is case data."""
    blank = Value("")
    years = (
        Audit.objects.order_by()
        .annotate(part=Value("year"), value=ExtractYear("period_end"), label=blank)
        .values_list("part", "value", "label")
        .distinct()
    )
    themes = (
        Theme.objects.filter(merged_into__isnull=True)
        .order_by()
        .annotate(part=Value("theme"), value=F("pk"), label=F("name"))
        .values_list("part", "value", "label")
    )
    agencies = (
        Agency.objects.order_by()
        .annotate(part=Value("agency"), value=F("pk"), label=F("name"))
        .values_list("part", "value", "label")
    )
    found = {"year": [], "theme": [], "agency": []}
    for part, value, label in years.union(themes, agencies, all=True):
        found[part].append((int(value), label))
    return {
        "themes": sorted(found["theme"], key=_by_name),
        "years": sorted({year for year, _ in found["year"]}, reverse=True),
        "agencies": sorted(found["agency"], key=_by_name),
        "methods": Case.Method.choices,
        "kinds": list(KINDS.items()),
    }


# --- Themes -----------------------------------------------------------------------------------


def theme_list_with_counts():
    return Theme.objects.annotate(
        point_count=Count("learning_points", distinct=True),
        recommendation_count=Count("recommendations", distinct=True),
        action_count=Count("agency_actions", distinct=True),
        audit_count=Count("audits", distinct=True),
    ).select_related("merged_into")


def theme_get_for_user(*, request, pk):
    """A theme (a word of the controlled list, not case data), for anyone who reads the learning."""
    themes = Theme.objects.all() if allows(request.user, "read_learning") else Theme.objects.none()
    return get_for_user(themes, request=request, what=None, pk=pk)


def theme_get_for_user_to_edit(*, request, pk):
    """A theme the user may rename or merge (the Business Manager)."""
    themes = Theme.objects.all() if can_manage_audit(request.user) else Theme.objects.none()
    return get_for_user(themes, request=request, what=None, pk=pk)


def programme_entry_get_for_user_to_edit(*, request, pk):
    """An entry of the audit programme the user may change or open an audit from (the Business
    Manager). The programme holds no case data: nothing is logged."""
    entries = (
        ProgrammeEntry.objects.all() if can_manage_audit(request.user) else ProgrammeEntry.objects.none()
    )
    return get_for_user(entries, request=request, what=None, pk=pk)


def _publication_audit(publication):
    return publication.audit


def publication_get_for_user(*, request, pk):
    """A published briefing or yearly report the user may download (with its file bytes); the
    download is logged."""
    return get_for_user(
        publication_list_for_user(user=request.user).defer(None),
        request=request,
        what="learning_publication",
        audit=_publication_audit,
        action=AccessLogEntry.Action.DOWNLOAD,
        pk=pk,
    )


def active_themes():
    return Theme.objects.filter(is_active=True).order_by("name")


def case_tags(*, case):
    """{"points": {point pk: {theme pks}}, "actions": {action pk: {theme pks}}} for a case's findings."""
    points = {}
    for point_id, theme_id in Theme.learning_points.through.objects.filter(
        learningpoint__case=case
    ).values_list("learningpoint_id", "theme_id"):
        points.setdefault(point_id, set()).add(theme_id)
    actions = {}
    for action_id, theme_id in Theme.agency_actions.through.objects.filter(
        agencyaction__case=case
    ).values_list("agencyaction_id", "theme_id"):
        actions.setdefault(action_id, set()).add(theme_id)
    return {"points": points, "actions": actions}


# --- Have we been here before? ------------------------------------------------------------------

SIMILARITY_THRESHOLD = 0.3
SIMILAR_LIMIT = 5


@dataclass
class SimilarRecommendation:
    recommendation: Recommendation
    similarity: float
    rag: str
    assured_on: datetime.date | None
    days_taken: int | None

    @property
    def rag_label(self):
        return RagState(self.rag).label

    @property
    def percent(self):
        return round(100 * self.similarity)


def similar_recommendations(*, user, text, exclude_pk=None, exclude_audit_pk=None, today=None):
    """Past recommendations most like `text` among those the user may see, with what became of them:
    their tracker state, when they were assured and how long that took from drafting. Other audits'
    only: the draft's own audit is excluded when given."""
    text = " ".join((text or "").split())[:2000]
    if len(search.words(text)) < 3:
        return []
    candidates = recommendation_list_for_user(user=user)
    if exclude_pk:
        candidates = candidates.exclude(pk=exclude_pk)
    if exclude_audit_pk:
        candidates = candidates.exclude(audit_id=exclude_audit_pk)
    ranked = search.similar(candidates, text, threshold=SIMILARITY_THRESHOLD, limit=SIMILAR_LIMIT)
    if not ranked:
        return []
    by_pk = {
        r.pk: r
        for r in with_rag_state(
            Recommendation.objects.filter(pk__in=[pk for pk, _ in ranked]).select_related(
                "audit", "deadline_meeting"
            ),
            today=today,
        )
    }
    assured = {}
    for rec_id, at in (
        RecommendationActivity.objects.filter(
            recommendation_id__in=by_pk, kind=RecommendationActivity.Kind.ASSURED
        )
        .order_by("at")
        .values_list("recommendation_id", "at")
    ):
        assured.setdefault(rec_id, at)
    out = []
    for pk, value in ranked:
        rec = by_pk[pk]
        at = (
            assured.get(pk)
            if rec.status in (Recommendation.Status.ASSURED, Recommendation.Status.CLOSED)
            else None
        )
        assured_on = timezone.localtime(at).date() if at else None
        days = (assured_on - timezone.localtime(rec.created_at).date()).days if assured_on else None
        out.append(SimilarRecommendation(rec, value, rec.rag, assured_on, days))
    return out


# --- Recurring themes ----------------------------------------------------------------------------


@dataclass
class ThemeYears:
    theme: Theme
    years: dict  # year -> {"audits": n, "points": n}
    cells: list = field(default_factory=list)  # (year, its cell or None) for every year of the table

    @property
    def total_points(self):
        return sum(v["points"] for v in self.years.values())

    @property
    def total_audits(self):
        return sum(v["audits"] for v in self.years.values())


def similar_recommendations_get_for_user(*, request, text, exclude_pk=None, exclude_audit_pk=None):
    """similar_recommendations for the user asking; when any are shown, the read is logged."""
    found = similar_recommendations(
        user=request.user, text=text, exclude_pk=exclude_pk, exclude_audit_pk=exclude_audit_pk
    )
    if found:
        access_record(request=request, what="similar_recommendations")
    return found


def recurring_themes():
    """Audits and learning points per theme per audit year (the year the audit's period ended), counted
    over every audit: counts only, so every reader may see them. Three queries whatever the size."""

    point_tags = Theme.learning_points.through.objects
    audit_pairs = set(
        point_tags.annotate(year=ExtractYear("learningpoint__case__audit__period_end"))
        .values_list("theme_id", "learningpoint__case__audit_id", "year")
        .distinct()
    )
    audit_pairs |= set(
        Theme.audits.through.objects.annotate(year=ExtractYear("audit__period_end")).values_list(
            "theme_id", "audit_id", "year"
        )
    )
    points = (
        point_tags.annotate(year=ExtractYear("learningpoint__case__audit__period_end"))
        .values("theme_id", "year")
        .annotate(n=Count("learningpoint_id"))
        .order_by()
    )
    table = {}
    for theme_id, _audit_id, year in audit_pairs:
        cell = table.setdefault(theme_id, {}).setdefault(year, {"audits": 0, "points": 0})
        cell["audits"] += 1
    for row in points:
        cell = table.setdefault(row["theme_id"], {}).setdefault(row["year"], {"audits": 0, "points": 0})
        cell["points"] = row["n"]
    themes = Theme.objects.filter(pk__in=table).order_by("name")
    years = sorted({y for cells in table.values() for y in cells})
    rows = [
        ThemeYears(
            theme=t,
            years=dict(sorted(table[t.pk].items())),
            cells=[(year, table[t.pk].get(year)) for year in years],
        )
        for t in themes
    ]
    rows.sort(key=lambda r: (-r.total_audits, -r.total_points, r.theme.name))
    return {"rows": rows, "years": years}


def themes_most_overdue(*, today=None, limit=10):
    """Themes whose recommendations are most often overdue: overdue / all tagged recommendations, in
    one grouped query (the tracker's rule decides what is overdue)."""
    rows = (
        with_rag_state(Recommendation.objects.filter(themes__isnull=False), today=today)
        .values("themes__id", "themes__name", "rag")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    )
    by_theme = {}
    for row in rows:
        entry = by_theme.setdefault(
            row["themes__id"],
            {"theme_pk": row["themes__id"], "name": row["themes__name"], "total": 0, "overdue": 0},
        )
        entry["total"] += row["n"]
        if row["rag"] == RagState.OVERDUE:
            entry["overdue"] += row["n"]
    out = [dict(e, rate=round(100 * e["overdue"] / e["total"])) for e in by_theme.values() if e["overdue"]]
    out.sort(key=lambda e: (-e["rate"], -e["overdue"], e["name"]))
    return out[:limit]


def theme_year_audits(*, user, theme, year):
    """The audits of `year` carrying `theme` (on the audit or on one of its learning points) that the
    user may open, or whose published report they may read, with the tagged learning points counted."""
    tagged = Q(themes=theme) | Q(cases__learning_points__themes=theme)
    readable = set(audit_list_for_user(user=user).values_list("pk", flat=True))
    visible = Q(pk__in=audit_list_for_user(user=user).values("pk")) | Q(
        pk__in=library_published_audits_for_user(user=user).values("pk")
    )
    audits = list(
        Audit.objects.filter(tagged, period_end__year=year)
        .filter(visible)
        .annotate(
            points=Count(
                "cases__learning_points", filter=Q(cases__learning_points__themes=theme), distinct=True
            )
        )
        .distinct()
        .order_by("period_end", "title")
    )
    versions = {}
    for audit_id, version_id in (
        ReportVersion.objects.filter(audit__in=audits)
        .order_by("audit_id", "-number")
        .values_list("audit_id", "pk")
    ):
        versions.setdefault(audit_id, version_id)
    for audit in audits:
        if audit.pk in readable:
            audit.url = reverse("cases:audit_detail", kwargs={"audit_pk": audit.pk})
        elif audit.pk in versions:
            audit.url = reverse("reports:version_download", kwargs={"version_pk": versions[audit.pk]})
        else:
            audit.url = ""
    return audits


# --- Programme, re-audits, follow-ups --------------------------------------------------------------


def programme_for_year(*, year):
    """The programme's entries for a year (no case detail: every learning reader may see it)."""
    from .models import ProgrammeEntry

    return (
        ProgrammeEntry.objects.filter(year=year)
        .select_related("theme", "lead", "audit")
        .order_by("quarter", "title")
    )


def programme_years():
    from .models import ProgrammeEntry

    years = set(ProgrammeEntry.objects.values_list("year", flat=True).distinct())
    years.add(timezone.localdate().year)
    return sorted(years)


def programme_summary(entries):
    from .models import ProgrammeEntry

    counts = dict.fromkeys(ProgrammeEntry.Status.values, 0)
    for e in entries:
        counts[e.status] += 1
    return [(ProgrammeEntry.Status(s).label, n) for s, n in counts.items()]


def grade_comparison(*, user, audit):
    """The re-audit's grade distributions beside the earlier audit's, domain by domain (matched by the
    section's title, which a shared tool version keeps), with the recommendations it re-tested. None
    when the audit re-audits nothing or the user may not read both audits."""
    from audittools.selectors import audit_grade_summary

    link = getattr(audit, "reaudit", None)
    if link is None:
        return None
    earlier_summary = audit_grade_summary(user=user, audit=link.earlier)
    this_summary = audit_grade_summary(user=user, audit=audit)
    if earlier_summary is None or this_summary is None:
        return None
    before = {d.label: d for d in earlier_summary.get("domains", [])}
    after = {d.label: d for d in this_summary.get("domains", [])}
    order = list(before) + [t for t in after if t not in before]
    rows = [{"domain": t, "before": before.get(t), "after": after.get(t)} for t in order]
    return {
        "link": link,
        "earlier": link.earlier,
        "rows": rows,
        "recommendations": list(link.recommendations.order_by("position")),
        "same_tool": bool(
            earlier_summary.get("audit_tool")
            and this_summary.get("audit_tool")
            and earlier_summary["audit_tool"].version_id == this_summary["audit_tool"].version_id
        ),
    }


def follow_up_chain(*, recommendation, depth=5):
    """Did it stick? The recommendation's follow-up (re-audit date, follow-up audit), the re-audits that
    re-tested it, and, from the follow-up audit, its own recommendations that were followed up in turn
    (the first of them by position), at most `depth` links.

    Three queries whatever the chain's length: the follow-ups (a row for each recommendation given
    one, a few dozen a year) to walk the chain, then its recommendations with their audits and
    follow-ups, and the re-audits that re-tested them."""
    from .models import ReAudit, RecommendationFollowUp

    follow_up_audit, first_followed = {}, {}
    for rec_pk, audit_pk, position, follow_up_audit_pk in RecommendationFollowUp.objects.values_list(
        "recommendation_id", "recommendation__audit_id", "recommendation__position", "audit_id"
    ):
        follow_up_audit[rec_pk] = follow_up_audit_pk
        first_followed[audit_pk] = min(first_followed.get(audit_pk, (position, rec_pk)), (position, rec_pk))
    pks, current = [], recommendation.pk
    while current is not None and current not in pks and len(pks) < depth:
        pks.append(current)
        nxt = first_followed.get(follow_up_audit.get(current))
        current = nxt[1] if nxt else None
    found = Recommendation.objects.select_related("audit", "follow_up__audit").in_bulk(pks)
    retested = {}
    for link in (
        ReAudit.recommendations.through.objects.filter(recommendation_id__in=pks)
        .select_related("reaudit__audit")
        .order_by("reaudit_id")
    ):
        retested.setdefault(link.recommendation_id, []).append(link.reaudit)
    chain = []
    for pk in pks:
        rec = found.get(pk)
        if rec is None:
            break
        chain.append(
            {
                "recommendation": recommendation if pk == recommendation.pk else rec,
                "follow_up": getattr(rec, "follow_up", None),
                "retested": retested.get(pk, []),
            }
        )
    return chain
