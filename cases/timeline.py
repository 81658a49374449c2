"""The merged multi-agency timeline of a case: every agency's chronology in one sorted list, a page at
a time, with swim lanes for the whole case.

`case_timeline(case=..., agency_ids=..., key_events_only=..., page=..., on=..., entry_pk=...)` is the one
entry point; pages and the case pack PDF render its result with the partial ``cases/_timeline.html``
(the list) and the pages add ``cases/_timeline_lanes.html`` (the swim-lane picture).

How it stays fast at any size:
- **An index, cached.** Every entry of the case's submitted and accepted returns is reduced to a small
  row (id, date, precision, time, agency, key event), sorted, with the possible conflicts worked out
  once. Returns that are submitted or accepted do not change (every change bumps the return's
  ``version``), so the index is cached under a key made of the case and its returns' ids, statuses and
  versions: any change to a return makes a new key, and the old entry is simply never read again.
- **The detail is paged.** A page holds whole days, about ``settings.TIMELINE_PAGE_SIZE`` entries;
  only that page's entries are loaded in full. ``?on=<date>`` opens the page holding that date and
  ``?entry=<id>`` the page holding that entry, so links into the timeline keep working.
- **The swim lanes are an aggregate**: per agency per month (entries, key events, conflicts) over the
  whole case, so the overview is complete while the list is paged (by page or by year).

What the swim lanes show:
- **A lane for every agency involved in the case** (known to have worked with the child, or asked for
  a return), marked "no return yet" when none of its returns is submitted or accepted: where an
  agency is silent is where a panel looks first. Filtered by agency, the lanes are those chosen.
- **The date axis of the whole case**, whatever the filter (and the audit's period when nothing has
  been returned yet), so a filtered picture reads against the same years.
- **Each gap as its own band**, inset from its neighbours, so two gaps either side of a single day
  never read as one.
- **Every bar a link** (focusable, with its own accessible name) to its first entry's row in the
  list, on whichever page holds it.
- **Lane labels in full**: a long agency name wraps onto further lines and its lane grows to fit.

What the timeline marks:
- **Same day, several agencies**: entries are grouped by day; a day on which more than one agency
  recorded something is marked, since that is where accounts can be compared. Month-only entries
  form their own group ("March 2026, month only") rather than pretending to be on the 1st.
- **Gaps**: two consecutive days with entries more than ``settings.TIMELINE_GAP_DAYS`` apart are
  marked as a period with no recorded contact (among the agencies and entries shown).
- **Possible conflicts** (a rule simple enough to explain to a panel, and that a panel member can
  check in seconds): two agencies record an entry on the same exact day (a) at the same time, but
  describe it differently, or (b) citing the same source document, but at different times. A key event
  flag that differs is *not* a conflict: agencies weigh the same event differently. Approximate and
  month-only dates are never flagged. Conflicts are found across every agency of the case, whatever
  the filter.
"""

import contextlib
import datetime
import hashlib
import math
from collections import namedtuple
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .models import Agency, AgencyReturn, Case, ChronologyEntry

LANE_LABEL_WIDTH = 220
LANE_PLOT_WIDTH = 760
LANE_HEIGHT = 34  # the smallest lane; one with a long name or a note grows
LANE_LINE_HEIGHT = 14  # of the 12 px label text
LANE_LABEL_CHARACTERS = 30  # a label line's length before it wraps (220 px at 12 px)
AXIS_HEIGHT = 30
GAP_INSET = 1.5  # each gap band is drawn this far inside its ends, so neighbouring gaps stay apart
NO_RETURN_YET = "no return yet"
REVIEWABLE = (AgencyReturn.Status.SUBMITTED, AgencyReturn.Status.ACCEPTED)
INDEX_VERSION = 1  # bump when the shape of the cached index changes

# One entry of the index: small, picklable, enough to sort, filter, page and aggregate.
Row = namedtuple("Row", "pk date month_only time agency_id key")


@dataclass
class TimelineAgency:
    pk: int
    name: str


