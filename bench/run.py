#!/usr/bin/env python
"""`make bench`: ten years of a busy Board's data on PostgreSQL, then the figures that matter.
`make bench-quick` (`--quick`): the same at reduced scale, for CI.

1. (Re)creates its own database (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/pscb_bench;
   its name must contain "bench", since it is dropped), migrates it and generates the data (bench/generate.py).
2. Server time and query count of each main page, in-process through the whole stack, as a ratio to
   a minimal logged-in page; query counts on the smallest and largest objects, to show they are flat.
3. What users wait for besides pages: saving the largest return (the edit form posted back as a
   browser sends it) and the case pack PDF of the largest case.
4. Throughput and p95 latency of each main page under 20 concurrent clients on gunicorn (loopback),
   with the project's gunicorn.conf.py.
5. The report build of a 10-case audit (bench/report_build.py): time and peak memory.

Writes bench/results/latest.md (quick.md with --quick) and prints it. Targets are reported, not
asserted: every main page under 150 ms and under 5x the minimal page, p95 under 300 ms under load,
the 10-case report under 5 s and 400 MiB. The run fails (exit 1) only on errors: a page or save
that does not answer as it should, an error under load, a failed report build, or a query count
larger on the largest object than on the smallest (one that grows with the data).
"""

import argparse
import datetime
import json
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
TARGET_P95_MS = 300
TARGET_REPORT_SECONDS = 5
TARGET_REPORT_MIB = 400
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
    parser.add_argument(
        "--quick",
        action="store_true",
        help="reduced scale for CI (bench/generate.Shape.quick, fewer repeats, a short load run); "
        "fails on any error or a query count that grows with the data, never on a time",
    )
    parser.add_argument("--reuse", action="store_true", help="measure an already generated database")
    parser.add_argument("--repeats", type=int, default=None)
    parser.add_argument("--clients", type=int, default=None)
    parser.add_argument("--seconds", type=float, default=None)
    parser.add_argument("--max-requests", type=int, default=20_000, help="per page under load")
    parser.add_argument(
        "--access-log-rows", type=int, default=int(os.environ.get("BENCH_ACCESS_LOG_ROWS", 500_000))
    )
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (default: gunicorn.conf.py)")
    parser.add_argument("--threads", type=int, default=0, help="gunicorn threads (default: gunicorn.conf.py)")
    parser.add_argument(
        "--worker-class", default="", help="gunicorn worker class (default: gunicorn.conf.py)"
    )
    parser.add_argument(
        "--only", default="", help="measure only the pages whose label holds this text (several: a|b)"
    )
    parser.add_argument("--no-load", action="store_true", help="skip the load run")
    parser.add_argument("--no-report", action="store_true", help="skip the report build")
    args = parser.parse_args()
    quick = args.quick
    if args.repeats is None:
        args.repeats = 3 if quick else int(os.environ.get("BENCH_REPEATS", 25))
    if args.clients is None:
        args.clients = 5 if quick else int(os.environ.get("BENCH_CLIENTS", 20))
    if args.seconds is None:
        args.seconds = 2.0 if quick else float(os.environ.get("BENCH_LOAD_SECONDS", 10))
    return args


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
        shape = generate.Shape.quick() if args.quick else generate.Shape(access_log_rows=args.access_log_rows)
        log("Generating " + ("a reduced data set (--quick)" if args.quick else "ten years of data"))
        world = generate.generate(shape, log=log)
        generated = f"generated in {world.seconds:.0f} s (migrations {migrate_seconds:.0f} s)"

    # --- Server time and query counts, in-process --------------------------------------------
    log("Measuring server time and queries")
    measured, missing = pages.resolve_pages(world)
    if args.only:
        wanted = [w.strip().lower() for w in args.only.split("|")]
        measured = [p for p in measured if any(w in p.label.lower() for w in wanted)]
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

    # --- What users wait for besides pages: saving the largest return, the largest case's pack ----
    work = []
    if not args.only:
        save_url = pages.resolve_url(pages.SAVE_RETURN, world)
        if save_url:
            saved = pages.measure_save(client_for("contributor"), save_url, repeats=3 if args.quick else 5)
            work.append(saved)
            log(f"  {saved.label}: {saved.median_ms:.0f} ms, HTTP {saved.status}, {saved.detail}")
        pack_url = pages.resolve_url(pages.CASE_PACK, world)
        if pack_url:
            pack = pages.measure_download(client_for("panel"), pack_url, label="Case pack PDF, largest case")
            work.append(pack)
            log(f"  {pack.label}: {pack.median_ms:.0f} ms, HTTP {pack.status}, {pack.detail}")

    # --- Under load -------------------------------------------------------------------------
    load_rows = []
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CONN_MAX_AGE": "60"}
    serving = "not run"
    if not args.no_load:
        server = load.Gunicorn(
            env=env, workers=args.workers, worker_class=args.worker_class, threads=args.threads
        )
        serving = _serving(server.command)
        log(f"Load: {args.clients} clients x {args.seconds:.0f} s per page, gunicorn {serving}")
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

    # --- The report build of a 10-case audit ------------------------------------------------
    report = None
    if not args.no_report and not args.only:
        log("Report build: bench/report_build.py, 10 cases")
        completed = subprocess.run(
            [
                sys.executable,
                str(ROOT / "bench" / "report_build.py"),
                "--scenario",
                "generated",
                "--cases",
                "10",
            ],
            cwd=ROOT,
            env={**os.environ, "BENCH_DATABASE_URL": url},
            capture_output=True,
            text=True,
            timeout=900,
        )
        if completed.returncode:
            report = {"error": (completed.stderr or completed.stdout).strip()[-2000:]}
        else:
            report = json.loads(completed.stdout.strip().splitlines()[-1])
        log(f"  {report}")

    total = time.perf_counter() - run_started
    load_at_end = os.getloadavg()[0]
    markdown, errors = render(
        world=world,
        generated=generated,
        minimal=minimal,
        home=home,
        rows=rows,
        missing=missing,
        work=work,
        load_rows=load_rows,
        args=args,
        serving=serving,
        report=report,
        total=total,
        load_at_start=load_at_start,
        load_at_end=load_at_end,
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / ("quick.md" if args.quick else "latest.md")).write_text(markdown, encoding="utf-8")
    print()
    print(markdown)
    if errors:
        print(f"FAILED: {len(errors)} error(s) (see 'Errors' above).", file=sys.stderr)
        sys.exit(1)


