"""The merged multi-agency timeline of a case: every agency's chronology in one sorted list.

`case_timeline(case=..., agency_ids=..., key_events_only=...)` is the one entry point; pages and the
case pack PDF render its result with the partial ``cases/_timeline.html``.
"""

from dataclasses import dataclass, field

from .models import AgencyReturn, ChronologyEntry


@dataclass
class Timeline:
    case: object
    entries: list = field(default_factory=list)
    agencies: list = field(default_factory=list)


def case_timeline(*, case, agency_ids=None, key_events_only=False):
    """All chronology entries of the case's returns (drafts excluded: only what an agency submitted or
    the Business Manager accepted), sorted by date and time."""
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
    return Timeline(case=case, entries=ordered, agencies=agencies)