@dataclass
class TimelineIndex:
    rows: list  # of Row, in timeline order
    agencies: dict  # agency id -> name
    conflicts: dict  # entry id -> [reason, ...]
    return_ids: list
    key: str = ""  # its cache key


@dataclass
class TimelineDay:
    date: datetime.date
    month_only: bool
    entries: list = field(default_factory=list)
    agency_names: list = field(default_factory=list)
    gap_before_days: int | None = None

    @property
    def multi_agency(self):
        return len(self.agency_names) > 1

    @property
    def label(self):
        return f"{self.date:%B %Y} (month only)" if self.month_only else f"{self.date.day} {self.date:%B %Y}"

    @property
    def anchor(self):
        return f"day-{self.date:%Y-%m-%d}{'-month' if self.month_only else ''}"


@dataclass
class TimelineGap:
    start: datetime.date
    end: datetime.date
    days: int
    x1: float = 0
    x2: float = 0

    @property
    def width(self):
        return max(self.x2 - self.x1, 1)


@dataclass
class LaneCell:
    """One agency's entries in one month, drawn as a bar whose height follows the count; it links to
    the row of its first entry."""

    month: datetime.date
    first_pk: int = 0
    entries: int = 0
    key_events: int = 0
    conflicts: int = 0
    x: float = 0
    width: float = 0
    y: float = 0
    height: float = 0
    href: str = ""
    label: str = ""


@dataclass
class Lane:
    agency: TimelineAgency
    y: float
    cells: list = field(default_factory=list)
    entries: int = 0
    has_return: bool = True  # a submitted or accepted return of this agency is on the timeline
    lines: list = field(default_factory=list)  # the agency's name, wrapped
    height: float = LANE_HEIGHT

    @property
    def note(self):
        """What the lane says besides the agency's name."""
        if not self.has_return:
            return NO_RETURN_YET
        if not self.entries:
            return "no entries shown"
        return ""

    @property
    def label_lines(self):
        return self.lines + ([self.note] if self.note else [])

    @property
    def text_y(self):
        """The baseline of the label's first line, the label centred in the lane."""
        return self.y + (self.height - len(self.label_lines) * LANE_LINE_HEIGHT) / 2 + 11

    @property
    def base(self):
        return self.y + self.height - 3


def wrap_label(text, width=LANE_LABEL_CHARACTERS):
    """The label in lines of at most `width` characters, broken between words (a longer word alone)."""
    lines = []
    for word in text.split():
        while len(word) > width:
            if lines and not lines[-1]:
                lines.pop()
            lines.append(word[:width])
            word = word[width:]
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [text]


@dataclass
class Tick:
    x: float
    label: str


@dataclass
class PageLink:
    number: int
    first: datetime.date
    last: datetime.date
    href: str = ""

    @property
    def label(self):
        return f"{self.first.day} {self.first:%B %Y} to {self.last.day} {self.last:%B %Y}"


