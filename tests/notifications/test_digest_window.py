"""The weekly digest has a window: it goes on the first run on or after its weekday, once a week."""

import pytest

from cases.models import AgencyReturn

from .conftest import D, day

pytestmark = pytest.mark.django_db


def digests(messages):
    return [m for m in messages if m.subject.startswith("Weekly digest")]


def test_a_job_that_misses_the_weekday_sends_the_digest_on_its_next_run_once(quiet_cast, run_on, settings):
    settings.REMINDER_DIGEST_WEEKDAY = D.weekday()  # Monday; the job does not run that day
    AgencyReturn.objects.filter(pk=quiet_cast.agency_return.pk).update(due_date=day(-3))
    tuesday = digests(run_on(day(1)))
    assert [m.to for m in tuesday] == [["bm@test.example"]]
    assert tuesday[0].subject == "Weekly digest: 1 late item (16 March 2027)"
    for offset in (2, 3, 4, 5, 6):  # the rest of that week: nothing more
        assert digests(run_on(day(offset))) == []
    assert len(digests(run_on(day(7)))) == 1  # the next Monday: the next week's digest


def test_the_digest_goes_on_its_weekday_when_the_job_runs(quiet_cast, run_on, settings):
    settings.REMINDER_DIGEST_WEEKDAY = D.weekday()
    AgencyReturn.objects.filter(pk=quiet_cast.agency_return.pk).update(due_date=day(-3))
    assert len(digests(run_on(D))) == 1
    assert digests(run_on(day(1))) == []
