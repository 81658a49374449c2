"""Swim lanes a panel can rely on (issue 16): a lane for every agency involved in the case, marked "no
return yet" where none is on the timeline; the whole case's date axis, also when filtered; each gap its
own band; every bar a link to its first entry's row; lane labels in full; the picture on the case review
page; the whole case drawn whichever page (or year) of the list is open."""

import datetime
import re

import pytest
from django.urls import reverse

from cases.models import ChronologyEntry
from cases.timeline import GAP_INSET, LANE_HEIGHT, NO_RETURN_YET, case_timeline, wrap_label
from tests.factories import AgencyFactory, AgencyReturnFactory
from tests.helpers import login

pytestmark = pytest.mark.django_db

D = datetime.date


def _accepted(cast, agency, status="accepted"):
    if agency == cast.agency:
        cast.agency_return.status = status
        cast.agency_return.save()
        return cast.agency_return
    return AgencyReturnFactory(case=cast.case, agency=agency, status=status, requested_by=cast.bm)


def _entry(agency_return, date, text="Visit", *, key=False, position=None):
    return ChronologyEntry.objects.create(
        agency_return=agency_return,
        position=position if position is not None else agency_return.entries.count(),
        date=date,
        what_happened=text,
        is_key_event=key,
    )


def _timeline_url(cast):
    return reverse("cases:case_timeline", kwargs={"case_pk": cast.case.pk})


def _svg(html):
    match = re.search(r"<svg.*?</svg>", html, re.S)
    assert match, "no swim lanes drawn"
    return match.group(0)


def _ticks(svg):
    return re.findall(r'text-anchor="middle" fill="#495057">([^<]+)<', svg)


def test_every_agency_involved_has_a_lane_and_those_without_a_return_say_so(cast, client):
    csc = _accepted(cast, cast.agency)
    _entry(csc, D(2025, 3, 4), "Home visit")
    # The police were asked and are drafting; health is known to the case but was never asked.
    AgencyReturnFactory(case=cast.case, agency=cast.other_agency, status="draft", requested_by=cast.bm)
    health = AgencyFactory(name="Riverton Health")
    cast.case.agencies.add(health)
    timeline = case_timeline(case=cast.case)
    assert [(lane.agency.name, lane.has_return, lane.note) for lane in timeline.lanes] == [
        ("Riverton Children's Social Care", True, ""),
        ("Riverton Health", False, NO_RETURN_YET),
        ("Riverton Police", False, NO_RETURN_YET),
    ]
    login(client, cast.panel)
    svg = _svg(client.get(_timeline_url(cast)).content.decode())
    assert "<title>Riverton Health: no return yet</title>" in svg
    assert "<title>Riverton Police: no return yet</title>" in svg
    assert "<title>Riverton Children&#x27;s Social Care: 1 entry</title>" in svg
    assert svg.count(">no return yet</tspan>") == 2


def test_an_agency_newly_involved_gets_its_lane_although_no_return_changed(cast, client):
    _entry(_accepted(cast, cast.agency), D(2025, 3, 4))
    login(client, cast.panel)
    assert "Riverton Education" not in client.get(_timeline_url(cast)).content.decode()
    cast.case.agencies.add(AgencyFactory(name="Riverton Education"))
    # The lanes are cached, but under a key that holds the agencies involved.
    assert (
        "<title>Riverton Education: no return yet</title>" in client.get(_timeline_url(cast)).content.decode()
    )


def test_the_date_axis_is_the_whole_case_and_is_drawn_whatever_the_filter(cast, client):
    csc = _accepted(cast, cast.agency)
    police = _accepted(cast, cast.other_agency)
    _entry(csc, D(2023, 1, 10), "First")
    _entry(police, D(2026, 11, 2), "Last", key=True)
    login(client, cast.panel)
    url = _timeline_url(cast)
    whole = _ticks(_svg(client.get(url).content.decode()))
    assert whole == ["Jan 2023", "Jan 2024", "Jan 2025", "Jan 2026"]
    # One agency: its lane alone, on the same axis.
    filtered = client.get(url, {"agency": [cast.agency.pk]})
    svg = _svg(filtered.content.decode())
    assert _ticks(svg) == whole and 'class="lane-axis"' in svg
    assert [lane.agency.name for lane in filtered.context["timeline"].lanes] == [
        "Riverton Children's Social Care"
    ]
    # Key events of the agency that has none: nothing to list, but the lane and the axis are drawn.
    empty = client.get(url, {"agency": [cast.agency.pk], "key_events": "on"})
    svg = _svg(empty.content.decode())
    assert _ticks(svg) == whole and 'class="lane-axis"' in svg
    assert "no entries shown" in svg and 'class="lane-bar"' not in svg


def test_adjacent_gaps_are_drawn_as_separate_bands(cast, client, settings):
    settings.TIMELINE_GAP_DAYS = 30
    csc = _accepted(cast, cast.agency)
    for day in (D(2025, 1, 1), D(2025, 3, 1), D(2025, 5, 1)):  # two gaps that meet at 1 March
        _entry(csc, day)
    timeline = case_timeline(case=cast.case)
    timeline.lanes  # noqa: B018 (lays the lanes out)
    first, second = timeline.gaps
    assert first.end == second.start and first.x2 == second.x1
    login(client, cast.panel)
    svg = _svg(client.get(_timeline_url(cast)).content.decode())
    bands = [
        (float(x), float(w))
        for x, w in re.findall(r'<rect class="lane-gap" x="([\d.]+)" y="0" width="([\d.]+)"', svg)
    ]
    assert len(bands) == 2
    (x1, w1), (x2, _w2) = bands
    assert x2 - (x1 + w1) >= 2 * GAP_INSET - 0.1  # a visible space between the two
    assert "Gap of 59 days: 1 January 2025 to 1 March 2025" in svg
    assert "Gap of 61 days: 1 March 2025 to 1 May 2025" in svg


