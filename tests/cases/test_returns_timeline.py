"""The merged multi-agency timeline: grouping, gaps, conflicts, filters, swim lanes, and a flat query
count however many entries there are."""

import datetime

import pytest
from django.urls import reverse

from accesslog.models import AccessLogEntry
from cases.models import ChronologyEntry
from cases.timeline import case_timeline
from tests.factories import AgencyFactory, AgencyReturnFactory, ChronologyEntryFactory
from tests.helpers import login

pytestmark = pytest.mark.django_db

D = datetime.date


def _return(cast, agency, status="submitted"):
    return AgencyReturnFactory(case=cast.case, agency=agency, status=status, requested_by=cast.bm)


def _entry(agency_return, day, text, **kwargs):
    return ChronologyEntryFactory(agency_return=agency_return, date=day, what_happened=text, **kwargs)


@pytest.fixture
def two_agencies(cast):
    cast.agency_return.status = "accepted"
    cast.agency_return.save()
    police = _return(cast, cast.other_agency)
    return cast.agency_return, police


def test_entries_from_several_agencies_on_the_same_day_are_grouped(cast, two_agencies):
    csc, police = two_agencies
    _entry(csc, D(2026, 2, 3), "Strategy discussion (social care)")
    _entry(police, D(2026, 2, 3), "Strategy discussion (police)")
    _entry(police, D(2026, 2, 10), "Interview")
    timeline = case_timeline(case=cast.case)
    assert [(d.date, d.multi_agency) for d in timeline.days] == [
        (D(2026, 2, 3), True),
        (D(2026, 2, 10), False),
    ]
    assert sorted(timeline.days[0].agency_names) == ["Riverton Children's Social Care", "Riverton Police"]


def test_drafts_are_left_out(cast):
    draft = _return(cast, AgencyFactory(name="Riverton Health"), status="draft")
    _entry(draft, D(2026, 2, 3), "Not yet submitted")
    assert case_timeline(case=cast.case).entries == []


def test_gaps_longer_than_the_setting_are_marked(cast, two_agencies, settings, client):
    settings.TIMELINE_GAP_DAYS = 30
    csc, police = two_agencies
    _entry(csc, D(2026, 1, 1), "Referral")
    _entry(police, D(2026, 1, 20), "Interview")  # 19 days: no gap
    _entry(csc, D(2026, 4, 1), "Review")  # 71 days: a gap
    timeline = case_timeline(case=cast.case)
    assert [(g.start, g.end, g.days) for g in timeline.gaps] == [(D(2026, 1, 20), D(2026, 4, 1), 71)]
    login(client, cast.panel)
    page = client.get(reverse("cases:case_timeline", kwargs={"case_pk": cast.case.pk})).content.decode()
    assert "71 days with no recorded contact" in page
    assert "Gap of 71 days" in page  # the swim lanes shade it too


def test_conflicting_accounts_are_flagged_and_different_key_event_flags_are_not(cast, two_agencies):
    csc, police = two_agencies
    same_time = datetime.time(14, 0)
    a = _entry(csc, D(2026, 2, 3), "Child seen at school", time=same_time)
    b = _entry(police, D(2026, 2, 3), "Child interviewed at the police station", time=same_time)
    c = _entry(csc, D(2026, 3, 3), "Strategy meeting", time=datetime.time(9, 0), source="Strategy minutes")
    d = _entry(
        police, D(2026, 3, 3), "Strategy meeting", time=datetime.time(15, 0), source="strategy minutes"
    )
    # Same day, same account, but only one agency calls it a key event: not a conflict.
    e = _entry(csc, D(2026, 4, 3), "Case conference", is_key_event=True)
    f = _entry(police, D(2026, 4, 3), "Case conference", is_key_event=False)
    # Month-only dates are never compared.
    g = _entry(csc, D(2026, 5, 1), "Visit", time=same_time, date_precision="month")
    h = _entry(police, D(2026, 5, 1), "Phone call", time=same_time, date_precision="month")
    timeline = case_timeline(case=cast.case)
    flagged = {x.pk for x in timeline.entries if x.conflict_reasons}
    assert flagged == {a.pk, b.pk, c.pk, d.pk}
    assert {e.pk, f.pk, g.pk, h.pk}.isdisjoint(flagged)
    assert timeline.conflict_count == 4
    by_pk = {x.pk: x for x in timeline.entries}
    assert (
        "Riverton Police records something different at the same time (14:00)"
        in by_pk[a.pk].conflict_reasons[0]
    )
    assert "different time for the same source document" in by_pk[c.pk].conflict_reasons[0]


