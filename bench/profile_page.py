#!/usr/bin/env python
"""Where a page's server time goes: cProfile of one page of `bench/pages.py` on an existing benchmark
database (BENCH_DATABASE_URL), as `bench/run.py --reuse` measures it (the same personas and objects).

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/pscb_bench_x bench/profile_page.py "tracker"

Prints the median server time, the query count and the functions with the most cumulative and own
time over `--repeats` requests (after warm-up). Nothing is written to the database beyond sessions.
"""

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("label", help="text of the page's label in bench/pages.py (first match)")
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--size", choices=("large", "small"), default="large")
    parser.add_argument("--top", type=int, default=35, help="0: CPU times only, no profile")
    parser.add_argument("--sort", default="cumulative", help="pstats sort key (cumulative, tottime)")
    args = parser.parse_args()

    from bench.run import DEFAULT_DATABASE_URL, configure_environment

    configure_environment(os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    import django

    django.setup()
    import logging

    for name in ("django.request", "pscb_audit.security"):
        logging.getLogger(name).setLevel(logging.ERROR)
    from bench import generate, pages

    world = generate.world_from_database()
    measured, _missing = pages.resolve_pages(world)
    page = next((p for p in measured if args.label.lower() in p.label.lower()), None)
    if page is None:
        raise SystemExit(f"No page's label holds {args.label!r}.")
    client = pages.logged_in_client(pages.persona_user(world, page.persona, args.size))
    path = page.urls[args.size]
    for _ in range(3):
        client.get(path)
    queries, status = pages.count_queries(client, path)
    # CPU time of this process (not wall time): less sensitive to what else runs on a shared machine,
    # and the ratio to the minimal page's CPU time is what the 5x target compares. Not profiled.
    cpu, minimal_cpu = [], []
    for _ in range(args.repeats):
        for target, samples in ((path, cpu), (pages.MINIMAL_PATH, minimal_cpu)):
            started = time.process_time()
            client.get(target)
            samples.append((time.process_time() - started) * 1000)
    samples = []
    profiler = cProfile.Profile()
    for _ in range(args.repeats if args.top else 0):
        started = time.perf_counter()
        profiler.enable()
        client.get(path)
        profiler.disable()
        samples.append((time.perf_counter() - started) * 1000)
    page_cpu, base_cpu = statistics.median(cpu), statistics.median(minimal_cpu)
    print(
        f"{page.label} ({path}): HTTP {status}, {queries} queries; CPU {page_cpu:.1f} ms, minimal page "
        f"{base_cpu:.1f} ms ({page_cpu / base_cpu:.1f}x)"
    )
    if not args.top:
        return
    print(f"Profiled (wall time, with the profiler's overhead): median {statistics.median(samples):.1f} ms")
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats(args.sort).print_stats(args.top)
    print(out.getvalue())


if __name__ == "__main__":
    main()
