#!/usr/bin/env python
"""`make bench`: ten years of a busy Board's data on PostgreSQL, then the figures that matter.

1. (Re)creates its own database (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/pscb_bench;
   its name must contain "bench", since it is dropped), migrates it and generates the data (bench/generate.py).
2. Server time and query count of each main page, in-process through the whole stack, as a ratio to
   a minimal logged-in page; query counts on the smallest and largest objects, to show they are flat.
3. Throughput and p95 latency of each main page under 20 concurrent clients on gunicorn (loopback).
4. The report build benchmark (bench/report_build.py), when present.

Writes bench/results/latest.md and prints it. Targets are reported, not asserted:
every main page under 150 ms and under 5x the minimal page, query counts independent of size,
no errors under load.
"""

import argparse
import datetime
import os
import platform
import subprocess
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/pscb_bench"
TARGET_MS = 150
TARGET_RATIO = 5
RESULTS = ROOT / "bench" / "results"


def log(message):
    print(message, flush=True)


def recreate_database(url):
    import environ
    import psycopg2
    from psycopg2 import sql

    config = environ.Env.db_url_config(url)
    name = config["NAME"]
    if "bench" not in name:
        raise SystemExit(
            f"Refusing to drop database {name!r}: a benchmark database's name must contain 'bench'."
        )
    conn = psycopg2.connect(
        dbname="postgres",
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
    )
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    conn.close()


def configure_environment(url):
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "false"  # production-like templates, error pages and no query logging
    os.environ["CELERY_BROKER_URL"] = ""  # GET pages enqueue nothing; never touch a shared Redis
    os.environ["LOG_LEVEL"] = "ERROR"
    os.environ["DJANGO_SETTINGS_MODULE"] = "pscb_audit.settings"


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reuse", action="store_true", help="measure an already generated database")
    parser.add_argument("--repeats", type=int, default=int(os.environ.get("BENCH_REPEATS", 25)))
    parser.add_argument("--clients", type=int, default=int(os.environ.get("BENCH_CLIENTS", 20)))
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("BENCH_LOAD_SECONDS", 10)))
    parser.add_argument("--max-requests", type=int, default=20_000, help="per page under load")
    parser.add_argument(
        "--access-log-rows", type=int, default=int(os.environ.get("BENCH_ACCESS_LOG_ROWS", 500_000))
    )
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (default 2 x CPUs + 1)")
    return parser.parse_args()