def test_filter_by_agency_and_key_events(cast, two_agencies, client):
    csc, police = two_agencies
    _entry(csc, D(2026, 2, 3), "CSC key event", is_key_event=True)
    _entry(csc, D(2026, 2, 4), "CSC routine visit")
    _entry(police, D(2026, 2, 5), "Police key event", is_key_event=True)
    login(client, cast.bm)
    url = reverse("cases:case_timeline", kwargs={"case_pk": cast.case.pk})
    response = client.get(url, {"agency": [police.agency_id]})
    assert [e.what_happened for e in response.context["timeline"].entries] == ["Police key event"]
    response = client.get(url, {"key_events": "on"})
    assert [e.what_happened for e in response.context["timeline"].entries] == [
        "CSC key event",
        "Police key event",
    ]
    page = client.get(url).content.decode()
    assert "CSC routine visit" in page and "<svg" in page and "Swim lanes of Case One" in page


def test_swim_lanes_put_each_agency_in_its_own_lane_one_bar_per_month(cast, two_agencies):
    csc, police = two_agencies
    _entry(csc, D(2026, 1, 1), "Start")
    _entry(police, D(2026, 7, 1), "End")
    _entry(csc, D(2026, 4, 1), "Middle", is_key_event=True)
    _entry(csc, D(2026, 4, 20), "Later the same month")
    timeline = case_timeline(case=cast.case)
    lanes = {lane.agency.name: lane for lane in timeline.lanes}
    csc_cells = lanes["Riverton Children's Social Care"].cells
    assert [(c.month, c.entries, c.key_events) for c in csc_cells] == [
        (D(2026, 1, 1), 1, 0),
        (D(2026, 4, 1), 2, 1),
    ]
    assert csc_cells[0].x == timeline.plot_left
    assert timeline.plot_left < csc_cells[1].x < timeline.plot_right
    assert csc_cells[1].height > csc_cells[0].height  # two entries draw a taller bar than one
    police_cells = lanes["Riverton Police"].cells
    assert [c.month for c in police_cells] == [D(2026, 7, 1)]
    assert police_cells[0].x + police_cells[0].width < timeline.plot_right
    assert csc_cells[1].label == "April 2026 — Riverton Children's Social Care: 2 entries, 1 key event"
    middle = csc.entries.get(what_happened="Middle")
    assert csc_cells[1].href == f"?entry={middle.pk}#entry-{middle.pk}"  # the row of its first entry
    assert [t.label for t in timeline.ticks][:2] == ["Jan 2026", "Feb 2026"]


def test_timeline_page_is_for_the_business_manager_and_the_panel_and_is_logged(cast, client):
    url = reverse("cases:case_timeline", kwargs={"case_pk": cast.case.pk})
    for user, status in [(cast.bm, 200), (cast.panel, 200), (cast.panel_other, 404), (cast.contributor, 403)]:
        login(client, user)
        assert client.get(url).status_code == status
    assert AccessLogEntry.objects.filter(what="timeline", case_id=cast.case.pk).count() == 2


def _entries(agency_return, i, numbers):
    return [
        ChronologyEntry(
            agency_return=agency_return,
            position=n,
            date=D(2025, 1, 1) + datetime.timedelta(days=(n * 3 + i) % 500),
            time=datetime.time(9 + n % 8, 0) if n % 2 else None,
            what_happened=f"Event {n} recorded by agency {i}",
            who_involved="Social worker",
            source="Case note" if n % 3 else "Strategy minutes",
            is_key_event=n % 10 == 0,
        )
        for n in numbers
    ]


def _count_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries), response


def test_timeline_query_count_does_not_grow_with_entries(cast, client, django_assert_max_num_queries):
    login(client, cast.panel)
    url = reverse("cases:case_timeline", kwargs={"case_pk": cast.case.pk})
    returns = [
        _return(cast, AgencyFactory(name=f"Timeline agency {i:02d}"), status="accepted") for i in range(2)
    ]
    for i, agency_return in enumerate(returns):
        ChronologyEntry.objects.bulk_create(_entries(agency_return, i, range(5)))
    small, _ = _count_queries(client, url)

    # Grow to 10 agencies x 150 entries.
    for i, agency_return in enumerate(returns):
        ChronologyEntry.objects.bulk_create(_entries(agency_return, i, range(5, 150)))
    for i in range(2, 10):
        agency_return = _return(cast, AgencyFactory(name=f"Timeline agency {i:02d}"), status="submitted")
        ChronologyEntry.objects.bulk_create(_entries(agency_return, i, range(150)))
    with django_assert_max_num_queries(small):
        count, response = _count_queries(client, url)
    assert count == small
    timeline = response.context["timeline"]
    assert len(timeline.agencies) == 10 and timeline.total == 1500
    # A lane for each of the ten agencies that returned, and for the two of the case that have not.
    assert sum(lane.entries for lane in timeline.lanes) == 1500
    assert [lane.agency.name for lane in timeline.lanes if not lane.has_return] == [
        "Riverton Children's Social Care",
        "Riverton Police",
    ]
    assert len(timeline.lanes) == 12
    assert timeline.days and len(timeline.entries) <= 100 + 10  # one page of whole days