@dataclass
class Timeline:
    case: object
    agencies: list = field(default_factory=list)  # agencies with an entry shown (TimelineAgency)
    gaps: list = field(default_factory=list)  # every gap among the entries shown, for the lanes
    total: int = 0  # entries shown on all pages
    case_agency_count: int = 0  # agencies with entries on the timeline, whatever the filter
    conflict_count: int = 0
    ticks: list = field(default_factory=list)
    gap_days: int = 90
    page_number: int = 1
    pages: list = field(default_factory=list)  # PageLink per page
    years: list = field(default_factory=list)  # (year, href) of the page where each year starts
    link_prefix: str = "?"
    filter_key: str = ""
    anchor: str = "timeline-list"
    width: int = LANE_LABEL_WIDTH + LANE_PLOT_WIDTH + 20
    height: int = AXIS_HEIGHT
    plot_left: int = LANE_LABEL_WIDTH
    plot_right: int = LANE_LABEL_WIDTH + LANE_PLOT_WIDTH
    axis_y: int = 0
    page_span: tuple = ()  # (x1, x2) of this page's first and last day on the axis, when paged
    cache_key: str = ""  # the index's: what the rendered parts are cached under, with the view's choices
    agency_filter: tuple = ()  # the agencies chosen, if the view filters by agency
    # What the lazy parts below are computed from: (index, rows shown, days, gaps by day, page bounds)
    source: tuple = field(default=(), repr=False)

    # Entries, days and lanes are worked out when first read: a template whose cached fragment is
    # still good never reads them, and then the page's entries are not even loaded.

    @cached_property
    def entries(self):
        """This page's entries (ChronologyEntry, in order), each with agency_name and conflict_reasons."""
        index, rows, days, _gap_before, bounds = self.source
        if not bounds:
            return []
        first_day, last_day = bounds[self.page_number - 1]
        start = days[first_day][2]
        stop = days[last_day][2] + days[last_day][3]
        return _load_entries(index, rows[start:stop], every=stop - start == len(index.rows))

    @cached_property
    def days(self):
        index, rows, days, gap_before, bounds = self.source
        if not bounds:
            return []
        first_day, last_day = bounds[self.page_number - 1]
        return _group_by_day(self.entries, gap_before, first_day, last_day, days)

    @cached_property
    def lane_agencies(self):
        """(TimelineAgency, has a return on the timeline) for each lane: every agency involved in the
        case (or those chosen by the filter), by name. One query, made only where lanes are drawn."""
        index = self.source[0] if self.source else None
        on_timeline = index.agencies if index else {}
        involved = dict(involved_agencies(self.case))
        involved.update(on_timeline)  # an agency with a return is involved, whatever the case says
        if self.agency_filter:
            involved = {pk: name for pk, name in involved.items() if pk in self.agency_filter}
        return [
            (TimelineAgency(pk, name), pk in on_timeline)
            for pk, name in sorted(involved.items(), key=lambda item: (item[1], item[0]))
        ]

    @cached_property
    def lanes(self):
        index, rows, *_ = self.source
        return _lay_out_lanes(self, rows, index)

    def _fragment_key(self, part, *, paged):
        choice = (
            part,
            self.cache_key,
            self.case.pseudonym,
            self.link_prefix,
            self.page_number if paged else 0,
            len(self.pages),
            self.gap_days,
            self.total,
            tuple(a.pk for a in self.agencies),
            self.filter_key,
            tuple((a.pk, a.name, has) for a, has in self.lane_agencies) if part == "lanes" else (),
        )
        return hashlib.sha256(repr(choice).encode()).hexdigest()[:40]

    @property
    def list_fragment_key(self):
        """The list as rendered for this page, filter and address: the same for everyone who reads it."""
        return self._fragment_key("list", paged=True)

    @property
    def lanes_fragment_key(self):
        # Paged: the lanes mark the span of the page being read (the rest of the picture is the same).
        return self._fragment_key("lanes", paged=True)

    @property
    def cache_seconds(self):
        return settings.TIMELINE_CACHE_SECONDS

    @property
    def page_count(self):
        return len(self.pages)

    @property
    def is_paged(self):
        return len(self.pages) > 1

    @property
    def previous_page(self):
        return self.pages[self.page_number - 2] if self.page_number > 1 else None

    @property
    def next_page(self):
        return self.pages[self.page_number] if self.page_number < len(self.pages) else None

    @property
    def current_page(self):
        return self.pages[self.page_number - 1] if self.pages else None

    @property
    def nearby_pages(self):
        """The pages linked by number: the first, the last and those near this one (the years and
        "previous"/"next" reach the rest)."""
        n = self.page_number
        return [p for p in self.pages if p.number in (1, len(self.pages)) or abs(p.number - n) <= 3]

    @cached_property
    def lanes_svg(self):
        return render_lanes_svg(self)


# --- Where a request asks to be ------------------------------------------------------------

POSITION_PARAMS = ("page", "on", "entry")


