"""The access log: every read of case data is recorded; the log can be searched and exported by the
Business Manager and the administrator, that reading is logged too, and nothing can change it."""

import csv
import datetime
import io

import pytest
import time_machine
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.urls import reverse
from django.utils import timezone

from accesslog.models import AccessLogEntry
from core.spreadsheet import export_cell
from tests.authz import test_matrix as matrix
from tests.factories import UserFactory
from tests.helpers import login

pytestmark = pytest.mark.django_db


def read(client, url_name, **kwargs):
    response = client.get(
        reverse(url_name, kwargs=kwargs), HTTP_USER_AGENT="Test browser", REMOTE_ADDR="10.1.2.3"
    )
    assert response.status_code == 200
    return response


@pytest.mark.parametrize(
    "url_name,kwarg,what",
    [
        ("cases:case_detail", "case_pk", "case"),
        ("cases:case_detail", "case_pk", "identifying_terms"),
        ("cases:audit_detail", "audit_pk", "audit"),
    ],
)
def test_each_read_of_case_data_is_logged(client, cast, url_name, kwarg, what):
    login(client, cast.panel)
    obj = cast.case if kwarg == "case_pk" else cast.audit
    read(client, url_name, **{kwarg: obj.pk})
    entry = AccessLogEntry.objects.get(what=what)
    assert entry.user == cast.panel
    assert entry.action == AccessLogEntry.Action.VIEW
    assert entry.audit_id == cast.audit.pk
    assert entry.ip_address == "10.1.2.3" and entry.user_agent == "Test browser"
    assert entry.path == reverse(url_name, kwargs={kwarg: obj.pk})
    if kwarg == "case_pk":
        assert entry.case_id == cast.case.pk


def test_reading_change_history_is_logged(client, cast):
    login(client, cast.bm)
    read(client, "history:record_history", app_label="cases", model_name="case", object_pk=cast.case.pk)
    entry = AccessLogEntry.objects.get(what="history:case")
    assert (entry.user, entry.case_id, entry.object_id) == (cast.bm, cast.case.pk, cast.case.pk)


def test_a_refused_read_is_not_logged_as_a_read(client, cast):
    login(client, cast.panel_other)
    client.get(reverse("cases:case_detail", kwargs={"case_pk": cast.case.pk}))
    assert not AccessLogEntry.objects.exists()


def _entry(user, what="case", case=None, at=None):
    with time_machine.travel(at or timezone.now(), tick=False):
        return AccessLogEntry.objects.create(
            user=user, what=what, case_id=case.pk if case else None, path=f"/cases/{case.pk if case else 0}/"
        )


def test_search_by_user_case_and_dates(client, cast):
    day = datetime.datetime(2026, 10, 5, 11, 0, tzinfo=datetime.UTC)
    _entry(cast.panel, case=cast.case, at=day)
    _entry(cast.panel, case=cast.other_case, at=day)
    _entry(cast.bm, case=cast.case, at=day + datetime.timedelta(days=3))
    login(client, cast.bm)
    url = reverse("accesslog:search")

    # Older than the last 30 days: an empty "From" searches the whole log.
    html = client.get(url, {"user": cast.panel.pk, "date_from": ""}).content.decode()
    assert html.count('<td class="govuk-table__cell">Paula Panel') == 2

    html = client.get(url, {"case": cast.case.pk, "date_from": ""}).content.decode()
    assert '<td class="govuk-table__cell">Audit under test — Case One</td>' in html
    assert '<td class="govuk-table__cell">Another audit — Case One</td>' not in html

    html = client.get(url, {"date_from": "2026-10-08", "date_to": "2026-10-08"}).content.decode()
    assert "8 October 2026" in html and "5 October 2026" not in html

    response = client.get(url, {"date_from": "2026-10-09", "date_to": "2026-10-01"})
    assert "The end date must be on or after the start date" in response.content.decode()


def test_reading_and_exporting_the_log_are_logged(client, cast):
    login(client, cast.admin)
    client.get(reverse("accesslog:search"))
    client.get(reverse("accesslog:export"), {"user": cast.bm.pk})
    entries = AccessLogEntry.objects.filter(what="access_log", user=cast.admin).order_by("pk")
    assert [e.action for e in entries] == [AccessLogEntry.Action.VIEW, AccessLogEntry.Action.EXPORT]
    assert entries[1].path == reverse("accesslog:export") + f"?user={cast.bm.pk}"