def _serving(command):
    from bench import load

    worker_class, workers, threads = load.describe()
    for flag, value in zip(command, command[1:], strict=False):
        if flag == "--workers":
            workers = int(value)
        elif flag == "--threads":
            threads = int(value)
        elif flag == "--worker-class":
            worker_class = value
    kind = worker_class.rsplit(".", 1)[-1].replace("Worker", "").lower() or worker_class
    return f"{workers} {kind} workers" + (f" x {threads} threads" if kind in ("gthread", "thread") else "")


def render(
    *,
    world,
    generated,
    minimal,
    home,
    rows,
    missing,
    work,
    load_rows,
    args,
    serving,
    report,
    total,
    load_at_start,
    load_at_end,
):
    """The results as markdown, and the errors that fail the run (never a time: those are misses)."""
    import django

    now = datetime.datetime.now(datetime.UTC)
    title = "Quick benchmark (--quick, reduced scale)" if args.quick else "Benchmark"
    out = [f"# {title}, {now:%-d %B %Y %H:%M} UTC", ""]
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
    misses, errors = [], []
    for page, large, baseline, small_queries in rows:
        ratio = large.median_ms / baseline.median_ms
        status = "" if large.status == 200 else f" (HTTP {large.status})"
        out.append(
            f"| {page.label}{'' if page.main else ' (extra)'}{status} | {page.persona} | {large.median_ms:.1f} | "
            f"{large.p90_ms:.1f} | {ratio:.1f} | {large.queries} | {small_queries} |"
        )
        if large.status != 200:
            errors.append(f"{page.label} answered HTTP {large.status}")
        if large.queries > small_queries:
            errors.append(
                f"{page.label}: {large.queries} queries on the largest object, {small_queries} on the smallest "
                "(the query count grows with the data)"
            )
        if not page.main:
            continue
        if large.median_ms >= TARGET_MS:
            misses.append(f"{page.label}: {large.median_ms:.0f} ms server time (target < {TARGET_MS} ms)")
        if ratio >= TARGET_RATIO:
            misses.append(f"{page.label}: {ratio:.1f}× the minimal page (target < {TARGET_RATIO}×)")
    if missing:
        out += [
            "",
            "Not present yet (no URL of these names): "
            + "; ".join(f"{p.label} ({', '.join(p.url_names)})" for p in missing)
            + ".",
        ]
    if work:
        out += [
            "",
            "## What users wait for besides pages",
            "",
            "| work | median ms | max ms | queries | HTTP | detail |",
            "| --- | ---: | ---: | ---: | ---: | --- |",
        ]
        for w in work:
            out.append(
                f"| {w.label} | {w.median_ms:.0f} | {w.max_ms:.0f} | {w.queries} | {w.status} | {w.detail} |"
            )
            expected = 302 if w.label.startswith("Save") else 200
            if w.status != expected:
                errors.append(f"{w.label} answered HTTP {w.status} (expected {expected})")
    if load_rows:
        out += [
            "",
            f"## Under load: {args.clients} concurrent clients, {args.seconds:.0f} s a page, gunicorn ({serving}, loopback)",
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
            errors.append(f"{page.label}: {result.errors} errors under load (first: {result.first_error})")
        elif result.p95_ms >= TARGET_P95_MS:
            misses.append(
                f"{page.label}: p95 {result.p95_ms:.0f} ms under load (target < {TARGET_P95_MS} ms)"
            )
    if report is not None:
        out += ["", "## Report build, 10 cases (bench/report_build.py)", ""]
        if "error" in report:
            out.append("```\n" + report["error"] + "\n```")
            errors.append("the report build failed")
        else:
            keys = list(report)
            out += [
                " | ".join(keys),
                " | ".join("---" for _ in keys),
                " | ".join(str(report[k]) for k in keys),
            ]
            if report["best_seconds"] >= TARGET_REPORT_SECONDS:
                misses.append(
                    f"Report build: {report['best_seconds']} s (target < {TARGET_REPORT_SECONDS} s)"
                )
            if report["rss_peak_mib"] >= TARGET_REPORT_MIB:
                misses.append(
                    f"Report build: {report['rss_peak_mib']} MiB peak (target < {TARGET_REPORT_MIB} MiB)"
                )
    out += ["", "## Targets", ""]
    if args.quick:
        out.append("At reduced scale the times are not held to the targets; only errors fail the run.")
    else:
        out += [f"- MISSED: {m}" for m in misses] or ["- All targets met."]
    out += ["", "## Errors", ""]
    out += [f"- ERROR: {e}" for e in errors] or ["- None."]
    return "\n".join(out) + "\n", errors


def _postgres_version():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return cursor.fetchone()[0].split()[0]


if __name__ == "__main__":
    main()
