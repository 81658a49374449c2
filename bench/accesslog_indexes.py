#!/usr/bin/env python
"""BRIN or a composite B-tree for the access log? Measures both on the benchmark database.

    BENCH_DATABASE_URL=... .venv/bin/python bench/accesslog_indexes.py   # after `make bench` (or --quick)

For each index (the migration's B-tree on (at, id), then a BRIN on at in its place) it runs the access
log's own queries, as the search page sends them (bench/run.py's selectors, not hand-written SQL),
with EXPLAIN ANALYZE, and reports the median execution time, the plan's top node, the index's size
and the cost of appending 20,000 reads (in a transaction rolled back). The B-tree is put back at the
end, whatever happens. Figures go in docs/benchmark.md.
"""

import datetime
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BTREE = "accesslog_at_id"
BRIN = "accesslog_at_brin"
TABLE = "accesslog_accesslogentry"
REPEATS = 7


def _setup():
    os.environ["DATABASE_URL"] = os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pscb_bench"
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pscb_audit.settings")
    import django

    django.setup()


def _queries():
    """(label, sql, params) of the searches the page makes, newest first, a page of 50."""
    from django.utils import timezone

    from accesslog.models import AccessLogEntry
    from accesslog.selectors import access_log_search

    today = timezone.localdate()
    newest = AccessLogEntry.objects.order_by("-at", "-pk").values_list("at", "pk")
    count = AccessLogEntry.objects.count()
    middle_at, middle_pk = newest[count // 2]

    def page(qs, before=None):
        if before:
            at, pk = before
            qs = qs.filter(at__lte=at).exclude(at=at, pk__gte=pk)
        sql, params = qs[:51].query.sql_with_params()
        return sql, params

    three_years = today - datetime.timedelta(days=3 * 365)
    return [
        (
            "Default: last 30 days, newest page",
            *page(access_log_search(date_from=today - datetime.timedelta(days=29))),
        ),
        ("Whole log, newest page", *page(access_log_search())),
        (
            "Whole log, a page half-way back (keyset)",
            *page(access_log_search(), before=(middle_at, middle_pk)),
        ),
        (
            "One month three years ago, newest page",
            *page(
                access_log_search(date_from=three_years, date_to=three_years + datetime.timedelta(days=30))
            ),
        ),
    ], count


def _explain(cursor, sql, params):
    times, plan = [], ""
    for _ in range(REPEATS):
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT TEXT) " + sql, params)
        lines = [row[0] for row in cursor.fetchall()]
        if not plan:
            nodes = [line.split("->", 1)[1].strip() for line in lines if "->" in line]
            # The node that reads the access log: its scan, as chosen for this index.
            plan = next((n for n in nodes if TABLE in n or "accesslog" in n), nodes[0] if nodes else "")
        for line in lines:
            if line.startswith("Execution Time"):
                times.append(float(line.split(":")[1].split()[0]))
    return statistics.median(times), plan.split("  (")[0]


def _append_cost(cursor):
    cursor.execute("BEGIN")
    started = time.perf_counter()
    cursor.execute(
        f"INSERT INTO {TABLE} (at, user_id, action, what, path, user_agent) "  # noqa: S608 (constants only)
        "SELECT now() + (n || ' milliseconds')::interval, NULL, 'view', 'case', '/bench/', '' "
        "FROM generate_series(1, 20000) AS n"
    )
    elapsed = time.perf_counter() - started
    cursor.execute("ROLLBACK")
    return elapsed * 1000


def _size(cursor, name):
    cursor.execute("SELECT pg_relation_size(%s::regclass)", [name])
    return cursor.fetchone()[0] / 1024


def main():
    _setup()
    from django.db import connection

    queries, count = _queries()
    connection.ensure_connection()
    raw = connection.connection
    raw.autocommit = True
    results = {}
    with raw.cursor() as cursor:
        try:
            for variant in ("btree", "brin"):
                if variant == "brin":
                    cursor.execute(f"DROP INDEX IF EXISTS {BTREE}")
                    cursor.execute(f"CREATE INDEX {BRIN} ON {TABLE} USING brin (at)")
                cursor.execute(f"ANALYZE {TABLE}")
                name = BTREE if variant == "btree" else BRIN
                results[variant] = {
                    "size_kib": _size(cursor, name),
                    "append_ms": _append_cost(cursor),
                    "queries": [(label, *_explain(cursor, sql, params)) for label, sql, params in queries],
                }
        finally:
            cursor.execute(f"DROP INDEX IF EXISTS {BRIN}")
            cursor.execute(f"CREATE INDEX IF NOT EXISTS {BTREE} ON {TABLE} (at, id)")
            cursor.execute(f"ANALYZE {TABLE}")
    print(f"Access log: {count:,} rows, in time order. Median of {REPEATS} EXPLAIN ANALYZE runs, ms.\n")
    print("| query | B-tree (at, id) | plan | BRIN (at) | plan |")
    print("| --- | ---: | --- | ---: | --- |")
    for (label, b_ms, b_plan), (_l, r_ms, r_plan) in zip(
        results["btree"]["queries"], results["brin"]["queries"], strict=True
    ):
        print(f"| {label} | {b_ms:.2f} | {b_plan} | {r_ms:.2f} | {r_plan} |")
    print(
        f"| index size | {results['btree']['size_kib']:,.0f} KiB | | {results['brin']['size_kib']:,.0f} KiB | |"
    )
    print(
        f"| appending 20,000 reads | {results['btree']['append_ms']:.0f} ms | | "
        f"{results['brin']['append_ms']:.0f} ms | |"
    )


if __name__ == "__main__":
    main()