def timeline_position(request):
    """`page`, `on` (a date) and `entry` (an entry id) from the query string, for case_timeline;
    anything unreadable is ignored (the first page)."""

    def number(text):
        return int(text[:18])

    parsers = {
        "page": ("page", number),
        "on": ("on", datetime.date.fromisoformat),
        "entry": ("entry_pk", number),
    }
    position = {}
    for param, (name, parse) in parsers.items():
        with contextlib.suppress(KeyError, ValueError):
            position[name] = parse(request.GET[param])
    return position


def timeline_link_prefix(request):
    """The page's own address with its filters but without a position: every timeline link starts so."""
    query = request.GET.copy()
    for name in POSITION_PARAMS:
        query.pop(name, None)
    encoded = query.urlencode()
    return f"{request.path}?{encoded}&" if encoded else f"{request.path}?"


# --- The index (cached) ---------------------------------------------------------------------


def involved_agencies(case):
    """[(pk, name)] of every agency involved in the case: known to have worked with the child (the
    case's agencies) or asked for a return on it, whatever the return's state. One query."""
    known = Case.agencies.through.objects.filter(case_id=case.pk).values("agency_id")
    asked = AgencyReturn.objects.filter(case_id=case.pk).values("agency_id")
    return list(
        Agency.objects.filter(models.Q(pk__in=known) | models.Q(pk__in=asked))
        .order_by("name")
        .values_list("pk", "name")
    )


def _returns_on_timeline(case):
    return list(
        AgencyReturn.objects.filter(case=case, status__in=REVIEWABLE)
        .order_by("pk")
        .values_list("pk", "status", "version", "updated_at", "agency_id", "agency__name")
    )


def timeline_cache_key(case, returns=None):
    """The case and its timeline returns' ids, statuses and versions: any change to one is a new key."""
    returns = _returns_on_timeline(case) if returns is None else returns
    digest = hashlib.sha256(repr(returns).encode()).hexdigest()[:32]
    return f"timeline:{INDEX_VERSION}:{case.pk}:{digest}"


def timeline_index(case):
    """The case's timeline index, from the cache when its returns have not changed since it was built."""
    returns = _returns_on_timeline(case)
    key = timeline_cache_key(case, returns)
    index = cache.get(key)
    if index is None:
        index = _build_index(returns)
        index.key = key
        cache.set(key, index, settings.TIMELINE_CACHE_SECONDS)
    return index


def _build_index(returns):
    agency_of = {pk: agency_id for pk, _s, _v, _u, agency_id, _n in returns}
    names = {agency_id: name for _p, _s, _v, _u, agency_id, name in returns}
    values = ChronologyEntry.objects.filter(agency_return_id__in=list(agency_of)).values_list(
        "pk",
        "date",
        "date_precision",
        "time",
        "agency_return_id",
        "is_key_event",
        "what_happened",
        "source",
        "position",
    )
    full = []
    for pk, date, precision, time, return_id, key, what, source, position in values:
        agency_id = agency_of[return_id]
        full.append((pk, date, precision, time, agency_id, key, what, source, position))
    # Month-only entries of a month come before its dated entries (their day is the 1st, not a real day).
    full.sort(
        key=lambda r: (
            r[1],
            r[2] != ChronologyEntry.Precision.MONTH,
            r[3] or datetime.time.min,
            names[r[4]],
            r[8],
            r[0],
        )
    )
    conflicts = _find_conflicts(full, names)
    rows = [
        Row(pk, date, precision == ChronologyEntry.Precision.MONTH, time, agency_id, key)
        for pk, date, precision, time, agency_id, key, *_ in full
    ]
    return TimelineIndex(rows=rows, agencies=names, conflicts=conflicts, return_ids=list(agency_of))


def _normalised(text):
    return " ".join((text or "").lower().split())


