"""Helpers to give the standing cast's case readable returns and chronologies."""

import datetime

from cases.models import AgencyReturn
from tests.factories import AgencyReturnFactory, ChronologyEntryFactory


def submitted_return(case, agency, requested_by, **fields):
    """A return the panel can read (submitted), with the given fields."""
    agency_return = case.returns.filter(agency=agency).first() or AgencyReturnFactory(
        case=case, agency=agency, requested_by=requested_by
    )
    for name, value in fields.items():
        setattr(agency_return, name, value)
    agency_return.status = AgencyReturn.Status.SUBMITTED
    agency_return.save()
    return agency_return


def entries(agency_return, count, *, start=datetime.date(2026, 1, 5), text="Home visit by the social worker"):
    return [
        ChronologyEntryFactory(
            agency_return=agency_return,
            position=i,
            date=start + datetime.timedelta(days=7 * i),
            what_happened=f"{text} {i}",
        )
        for i in range(count)
    ]