def test_every_bar_is_a_named_link_to_its_first_entrys_row(cast, client, settings):
    settings.TIMELINE_PAGE_SIZE = 2
    csc = _accepted(cast, cast.agency)
    police = _accepted(cast, cast.other_agency)
    _entry(csc, D(2025, 1, 5), "CSC January", position=0)
    _entry(csc, D(2025, 1, 9), "CSC January again", position=1)
    _entry(police, D(2025, 1, 7), "Police January", key=True)
    late = _entry(csc, D(2025, 9, 1), "CSC September", position=2)
    login(client, cast.panel)
    response = client.get(_timeline_url(cast))
    svg = _svg(response.content.decode())
    links = re.findall(r'<a class="lane-bar" href="([^"]+)" aria-label="([^"]+)">', svg)
    cells = [c for lane in response.context["timeline"].lanes for c in lane.cells]
    assert len(links) == len(cells) == 3
    first_csc = csc.entries.get(what_happened="CSC January")
    href = f"{_timeline_url(cast)}?entry={first_csc.pk}#entry-{first_csc.pk}"
    assert (href, "January 2025 — Riverton Children&#x27;s Social Care: 2 entries") in links
    # A bar whose entry is on another page opens that page, with the row there to land on.
    late_href = f"{_timeline_url(cast)}?entry={late.pk}#entry-{late.pk}"
    assert late_href in [h for h, _ in links]
    assert f'id="entry-{late.pk}"' not in response.content.decode()
    landed = client.get(late_href.split("#")[0])
    assert landed.context["timeline"].page_number == 2
    assert f'id="entry-{late.pk}"' in landed.content.decode()


def test_long_agency_names_are_shown_in_full_on_as_many_lines_as_they_need(cast, client):
    name = "Riverton and Westmarsh Integrated Community Health and Wellbeing Partnership Trust"
    long_named = AgencyFactory(name=name)
    _entry(_accepted(cast, long_named), D(2025, 2, 2))
    assert all(len(line) <= 30 for line in wrap_label(name)) and " ".join(wrap_label(name)) == name
    timeline = case_timeline(case=cast.case)
    lane = next(lane for lane in timeline.lanes if lane.agency.name == name)
    assert len(lane.lines) >= 3 and lane.height > LANE_HEIGHT
    assert lane.base < lane.y + lane.height  # the bars stay inside their (taller) lane
    login(client, cast.panel)
    svg = _svg(client.get(_timeline_url(cast)).content.decode())
    label = re.search(r'<text fill="#212529">((?:(?!<text ).)*?)<title>' + re.escape(name), svg).group(1)
    assert " ".join(re.findall(r">([^<]+)</tspan>", label)) == name
    assert "…" not in svg


def test_case_review_page_draws_the_lanes_too(cast, client):
    _entry(_accepted(cast, cast.agency), D(2025, 6, 6), "Seen at school")
    login(client, cast.panel)
    page = client.get(reverse("reviews:case_review", kwargs={"case_pk": cast.case.pk})).content.decode()
    svg = _svg(page)
    assert "Swim lanes of Case One" in svg
    assert "<title>Riverton Police: no return yet</title>" in svg
    entry = cast.agency_return.entries.get()
    review = reverse("reviews:case_review", kwargs={"case_pk": cast.case.pk})
    assert f'href="{review}?entry={entry.pk}#entry-{entry.pk}"' in svg
    assert f'id="entry-{entry.pk}"' in page


def test_each_year_page_keeps_the_whole_case_in_the_lanes(cast, client, settings):
    settings.TIMELINE_PAGE_SIZE = 4
    csc = _accepted(cast, cast.agency)
    police = _accepted(cast, cast.other_agency)
    for year in (2023, 2024, 2025):
        for month in (2, 5, 8, 11):
            _entry(csc, D(year, month, 3), f"CSC {year}-{month}")
            _entry(police, D(year, month, 20), f"Police {year}-{month}")
    login(client, cast.panel)
    url = _timeline_url(cast)
    first = client.get(url)
    years = first.context["timeline"].years
    assert [y for y, _ in years] == [2023, 2024, 2025]
    page_mark = re.compile(r'<rect class="lane-page" x="([\d.]+)".*?</rect>')
    whole_svg = page_mark.sub("", _svg(first.content.decode()))
    marks = []
    for year, href in years:
        response = client.get(href.split("#")[0])
        timeline = response.context["timeline"]
        # The list holds that year's entries only; the lanes still hold all 24, the same picture but for
        # the mark of the page being read, which moves along the axis with it.
        assert {e.date.year for e in timeline.entries} == {year}
        assert sum(lane.entries for lane in timeline.lanes) == 24
        svg = _svg(response.content.decode())
        assert page_mark.sub("", svg) == whole_svg
        assert svg.count('class="lane-bar"') == 24
        assert f"<title>This page of the list: 3 February {year} to" in svg
        marks.append(float(page_mark.search(svg).group(1)))
    assert marks == sorted(marks) and len(set(marks)) == 3