def _find_conflicts(full, names):
    """Entries whose account another agency contradicts (rules in the module docstring)."""
    by_day = {}
    for r in full:
        if r[2] == ChronologyEntry.Precision.DAY:
            by_day.setdefault(r[1], []).append(r)
    conflicts = {}
    for same_day in by_day.values():
        if len(same_day) < 2:
            continue
        for i, a in enumerate(same_day):
            for b in same_day[i + 1 :]:
                if a[4] == b[4] or not (a[3] and b[3]):
                    continue
                if a[3] == b[3] and _normalised(a[6]) != _normalised(b[6]):
                    reason = "{other} records something different at the same time ({time:%H:%M})."
                elif _normalised(a[7]) and _normalised(a[7]) == _normalised(b[7]) and a[3] != b[3]:
                    reason = "{other} gives a different time for the same source document."
                else:
                    continue
                conflicts.setdefault(a[0], []).append(reason.format(other=names[b[4]], time=a[3]))
                conflicts.setdefault(b[0], []).append(reason.format(other=names[a[4]], time=b[3]))
    return conflicts


# --- One page of the timeline ---------------------------------------------------------------


def case_timeline(
    *,
    case,
    index=None,
    agency_ids=None,
    key_events_only=False,
    page=None,
    on=None,
    entry_pk=None,
    page_size=None,
    link_prefix="?",
):
    """The merged timeline of the case's submitted and accepted returns (drafts excluded), filtered,
    one page of whole days (`page_size` entries or so; 0 for every entry on one page, as the case pack
    prints it), with the gaps, possible conflicts and swim lanes of every entry shown.

    The page is `page` (1-based), or the one holding the first entry on or after the date `on`, or the
    one holding the entry `entry_pk`. `link_prefix` starts every link the timeline draws (page and
    swim-lane links), e.g. ``"/cases/3/timeline/?agency=2&"``. `index` saves reading it again when the
    caller already has it."""
    index = index or timeline_index(case)
    rows = index.rows
    if agency_ids:
        wanted = set(agency_ids)
        rows = [r for r in rows if r.agency_id in wanted]
    if key_events_only:
        rows = [r for r in rows if r.key]
    page_size = settings.TIMELINE_PAGE_SIZE if page_size is None else page_size
    shown_agencies = sorted({r.agency_id for r in rows}, key=lambda pk: index.agencies[pk])
    timeline = Timeline(
        case=case,
        agencies=[TimelineAgency(pk, index.agencies[pk]) for pk in shown_agencies],
        total=len(rows),
        case_agency_count=len(index.agencies),
        gap_days=settings.TIMELINE_GAP_DAYS,
        link_prefix=link_prefix,
        cache_key=index.key,
        filter_key=f"{sorted(agency_ids or [])}:{key_events_only}:{page_size}",
        agency_filter=tuple(sorted(agency_ids or [])),
    )
    timeline.conflict_count = sum(1 for r in rows if r.pk in index.conflicts)
    days = _days(rows)  # (date, month_only, first row index, row count)
    gap_before = _gaps(days, timeline)
    bounds = _page_bounds(days, page_size)  # (first day index, last day index) per page
    timeline.pages = [
        PageLink(
            number=n + 1,
            first=days[a][0],
            last=days[b][0],
            href=f"{link_prefix}page={n + 1}#{timeline.anchor}",
        )
        for n, (a, b) in enumerate(bounds)
    ]
    timeline.page_number = _choose_page(rows, days, bounds, page=page, on=on, entry_pk=entry_pk)
    timeline.years = _year_links(days, bounds, timeline)
    timeline.source = (index, rows, days, gap_before, bounds)
    return timeline


def _days(rows):
    days = []
    for i, r in enumerate(rows):
        if days and days[-1][0] == r.date and days[-1][1] == r.month_only:
            days[-1][3] += 1
        else:
            days.append([r.date, r.month_only, i, 1])
    return days


def _gaps(days, timeline):
    """Gaps between consecutive days shown; returns {day index: gap in days} for the list."""
    gap_before = {}
    for i in range(1, len(days)):
        span = (days[i][0] - days[i - 1][0]).days
        if span > timeline.gap_days:
            gap_before[i] = span
            timeline.gaps.append(TimelineGap(start=days[i - 1][0], end=days[i][0], days=span))
    return gap_before


