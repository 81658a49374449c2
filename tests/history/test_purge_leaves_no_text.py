"""After the retention purge, nothing of a purged return's text is left anywhere in the database:
not in its rows, not in the change history of rows that earlier saves replaced, not in any table."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from cases import services as case_services
from cases.models import AgencyReturn, Audit

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

MARK = "Wexmoorquill"  # in every text the agency ever saved; nowhere else


@pytest.fixture(autouse=True)
def _periods(settings):
    settings.RETENTION = {
        "identifying_terms": {"days": 365, "reason": "Terms reason"},
        "agency_returns": {"days": 730, "reason": "Returns reason"},
        "evidence": {"days": 730, "reason": "Evidence reason"},
    }


def tables_holding(text):
    """Every table with a row whose text form contains `text` (history tables included)."""
    found = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT count(*) FROM "{table}" t WHERE t::text ILIKE %s', [f"%{text}%"])
            count = cursor.fetchone()[0]
            if count:
                found[table] = count
    return found


def test_a_purged_return_leaves_no_text_in_any_table(cast):
    agency_return = cast.agency_return
    # The agency saves its draft five times; each save rewrites the chronology with new row ids.
    for n in range(1, 6):
        current = AgencyReturn.objects.get(pk=agency_return.pk)
        case_services.return_save_draft(
            agency_return=current,
            actor=cast.contributor,
            version=current.version,
            fields={"involvement": f"{MARK} involvement, draft {n}", "lessons_learnt": f"{MARK} lesson {n}"},
            entries=[
                {
                    "date": datetime.date(2026, 1, d),
                    "what_happened": f"{MARK} event {d} of draft {n}",
                    "who_involved": f"{MARK} social worker",
                    "significance": f"{MARK} significance",
                    "is_key_event": d == 1,
                }
                for d in (1, 2, 3)
            ],
        )
    # A term added to the register and removed again before the purge.
    term = case_services.identifying_term_add(
        case=cast.case, actor=cast.bm, kind="family_member", value=f"{MARK} Aunt"
    )
    case_services.identifying_term_remove(term=term, actor=cast.bm)
    before = tables_holding(MARK)
    assert "history_chronologyentryevent" in before  # the history the old purge left behind
    assert before["history_chronologyentryevent"] > 3

    Audit.objects.filter(pk=cast.audit.pk).update(
        status=Audit.Status.CLOSED, closed_at=timezone.now() - datetime.timedelta(days=800)
    )
    call_command("purge_retained")

    assert tables_holding(MARK) == {}
    assert tables_holding(cast.term.value) == {}  # the register of the purged audit went too
    # The other audit's return (open) and its history are untouched.
    assert AgencyReturn.objects.filter(pk=cast.other_return.pk).exists()
