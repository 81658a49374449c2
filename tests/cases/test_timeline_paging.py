"""The merged timeline a page at a time: whole days per page, the right rows at the edges (first, last,
empty, filtered), links to a date or an entry that land on its page, swim lanes over the whole case,
and a cached index that a change to any return replaces."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import services
from cases.models import ChronologyEntry
from cases.timeline import case_timeline
from tests.factories import AgencyFactory, AgencyReturnFactory
from tests.helpers import login

pytestmark = pytest.mark.django_db

D = datetime.date
START = D(2024, 1, 1)


def _return(cast, agency, status="accepted"):
    if agency == cast.agency:  # the cast's own return for the case
        cast.agency_return.status = status
        cast.agency_return.save()
        return cast.agency_return
    return AgencyReturnFactory(case=cast.case, agency=agency, status=status, requested_by=cast.bm)


def _fill(agency_return, days, *, per_day=1, first=START, text="Visit", step=1):
    """`per_day` entries on each of `days` days, `step` days apart."""
    ChronologyEntry.objects.bulk_create(
        ChronologyEntry(
            agency_return=agency_return,
            position=d * per_day + n,
            date=first + datetime.timedelta(days=d * step),
            what_happened=f"{text} {d}.{n}",
            is_key_event=d % 10 == 0,
        )
        for d in range(days)
        for n in range(per_day)
    )


@pytest.fixture
def long_case(cast, settings):
    """Two agencies, 25 days x 2 entries each: 100 entries, 50 a day-pair; pages of 10 entries."""
    settings.TIMELINE_PAGE_SIZE = 10
    csc = _return(cast, cast.agency)
    police = _return(cast, cast.other_agency, status="submitted")
    _fill(csc, 25, per_day=2, text="CSC visit")
    _fill(police, 25, per_day=2, text="Police contact", first=START + datetime.timedelta(days=100))
    return csc, police


def _url(cast):
    return reverse("cases:case_timeline", kwargs={"case_pk": cast.case.pk})


def test_first_page_holds_the_earliest_whole_days_and_lanes_cover_the_whole_case(cast, long_case):
    timeline = case_timeline(case=cast.case)
    assert timeline.total == 100 and timeline.page_count == 10 and timeline.page_number == 1
    assert [e.what_happened for e in timeline.entries][:3] == [
        "CSC visit 0.0",
        "CSC visit 0.1",
        "CSC visit 1.0",
    ]
    assert len(timeline.entries) == 10
    assert [d.date for d in timeline.days] == [START + datetime.timedelta(days=i) for i in range(5)]
    # The overview is complete although the list is one page.
    assert sum(lane.entries for lane in timeline.lanes) == 100
    assert [lane.agency.name for lane in timeline.lanes] == [
        "Riverton Children's Social Care",
        "Riverton Police",
    ]
    assert timeline.previous_page is None and timeline.next_page.number == 2


def test_last_page_and_a_page_past_the_end_show_the_latest_days(cast, long_case):
    last = case_timeline(case=cast.case, page=10)
    assert [e.what_happened for e in last.entries][-1] == "Police contact 24.1"
    assert last.next_page is None and last.previous_page.number == 9
    assert case_timeline(case=cast.case, page=99).entries == last.entries
    assert case_timeline(case=cast.case, page=0).page_number == 1


def test_a_day_is_never_split_between_pages(cast, settings):
    settings.TIMELINE_PAGE_SIZE = 4
    csc = _return(cast, cast.agency)
    _fill(csc, 3, per_day=3)  # 3 days of 3 entries: a page of 4 would cut a day
    timeline = case_timeline(case=cast.case)
    assert timeline.page_count == 3
    assert [len(case_timeline(case=cast.case, page=n).entries) for n in (1, 2, 3)] == [3, 3, 3]


def test_empty_timeline_has_no_pages_and_says_so(cast, client):
    _return(cast, cast.agency, status="draft")
    timeline = case_timeline(case=cast.case)
    assert timeline.total == 0 and timeline.pages == [] and timeline.entries == []
    # The agencies asked are still drawn, each marked as not having returned, on the audit's period.
    assert [(lane.agency.name, lane.has_return, lane.cells) for lane in timeline.lanes] == [
        ("Riverton Children's Social Care", False, []),
        ("Riverton Police", False, []),
    ]
    assert timeline.ticks and timeline.axis_y > 0
    login(client, cast.panel)
    page = client.get(_url(cast), {"page": "3"}).content.decode()
    assert "No submitted chronology entries yet." in page
    assert "Timeline pages" not in page
    assert page.count(">no return yet</tspan>") == 2


def test_filtered_pages_hold_only_the_agency_chosen_and_links_keep_the_filter(cast, long_case, client):
    csc, police = long_case
    login(client, cast.panel)
    response = client.get(_url(cast), {"agency": [police.agency_id], "page": "2"})
    timeline = response.context["timeline"]
    assert timeline.total == 50 and timeline.page_count == 5 and timeline.page_number == 2
    assert {e.agency_return_id for e in timeline.entries} == {police.pk}
    assert timeline.entries[0].what_happened == "Police contact 5.0"
    assert [lane.agency.name for lane in timeline.lanes] == ["Riverton Police"]
    page = response.content.decode()
    assert f'href="{_url(cast)}?agency={police.agency_id}&amp;page=3#timeline-list"' in page
    # Key events only, filtered after paging would lose rows: it filters first.
    response = client.get(_url(cast), {"key_events": "on"})
    assert [e.what_happened for e in response.context["timeline"].entries] == [
        "CSC visit 0.0",
        "CSC visit 0.1",
        "CSC visit 10.0",
        "CSC visit 10.1",
        "CSC visit 20.0",
        "CSC visit 20.1",
        "Police contact 0.0",
        "Police contact 0.1",
        "Police contact 10.0",
        "Police contact 10.1",
    ]


def test_links_to_a_date_or_an_entry_open_the_page_that_holds_it(cast, long_case, client):
    csc, police = long_case
    login(client, cast.panel)
    target = police.entries.get(what_happened="Police contact 12.1")
    response = client.get(_url(cast), {"entry": target.pk})
    assert response.context["timeline"].page_number == 8
    assert f'id="entry-{target.pk}"' in response.content.decode()
    day = START + datetime.timedelta(days=112)
    response = client.get(_url(cast), {"on": day.isoformat()})
    assert response.context["timeline"].page_number == 8
    assert 'id="day-2024-04-22"' in response.content.decode()
    # A date between two days opens the page of the next day; after the last, the last page.
    assert client.get(_url(cast), {"on": "2024-03-01"}).context["timeline"].entries[0].what_happened == (
        "Police contact 0.0"
    )
    assert client.get(_url(cast), {"on": "2030-01-01"}).context["timeline"].page_number == 10
    # Each swim-lane bar links to the row of its first entry (agency and month), on its page.
    timeline = response.context["timeline"]
    first_in_april = police.entries.filter(date__month=4).order_by("date", "position").first()
    href = f"{_url(cast)}?entry={first_in_april.pk}#entry-{first_in_april.pk}"
    assert f'href="{href}"' in response.content.decode()
    assert f'id="entry-{first_in_april.pk}"' in client.get(href).content.decode()
    assert timeline.years == [(2024, f"{_url(cast)}?on=2024-01-01#timeline-list")]


def test_case_review_pages_its_timeline_and_keeps_each_return_beside_it(cast, long_case, client):
    login(client, cast.panel)
    url = reverse("reviews:case_review", kwargs={"case_pk": cast.case.pk})
    response = client.get(url, {"page": "10"})
    page = response.content.decode()
    assert "Police contact 24.1" in page and "CSC visit 0.0" not in page
    assert "Page 10 of 10" in page
    assert "Chronology: 50 entries" in page  # each return still says how much it holds
    assert f'href="{url}?page=9#timeline-list"' in page


def _entry_queries(case):
    with CaptureQueriesContext(connection) as captured:
        case_timeline(case=case).entries  # noqa: B018 (the page's entries load when first read)
    return [q["sql"] for q in captured.captured_queries if "cases_chronologyentry" in q["sql"]]


def test_timeline_index_is_cached_until_a_return_changes_state(cast, long_case):
    csc, police = long_case
    assert len(_entry_queries(cast.case)) == 2  # the index, then the page
    assert len(_entry_queries(cast.case)) == 1  # the index is cached: only the page is read
    # The Business Manager sends the submitted police return back: its entries leave the timeline.
    services.return_send_back(agency_return=police, actor=cast.bm, comment="Please add times.")
    assert len(_entry_queries(cast.case)) == 2
    timeline = case_timeline(case=cast.case)
    assert timeline.total == 50
    # The police keep their lane, now marked as having no return on the timeline.
    assert [(lane.agency.name, lane.has_return, lane.entries) for lane in timeline.lanes] == [
        ("Riverton Children's Social Care", True, 50),
        ("Riverton Police", False, 0),
    ]
    # Changed and resubmitted: the new account is shown, not the cached old one.
    police.refresh_from_db()
    services.return_save_draft(
        agency_return=police,
        actor=cast.bm,
        version=police.version,
        fields={
            "involvement": "Response officers attended.",
            "policy_analysis": "Policy followed.",
            "practice_analysis": "Practice was timely.",
            "lessons_learnt": "Record times.",
        },
        entries=[{"date": D(2023, 6, 1), "what_happened": "Police contact, corrected", "is_key_event": True}],
    )
    police.refresh_from_db()
    services.return_submit(agency_return=police, actor=cast.bm, version=police.version)
    timeline = case_timeline(case=cast.case)
    assert timeline.total == 51
    assert timeline.entries[0].what_happened == "Police contact, corrected"
    # Accepting it is a change too: a new index, with the same rows.
    police.refresh_from_db()
    services.return_accept(agency_return=police, actor=cast.bm)
    assert len(_entry_queries(cast.case)) == 2
    assert case_timeline(case=cast.case).total == 51


def test_agency_renamed_is_shown_by_its_new_name(cast, long_case):
    case_timeline(case=cast.case)
    cast.other_agency.name = "Riverton Constabulary"
    cast.other_agency.save()
    assert [lane.agency.name for lane in case_timeline(case=cast.case).lanes] == [
        "Riverton Children's Social Care",
        "Riverton Constabulary",
    ]


def test_a_new_agency_return_accepted_joins_the_cached_timeline(cast, long_case):
    case_timeline(case=cast.case)
    health = _return(cast, AgencyFactory(name="Riverton Health"), status="submitted")
    _fill(health, 1, text="Health visit", first=D(2023, 1, 1))
    timeline = case_timeline(case=cast.case)
    assert timeline.total == 101 and timeline.entries[0].what_happened == "Health visit 0.0"


def test_rendered_page_is_reused_until_a_return_changes_state(cast, long_case, client):
    csc, police = long_case
    login(client, cast.panel)
    url = _url(cast)
    assert "Police contact 0.0" in client.get(url, {"on": "2024-04-10"}).content.decode()
    with CaptureQueriesContext(connection) as again:
        page = client.get(url, {"on": "2024-04-10"}).content.decode()
    assert "Police contact 0.0" in page
    # Rendered once, read from the cache since: the entries are not even loaded.
    assert not [q for q in again.captured_queries if "cases_chronologyentry" in q["sql"]]
    services.return_send_back(agency_return=police, actor=cast.bm, comment="Please add times.")
    page = client.get(url, {"on": "2024-04-10"}).content.decode()
    assert "Police contact" not in page
    assert "<title>Riverton Police: no return yet</title>" in page  # the lanes were drawn again
    assert "50 entries from 1 agency" in page