def _page_bounds(days, page_size):
    if not days:
        return []
    if not page_size:
        return [(0, len(days) - 1)]
    bounds, start, count = [], 0, 0
    for i, day in enumerate(days):
        if count and count + day[3] > page_size:
            bounds.append((start, i - 1))
            start, count = i, 0
        count += day[3]
    bounds.append((start, len(days) - 1))
    return bounds


def _page_of_day(bounds, day_index):
    for n, (a, b) in enumerate(bounds):
        if a <= day_index <= b:
            return n + 1
    return 1


def _choose_page(rows, days, bounds, *, page, on, entry_pk):
    if not bounds:
        return 1
    if entry_pk is not None:
        for i, r in enumerate(rows):
            if r.pk == entry_pk:
                day_index = next(d for d, day in enumerate(days) if day[2] <= i < day[2] + day[3])
                return _page_of_day(bounds, day_index)
    if on is not None:
        for d, day in enumerate(days):
            if day[0] >= on:
                return _page_of_day(bounds, d)
        return len(bounds)
    if page is not None:
        return min(max(page, 1), len(bounds))
    return 1


def _year_links(days, bounds, timeline):
    """Each year's first page, for a "jump to year" row when the list runs over several pages."""
    if len(bounds) < 2:
        return []
    years, seen = [], set()
    for day in days:
        if day[0].year not in seen:
            seen.add(day[0].year)
            years.append((day[0].year, f"{timeline.link_prefix}on={day[0].year}-01-01#{timeline.anchor}"))
    return years


def _load_entries(index, page_rows, *, every):
    """The page's entries in full, in index order, each with its agency's name and conflict reasons
    (both from the index: no join, no model per agency)."""
    entries = ChronologyEntry.objects.defer("created_at", "updated_at", "position")
    if every:
        entries = entries.filter(agency_return_id__in=index.return_ids)
    else:
        entries = entries.filter(pk__in=[r.pk for r in page_rows])
    by_pk = {e.pk: e for e in entries}
    ordered = []
    for r in page_rows:
        e = by_pk.get(r.pk)
        if e is not None:
            e.agency_name = index.agencies[r.agency_id]
            e.conflict_reasons = index.conflicts.get(r.pk, [])
            ordered.append(e)
    return ordered


def _group_by_day(entries, gap_before, first_day, last_day, days):
    grouped = {}
    for d in range(first_day, last_day + 1):
        date, month_only = days[d][0], days[d][1]
        grouped[(date, month_only)] = TimelineDay(
            date=date, month_only=month_only, gap_before_days=gap_before.get(d)
        )
    for e in entries:
        day = grouped.get((e.date, e.date_precision == ChronologyEntry.Precision.MONTH))
        if day is None:  # changed since the index was read: shown on the next request
            continue
        day.entries.append(e)
        name = e.agency_name
        if name not in day.agency_names:
            day.agency_names.append(name)
    return [day for day in grouped.values() if day.entries]


# --- Swim lanes: per agency per month, over every entry shown ---------------------------------


def _month(d):
    return datetime.date(d.year, d.month, 1)