def test_export_is_csv_with_formulas_neutralised(client, cast):
    sneaky = UserFactory(email="sneaky@test.example", full_name='=HYPERLINK("http://evil.example","x")')
    _entry(sneaky, case=cast.case)
    _entry(cast.bm, case=cast.case)
    login(client, cast.bm)
    response = client.get(reverse("accesslog:export"), {"case": cast.case.pk})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["When (UK time)", "User", "E-mail"]
    names = {r[1] for r in rows[1:]}
    assert '\'=HYPERLINK("http://evil.example","x")' in names
    assert "Beatrice Manager" in names
    assert all(r[7] == str(cast.case.pk) for r in rows[1:])


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_neutralise_prefixes_formula_starts(value):
    assert export_cell(value) == "'" + value
    assert export_cell("Plain text") == "Plain text"


def test_search_page_query_count_is_flat(client, cast, django_assert_max_num_queries):
    for _ in range(30):
        _entry(cast.panel, case=cast.case)
        _entry(cast.bm, case=cast.other_case)
    login(client, cast.bm)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("accesslog:search")).status_code == 200


# --- Append-only --------------------------------------------------------------------------------


def test_the_model_refuses_updates_and_deletes(cast):
    entry = _entry(cast.bm, case=cast.case)
    entry.what = "nothing"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AccessLogEntry.objects.filter(pk=entry.pk).update(what="nothing")
    with pytest.raises(PermissionError):
        AccessLogEntry.objects.all().delete()


@pytest.mark.postgres
def test_the_database_refuses_updates_and_deletes(cast):
    entry = _entry(cast.bm, case=cast.case)
    for sql in (
        "UPDATE accesslog_accesslogentry SET what = 'nothing' WHERE id = %s",
        "DELETE FROM accesslog_accesslogentry WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cur,
        ):
            cur.execute(sql, [entry.pk])
    entry.refresh_from_db()
    assert entry.what == "case"


def test_the_admin_site_cannot_change_or_delete_entries(client, cast):
    cast.admin.is_superuser = True
    cast.admin.save()
    entry = _entry(cast.bm, case=cast.case)
    login(client, cast.admin)
    change_url = reverse("admin:accesslog_accesslogentry_change", args=[entry.pk])
    assert client.post(change_url, {"what": "nothing", "path": "/x/"}).status_code == 403
    assert (
        client.post(
            reverse("admin:accesslog_accesslogentry_delete", args=[entry.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert client.get(reverse("admin:accesslog_accesslogentry_add")).status_code == 403
    changelist = reverse("admin:accesslog_accesslogentry_changelist")
    response = client.post(
        changelist, {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"}
    )
    assert response.status_code in (200, 302, 403)
    entry.refresh_from_db()
    assert entry.what == "case" and AccessLogEntry.objects.filter(pk=entry.pk).exists()


def test_no_page_of_the_application_changes_an_entry(client, cast):
    """POST to every URL the resolver knows, as each persona allowed to write: the entries already in
    the log come out exactly as they were (new entries may be appended)."""
    _entry(cast.bm, case=cast.case)
    _entry(cast.panel, case=cast.case, what="identifying_terms")
    before = list(AccessLogEntry.objects.order_by("pk").values())
    full_cast = cast
    for module in matrix._rule_modules():
        if hasattr(module, "extend_cast"):
            module.extend_cast(full_cast)
    for name, keywords in matrix.URLS.items():
        rule = matrix.RULES[name]
        kwargs = {k: (rule.kwargs.get(k) or matrix.KWARGS[k])(full_cast) for k in keywords}
        url = reverse(name, kwargs=kwargs)
        for persona in ("bm", "admin"):
            login(client, getattr(full_cast, persona))
            for pk in (e["id"] for e in before):
                client.post(url, {"id": pk, "pk": pk, "what": "nothing", "user": pk, "delete": "1"})
    after = list(AccessLogEntry.objects.filter(pk__in=[e["id"] for e in before]).order_by("pk").values())
    assert after == before