def main():
    args = parse_args()
    run_started = time.perf_counter()
    load_at_start = os.getloadavg()[0]
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    configure_environment(url)
    if not args.reuse:
        log(f"Recreating the benchmark database ({url.rsplit('/', 1)[-1]})")
        recreate_database(url)

    import django

    django.setup()
    import logging

    # The minimal page is a 404: keep its "not found" warnings out of the output.
    for name in ("django.request", "pscb_audit.security"):
        logging.getLogger(name).setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", message="No directory at")
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from bench import generate, load, pages

    if connection.vendor != "postgresql":
        raise SystemExit("The benchmark runs on PostgreSQL (BENCH_DATABASE_URL).")
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrate_seconds = time.perf_counter() - started

    if args.reuse:
        world = generate.world_from_database()
        generated = "reused an existing database"
    else:
        log("Generating ten years of data")
        world = generate.generate(generate.Shape(access_log_rows=args.access_log_rows), log=log)
        generated = f"generated in {world.seconds:.0f} s (migrations {migrate_seconds:.0f} s)"

    # --- Server time and query counts, in-process --------------------------------------------
    log("Measuring server time and queries")
    measured, missing = pages.resolve_pages(world)
    clients = {}

    def client_for(persona, size="large"):
        key = (persona, size)
        if key not in clients:
            clients[key] = pages.logged_in_client(pages.persona_user(world, persona, size))
        return clients[key]

    minimal, _ = pages.measure(client_for("bm"), pages.MINIMAL_PATH, repeats=args.repeats)
    home, _ = pages.measure(client_for("bm"), "/", repeats=args.repeats)
    rows = []
    for page in measured:
        large, baseline = pages.measure(
            client_for(page.persona),
            page.urls["large"],
            repeats=args.repeats,
            baseline=(client_for(page.persona), pages.MINIMAL_PATH),
        )
        small_queries, _status = pages.count_queries(client_for(page.persona, "small"), page.urls["small"])
        rows.append((page, large, baseline, small_queries))
        log(f"  {page.label}: {large.median_ms:.1f} ms, {large.queries} queries")

    # --- Saving the largest return (POST) ----------------------------------------------------
    log("Measuring a save of the largest and the smallest return (POST)")
    saves = []
    for size, agency_return in (("large", world.largest_return), ("small", world.smallest_return)):
        status_before = pages.ensure_editable(agency_return)
        try:
            timing = pages.measure_save(
                client_for("contributor", size), agency_return, repeats=max(3, args.repeats // 5)
            )
        finally:
            pages.restore_status(agency_return, status_before)
        saves.append((size, timing))
        log(
            f"  {size}: {timing.rows} rows, {timing.median_ms:.1f} ms, {timing.queries} queries (HTTP {timing.status})"
        )

    # --- Under load -------------------------------------------------------------------------
    workers = args.workers or load.default_workers()
    log(f"Load: {args.clients} clients x {args.seconds:.0f} s per page, gunicorn with {workers} workers")
    env = {**os.environ, "CONN_MAX_AGE": "60", "PYTHONPATH": str(ROOT)}
    server = load.Gunicorn(env=env, workers=workers)
    load_rows = []
    try:
        for page, *_ in rows:
            if not page.main:
                continue
            user = pages.persona_user(world, page.persona)
            cookies = [
                pages.logged_in_client(user).cookies[settings.SESSION_COOKIE_NAME].value
                for _ in range(args.clients)
            ]
            result = load.load(
                server.port,
                page.urls["large"],
                cookies,
                cookie_name=settings.SESSION_COOKIE_NAME,
                seconds=args.seconds,
                max_requests=args.max_requests,
            )
            load_rows.append((page, result))
            log(
                f"  {page.label}: {result.per_second:.1f} req/s, p95 {result.p95_ms:.0f} ms, {result.errors} errors"
            )
    finally:
        server.stop()

    # --- The report build (issue 8), when it exists -------------------------------------------
    report_build = ROOT / "bench" / "report_build.py"
    report_section = ""
    if report_build.exists():
        log("Report build: bench/report_build.py")
        completed = subprocess.run(
            [sys.executable, str(report_build)],
            cwd=ROOT,
            env={**os.environ, "BENCH_DATABASE_URL": url},
            capture_output=True,
            text=True,
            timeout=900,
        )
        report_section = completed.stdout.strip() or completed.stderr.strip()[-2000:]
        if completed.returncode:
            report_section += f"\n\n**bench/report_build.py exited with {completed.returncode}.**"

    total = time.perf_counter() - run_started
    load_at_end = os.getloadavg()[0]
    markdown = render(
        world=world,
        generated=generated,
        minimal=minimal,
        home=home,
        rows=rows,
        missing=missing,
        saves=saves,
        load_rows=load_rows,
        args=args,
        workers=workers,
        report_section=report_section,
        total=total,
        load_at_start=load_at_start,
        load_at_end=load_at_end,
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.md").write_text(markdown, encoding="utf-8")
    print()
    print(markdown)


def render(
    *,
    world,
    generated,
    minimal,
    home,
    rows,
    missing,
    load_rows,
    args,
    saves=(),
    workers,
    report_section,
    total,
    load_at_start,
    load_at_end,
):
    import django

    now = datetime.datetime.now(datetime.UTC)
    out = [f"# Benchmark, {now:%-d %B %Y %H:%M} UTC", ""]
    out.append(
        f"{os.cpu_count()} CPUs, load average {load_at_start:.1f} at the start and {load_at_end:.1f} at the end (other work on the machine inflates every figure); Python {platform.python_version()}, "
        f"Django {django.get_version()}, PostgreSQL {_postgres_version()}. Whole run: {total / 60:.1f} minutes."
    )
    out.append("")
    out.append("Data: " + ", ".join(f"{n:,} {what}" for what, n in world.counts.items()) + f"; {generated}.")
    out += ["", f"## Server time (in-process, median of {args.repeats}) and queries", ""]
    out.append(
        f"Minimal logged-in page (the 404 page inside the layout, no view of its own): {minimal.median_ms:.1f} ms, "
        f"{minimal.queries} queries. Home redirect: {home.median_ms:.1f} ms, {home.queries} queries. Each page's ratio "
        "is to the minimal page requested alternately with it, by the same user."
    )
    out += [
        "",
        "| page | as | median ms | p90 ms | × minimal | queries, largest | queries, smallest |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    misses = []
    for page, large, baseline, small_queries in rows:
        ratio = large.median_ms / baseline.median_ms
        status = "" if large.status == 200 else f" (HTTP {large.status})"
        out.append(
            f"| {page.label}{'' if page.main else ' (extra)'}{status} | {page.persona} | {large.median_ms:.1f} | "
            f"{large.p90_ms:.1f} | {ratio:.1f} | {large.queries} | {small_queries} |"
        )
        if large.status != 200:
            misses.append(f"{page.label} answered HTTP {large.status}")
        if not page.main:
            continue
        if large.median_ms >= TARGET_MS:
            misses.append(f"{page.label}: {large.median_ms:.0f} ms server time (target < {TARGET_MS} ms)")
        if ratio >= TARGET_RATIO:
            misses.append(f"{page.label}: {ratio:.1f}× the minimal page (target < {TARGET_RATIO}×)")
        if large.queries != small_queries:
            misses.append(
                f"{page.label}: {large.queries} queries on the largest object, {small_queries} on the smallest "
                "(target: independent of size)"
            )
    if missing:
        out += [
            "",
            "Not present yet (no URL of these names): "
            + "; ".join(f"{p.label} ({', '.join(p.url_names)})" for p in missing)
            + ".",
        ]
    if saves:
        out += [
            "",
            "## Saving a return (POST through the edit form, one row changed, the whole chronology posted)",
            "",
            "| return | rows | median ms | p90 ms | queries | HTTP |",
            "| --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        for size, timing in saves:
            label = "largest" if size == "large" else "smallest"
            out.append(
                f"| {label} | {timing.rows:,} | {timing.median_ms:.1f} | {timing.p90_ms:.1f} | {timing.queries} | {timing.status} |"
            )
            if timing.status != 302:
                misses.append(
                    f"Saving the {label} return answered HTTP {timing.status} (expected a redirect)"
                )
    out += [
        "",
        f"## Under load: {args.clients} concurrent clients, {args.seconds:.0f} s a page, gunicorn ({workers} sync workers, loopback)",
        "",
        "| page | requests | req/s | p50 ms | p95 ms | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for page, result in load_rows:
        out.append(
            f"| {page.label} | {result.requests:,} | {result.per_second:.1f} | {result.p50_ms:.0f} | "
            f"{result.p95_ms:.0f} | {result.errors} |"
        )
        if result.errors:
            misses.append(f"{page.label}: {result.errors} errors under load (first: {result.first_error})")
    if report_section:
        out += ["", "## Report build (bench/report_build.py)", "", report_section]
    out += ["", "## Targets", ""]
    out += [f"- MISSED: {m}" for m in misses] or ["- All targets met."]
    return "\n".join(out) + "\n"


def _postgres_version():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return cursor.fetchone()[0].split()[0]


if __name__ == "__main__":
    main()