def _next_month(d):
    return datetime.date(d.year + d.month // 12, d.month % 12 + 1, 1)


def _axis_range(timeline, index):
    """First month and the month after the last, of the whole case (whatever the filter); the audit's
    period when nothing has been returned yet."""
    if index.rows:
        return _month(index.rows[0].date), _next_month(index.rows[-1].date)
    audit = timeline.case.audit
    start = audit.period_start or timezone.localdate()
    end = audit.period_end if audit.period_end and audit.period_end >= start else start
    return _month(start), _next_month(end)


def _lay_out_lanes(timeline, rows, index):
    """Positions for the swim-lane SVG: one lane per agency involved (or chosen), one bar per month
    with entries shown, on the whole case's date axis."""
    lane_agencies = timeline.lane_agencies
    if not lane_agencies:
        return []
    first, end = _axis_range(timeline, index)
    span = (end - first).days

    def x_of(day):
        day = min(max(day, first), end)
        return round(LANE_LABEL_WIDTH + (day - first).days / span * LANE_PLOT_WIDTH, 1)

    cells = {}
    for r in rows:
        cell = cells.get((r.agency_id, r.date.year, r.date.month))
        if cell is None:
            cell = cells[(r.agency_id, r.date.year, r.date.month)] = LaneCell(
                month=_month(r.date), first_pk=r.pk
            )
        cell.entries += 1
        cell.key_events += r.key
        cell.conflicts += r.pk in index.conflicts
    biggest = max((c.entries for c in cells.values()), default=1)
    lanes = {
        agency.pk: Lane(agency=agency, y=0, has_return=has_return, lines=wrap_label(agency.name))
        for agency, has_return in lane_agencies
    }
    for (agency_id, _y, _m), cell in cells.items():
        if agency_id in lanes:
            lanes[agency_id].entries += cell.entries
    y = 0  # each lane as tall as its label needs (its note depends on its entries, counted above)
    for lane in lanes.values():
        lane.height = max(LANE_HEIGHT, len(lane.label_lines) * LANE_LINE_HEIGHT + 8)
        lane.y = y
        y += lane.height
    for (agency_id, _y, _m), cell in sorted(cells.items(), key=lambda kv: kv[1].month):
        lane = lanes.get(agency_id)
        if lane is None:
            continue
        cell.x = x_of(cell.month)
        cell.width = max(round(x_of(_next_month(cell.month)) - cell.x - 1, 1), 1)
        cell.height = round(4 + (LANE_HEIGHT - 10) * math.sqrt(cell.entries / biggest), 1)
        cell.y = round(lane.base - cell.height, 1)
        cell.href = f"{timeline.link_prefix}entry={cell.first_pk}#entry-{cell.first_pk}"
        cell.label = _cell_label(cell, lane.agency.name)
        lane.cells.append(cell)
    for gap in timeline.gaps:
        gap.x1, gap.x2 = x_of(gap.start), x_of(gap.end)
    timeline.axis_y = y
    timeline.height = timeline.axis_y + AXIS_HEIGHT
    timeline.ticks = _ticks(first, end, x_of)
    page = timeline.current_page
    if timeline.is_paged and page:
        timeline.page_span = (x_of(page.first), max(x_of(page.last), x_of(page.first) + 2))
    return list(lanes.values())


def _cell_label(cell, agency_name):
    text = f"{cell.month:%B %Y} — {agency_name}: {cell.entries} entr{'y' if cell.entries == 1 else 'ies'}"
    if cell.key_events:
        text += f", {cell.key_events} key event{'' if cell.key_events == 1 else 's'}"
    if cell.conflicts:
        text += f", {cell.conflicts} possibly conflicting"
    return text


def _ticks(first, end, x_of):
    months = (end.year - first.year) * 12 + end.month - first.month
    step = 1 if months <= 12 else 3 if months <= 36 else 12
    ticks = []
    day = first
    while day < end:
        if (day.month - 1) % step == 0:
            ticks.append(Tick(x=x_of(day), label=day.strftime("%b %Y")))
        day = _next_month(day)
    return ticks


def _n(value):
    """A coordinate as SVG wants it: no locale, no trailing zeros."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def render_lanes_svg(timeline):
    """The swim-lane picture as SVG markup (built here rather than in a template loop: a case has
    hundreds of agency-months, and template variables cost far more per item than string formatting).
    Every piece of text is escaped."""
    t = timeline
    if not t.lanes:  # lays the lanes out, and with them the axis and the gaps' positions
        return ""
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {t.width} {t.height}" width="100%" role="group" '
        'aria-labelledby="lanes-title lanes-desc" font-family="system-ui, sans-serif" font-size="12">',
        f'<title id="lanes-title">Swim lanes of {escape(t.case.pseudonym)}</title>',
        '<desc id="lanes-desc">One lane per agency involved in the case; each bar is one month, taller for more '
        "entries; orange bars hold key events, red outlines possible conflicts, yellow bands are gaps of more "
        f"than {t.gap_days} days; a black mark on the axis spans the page of the list being read. Each bar "
        "links to its first entry in the list below.</desc>",
    ]
    for i, lane in enumerate(t.lanes):
        fill = "#ffffff" if i % 2 == 0 else "#f1f3f5"
        out.append(
            f'<rect x="0" y="{_n(lane.y)}" width="{t.width}" height="{_n(lane.height)}" fill="{fill}"/>'
        )
    for gap in t.gaps:
        # Inset at both ends and outlined: two gaps either side of one day stay two bands.
        x = gap.x1 + GAP_INSET
        width = max(gap.x2 - gap.x1 - 2 * GAP_INSET, 1)
        out.append(
            f'<rect class="lane-gap" x="{_n(x)}" y="0" width="{_n(width)}" height="{t.axis_y}" fill="#ffe3a3" '
            f'fill-opacity="0.55" stroke="#b58100" stroke-width="1"><title>Gap of {gap.days} days: '
            f"{gap.start.day} {gap.start:%B %Y} to {gap.end.day} {gap.end:%B %Y}</title></rect>"
        )
    for lane in t.lanes:
        name = lane.agency.name
        summary = (
            NO_RETURN_YET
            if not lane.has_return
            else f"{lane.entries} {'entry' if lane.entries == 1 else 'entries'}"
        )
        lines = [f'<tspan x="6" y="{_n(lane.text_y)}">{escape(lane.lines[0])}</tspan>']
        lines += [f'<tspan x="6" dy="{LANE_LINE_HEIGHT}">{escape(line)}</tspan>' for line in lane.lines[1:]]
        if lane.note:
            lines.append(
                f'<tspan x="6" dy="{LANE_LINE_HEIGHT}" fill="#505a5f" font-style="italic">{escape(lane.note)}</tspan>'
            )
        dash = "" if lane.has_return else ' stroke-dasharray="4 3"'
        out.append(
            f'<g class="lane"><text fill="#212529">{"".join(lines)}<title>{escape(name)}: {summary}</title></text>'
            f'<line x1="{t.plot_left}" y1="{_n(lane.base)}" x2="{t.plot_right}" y2="{_n(lane.base)}" '
            f'stroke="#adb5bd" stroke-width="1"{dash}/>'
        )
        for c in lane.cells:
            fill = "#b35c00" if c.key_events else "#1d5fa8"
            stroke = ' stroke="#c00000" stroke-width="2"' if c.conflicts else ""
            out.append(
                f'<a class="lane-bar" href="{escape(c.href)}" aria-label="{escape(c.label)}"><rect x="{_n(c.x)}" '
                f'y="{_n(c.y)}" width="{_n(c.width)}" height="{_n(c.height)}" fill="{fill}"{stroke}>'
                f"<title>{escape(c.label)}</title></rect></a>"
            )
        out.append("</g>")
    out.append(
        f'<line class="lane-axis" x1="{t.plot_left}" y1="{t.axis_y}" x2="{t.plot_right}" y2="{t.axis_y}" '
        'stroke="#495057"/>'
    )
    for tick in t.ticks:
        out.append(
            f'<g><line x1="{_n(tick.x)}" y1="{t.axis_y}" x2="{_n(tick.x)}" y2="{t.axis_y + 5}" stroke="#495057"/>'
            f'<text x="{_n(tick.x)}" y="{t.axis_y + 18}" text-anchor="middle" fill="#495057">{tick.label}</text></g>'
        )
    if t.page_span:
        x1, x2 = t.page_span
        page = t.current_page
        out.append(
            f'<rect class="lane-page" x="{_n(x1)}" y="{t.axis_y - 4}" width="{_n(x2 - x1)}" height="8" '
            f'fill="#0b0c0c"><title>This page of the list: {escape(page.label)}</title></rect>'
        )
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 (every value above is a number or escaped)
