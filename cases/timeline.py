"""The merged multi-agency timeline of a case: every agency's chronology in one sorted list.

`case_timeline(case=..., agency_ids=..., key_events_only=...)` is the one entry point; pages and the
case pack PDF render its result with the partial ``cases/_timeline.html`` (the list) and the page adds
``cases/_timeline_lanes.html`` (the swim-lane picture). Everything is worked out here in one query, so
the cost of a page does not grow with the number of entries.

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
  month-only dates are never flagged.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings

from .models import AgencyReturn, ChronologyEntry

LANE_LABEL_WIDTH = 220
LANE_PLOT_WIDTH = 760
LANE_HEIGHT = 34
AXIS_HEIGHT = 30


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
class LanePoint:
    x: float
    entry: object
    label: str = ""


@dataclass
class Lane:
    agency: object
    y: float
    points: list = field(default_factory=list)

    @property
    def mid(self):
        return self.y + LANE_HEIGHT / 2

    @property
    def text_y(self):
        return self.mid + 4


@dataclass
class Tick:
    x: float
    label: str


@dataclass
class Timeline:
    case: object
    entries: list = field(default_factory=list)
    agencies: list = field(default_factory=list)
    days: list = field(default_factory=list)
    gaps: list = field(default_factory=list)
    conflict_count: int = 0
    lanes: list = field(default_factory=list)
    ticks: list = field(default_factory=list)
    gap_days: int = 90
    width: int = LANE_LABEL_WIDTH + LANE_PLOT_WIDTH + 20
    height: int = AXIS_HEIGHT
    plot_left: int = LANE_LABEL_WIDTH
    plot_right: int = LANE_LABEL_WIDTH + LANE_PLOT_WIDTH
    axis_y: int = 0


def case_timeline(*, case, agency_ids=None, key_events_only=False):
    """All chronology entries of the case's returns (drafts excluded: only what an agency submitted or
    the Business Manager accepted), sorted by date and time, grouped by day, with gaps, possible
    conflicts and swim lanes worked out."""
    entries = ChronologyEntry.objects.filter(
        agency_return__case=case,
        agency_return__status__in=[AgencyReturn.Status.SUBMITTED, AgencyReturn.Status.ACCEPTED],
    ).select_related("agency_return__agency")
    if agency_ids:
        entries = entries.filter(agency_return__agency_id__in=agency_ids)
    if key_events_only:
        entries = entries.filter(is_key_event=True)
    ordered = sorted(entries, key=lambda e: (e.sort_key, e.agency_return.agency.name, e.position))
    agencies = sorted({e.agency_return.agency for e in ordered}, key=lambda a: a.name)
    timeline = Timeline(case=case, entries=ordered, agencies=agencies, gap_days=settings.TIMELINE_GAP_DAYS)
    for e in ordered:
        e.conflict_reasons = []
    timeline.conflict_count = _flag_conflicts(ordered)
    timeline.days = _group_by_day(ordered)
    timeline.gaps = _gaps(timeline.days, timeline.gap_days)
    _lay_out_lanes(timeline)
    return timeline


def _group_by_day(entries):
    days = []
    for e in entries:
        month_only = e.date_precision == ChronologyEntry.Precision.MONTH
        if not days or (days[-1].date, days[-1].month_only) != (e.date, month_only):
            days.append(TimelineDay(date=e.date, month_only=month_only))
        day = days[-1]
        day.entries.append(e)
        name = e.agency_return.agency.name
        if name not in day.agency_names:
            day.agency_names.append(name)
    return days


def _gaps(days, gap_days):
    gaps = []
    for before, after in zip(days, days[1:], strict=False):
        span = (after.date - before.date).days
        if span > gap_days:
            after.gap_before_days = span
            gaps.append(TimelineGap(start=before.date, end=after.date, days=span))
    return gaps


def _normalised(text):
    return " ".join((text or "").lower().split())


def _flag_conflicts(entries):
    """Mark entries whose account another agency contradicts (rules in the module docstring)."""
    by_day = {}
    for e in entries:
        if e.date_precision == ChronologyEntry.Precision.DAY:
            by_day.setdefault(e.date, []).append(e)
    flagged = set()
    for same_day in by_day.values():
        if len(same_day) < 2:
            continue
        for i, a in enumerate(same_day):
            for b in same_day[i + 1 :]:
                if a.agency_return.agency_id == b.agency_return.agency_id:
                    continue
                if (
                    a.time
                    and b.time
                    and a.time == b.time
                    and _normalised(a.what_happened) != _normalised(b.what_happened)
                ):
                    reason = "{other} records something different at the same time ({time:%H:%M})."
                elif (
                    _normalised(a.source)
                    and _normalised(a.source) == _normalised(b.source)
                    and a.time
                    and b.time
                    and a.time != b.time
                ):
                    reason = "{other} gives a different time for the same source document."
                else:
                    continue
                a.conflict_reasons.append(reason.format(other=b.agency_return.agency.name, time=a.time))
                b.conflict_reasons.append(reason.format(other=a.agency_return.agency.name, time=b.time))
                flagged.update((a.pk, b.pk))
    return len(flagged)


def _lay_out_lanes(timeline):
    """Positions for the swim-lane SVG: one lane per agency, x by date."""
    if not timeline.entries:
        return
    first, last = timeline.entries[0].date, timeline.entries[-1].date
    span = max((last - first).days, 1)

    def x_of(day):
        return round(LANE_LABEL_WIDTH + (day - first).days / span * LANE_PLOT_WIDTH, 1)

    lanes = {a.pk: Lane(agency=a, y=i * LANE_HEIGHT) for i, a in enumerate(timeline.agencies)}
    for e in timeline.entries:
        lanes[e.agency_return.agency_id].points.append(
            LanePoint(x=x_of(e.date), entry=e, label=_point_label(e))
        )
    timeline.lanes = list(lanes.values())
    for gap in timeline.gaps:
        gap.x1, gap.x2 = x_of(gap.start), x_of(gap.end)
    timeline.axis_y = len(timeline.lanes) * LANE_HEIGHT
    timeline.height = timeline.axis_y + AXIS_HEIGHT
    timeline.ticks = _ticks(first, last, x_of)


def _point_label(entry):
    """The hover text of a dot (built here: a template filter per dot is slow at thousands of dots)."""
    what = " ".join(entry.what_happened.split())
    if len(what) > 120:
        what = what[:119] + "…"
    when = entry.display_date + (f" {entry.time:%H:%M}" if entry.time else "")
    return f"{when} — {entry.agency_return.agency.name}: {what}"


def _ticks(first, last, x_of):
    months = (last.year - first.year) * 12 + last.month - first.month
    step = 1 if months <= 12 else 3 if months <= 36 else 12
    ticks = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        day = datetime.date(year, month, 1)
        if day >= first and (month - 1) % step == 0:
            ticks.append(Tick(x=x_of(day), label=day.strftime("%b %Y")))
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return ticks
