"""Benchmark: time and peak memory to build the anonymised report (render + leak guard), as the
Celery task does, for the demo audit and for a generated audit of 40 cases.

    .venv/bin/python bench/report_build.py            # both scenarios, a table on stdout
    .venv/bin/python bench/report_build.py --runs 3   # best of 3 for time

Each scenario runs in a fresh process against a throwaway SQLite database, so peak RSS
(VmHWM, see peak_rss_kib) belongs to that scenario alone; tracemalloc gives the peak of Python
allocations during the build. Not a test: figures go in the README.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

WORDS = [
    "the",
    "panel",
    "considered",
    "how",
    "agencies",
    "shared",
    "information",
    "about",
    "the",
    "child",
    "and",
    "family",
    "and",
    "whether",
    "the",
    "safety",
    "plan",
    "was",
    "robust",
    "enough",
    "to",
    "protect",
    "siblings",
    "while",
    "the",
    "assessment",
    "continued",
    "over",
    "several",
    "weeks",
]


def peak_rss_kib():
    """This process's peak resident memory in KiB: VmHWM of /proc/self/status where there is one. Not
    ru_maxrss there: Linux carries ru_maxrss over fork and exec, so a build started by bench/run.py
    (which holds the generated data set, about 370 MiB) would report its parent's peak as its own."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _setup(db_path):
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ.pop("REDIS_URL", None)
    os.environ.pop("CELERY_BROKER_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pscb_audit.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return call_command


def _sentence(i, n=45):
    return " ".join(WORDS[(i + k) % len(WORDS)] for k in range(n)).capitalize() + "."


def _generated_audit(cases=40, points_per_case=5, recommendations=12):
    import datetime

    from accounts.models import Role, User
    from cases.models import Agency, AgencyReturn, IdentifyingTerm, PanelMembership
    from cases.services import audit_create, case_create
    from recommendations.models import Recommendation
    from reviews.models import CaseAssurance, LearningPoint

    bm = User.objects.create_user(
        "bench.bm@bench.example", "x" * 20, full_name="Bench BM", role=Role.BUSINESS_MANAGER
    )
    agencies = [
        Agency.objects.create(
            name=f"Bench Agency {i}",
            kind="other",
            senior_manager_name="SM",
            senior_manager_email=f"sm{i}@b.example",
        )
        for i in range(8)
    ]
    today = datetime.date.today()
    audit = audit_create(
        actor=bm,
        title=f"Generated audit of {cases} cases",
        theme="Neglect",
        purpose="Examine inter-agency working.\nIdentify effective practice.\nMake recommendations.",
        period_start=today - datetime.timedelta(days=300),
        period_end=today - datetime.timedelta(days=10),
    )
    for i in range(5):
        member = User.objects.create_user(
            f"p{i}@bench.example", "x" * 20, full_name=f"P {i}", role=Role.PANEL_MEMBER
        )
        PanelMembership.objects.create(
            audit=audit, user=member, panel_role=f"Panel role {i}", is_chair=i == 0
        )
    for n in range(cases):
        case = case_create(
            audit=audit,
            actor=bm,
            selection_basis="section_47",
            child_status="closed" if n % 2 else "cp_plan",
            method="paper" if n % 2 else "meeting",
            agencies=agencies[:4],
        )
        LearningPoint.objects.bulk_create(
            [
                LearningPoint(
                    case=case, position=p, kind="learning", text=_sentence(n * 7 + p, 60), created_by=bm
                )
                for p in range(1, points_per_case + 1)
            ]
        )
        CaseAssurance.objects.create(
            case=case, finding="no_child_unsafe", statement=_sentence(n), recorded_by=bm
        )
        for kind, value in [
            ("child_name", f"Childname{n} Familyname{n}"),
            ("family_member", f"Parentname{n} Familyname{n}"),
            ("address", f"{n + 1} Benchmark Road"),
            ("school", f"Bench School {n}"),
            ("date_of_birth", f"{(n % 28) + 1}/03/2012"),
            ("practitioner", f"Practname{n} Worker"),
        ]:
            IdentifyingTerm.objects.create(case=case, kind=kind, value=value, created_by=bm)
        for agency in agencies[:4]:
            AgencyReturn.objects.create(
                case=case,
                agency=agency,
                template="key_events_analysis",
                status="submitted",
                due_date=today,
                requested_by=bm,
            )
    for r in range(1, recommendations + 1):
        rec = Recommendation.objects.create(
            audit=audit,
            position=r,
            text=_sentence(r * 3, 70),
            deadline_date=today + datetime.timedelta(days=30 * r),
            created_by=bm,
        )
        rec.owners.set(agencies[r % 8 : r % 8 + 2])
    return audit, bm


def _demo_audit(call_command):
    from cases.models import Audit

    call_command("load_demo", force=True, verbosity=0)
    audit = Audit.objects.get(title__startswith="Multi-Agency Audit")
    return audit, audit.created_by


def run_scenario(name, runs, cases=40):
    with tempfile.TemporaryDirectory() as tmp:
        call_command = _setup(Path(tmp) / "bench.sqlite3")
        from reports import services
        from reports.models import ReportBuild

        audit, bm = _demo_audit(call_command) if name == "demo" else _generated_audit(cases=cases)
        rss_before = peak_rss_kib()
        times, result = [], None
        for _ in range(runs):
            build = ReportBuild.objects.create(audit=audit, requested_by=bm, build_date=audit.period_end)
            started = time.perf_counter()
            services.report_build_run(build_id=build.pk)
            times.append(time.perf_counter() - started)
            result = ReportBuild.objects.get(pk=build.pk)
        rss_peak = peak_rss_kib()
        # The leak guard alone, on the same texts and register.
        from core import leakguard
        from reports.content import report_content

        content = report_content(audit=audit, build_date=audit.period_end)
        started = time.perf_counter()
        leakguard.check_texts(content.located_texts(), services.register_terms(audit=audit), audit.period_end)
        guard_seconds = time.perf_counter() - started
        # tracemalloc slows Python down a lot: one separate run for the peak of Python allocations.
        build = ReportBuild.objects.create(audit=audit, requested_by=bm, build_date=audit.period_end)
        tracemalloc.start()
        services.report_build_run(build_id=build.pk)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return {
            "scenario": name,
            "cases": audit.cases.count(),
            "learning_points": sum(c.learning_points.count() for c in audit.cases.all()),
            "recommendations": audit.recommendations.count(),
            "pages": result.page_count,
            "pdf_kib": round(len(bytes(result.pdf)) / 1024),
            "hits": result.hits.count(),
            "best_seconds": round(min(times), 2),
            "leak_guard_seconds": round(guard_seconds, 3),
            "tracemalloc_peak_mib": round(peak / 2**20, 1),
            "rss_before_mib": round(rss_before / 1024, 1),
            "rss_peak_mib": round(rss_peak / 1024, 1),
        }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--scenario", choices=["demo", "generated"])
    parser.add_argument("--cases", type=int, default=40, help="cases in the generated audit")
    args = parser.parse_args()
    if args.scenario:
        print(json.dumps(run_scenario(args.scenario, args.runs, cases=args.cases)))
        return
    rows = []
    for scenario in ("demo", "generated"):
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--scenario",
                scenario,
                "--runs",
                str(args.runs),
                "--cases",
                str(args.cases),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    keys = list(rows[0])
    print(" | ".join(keys))
    for row in rows:
        print(" | ".join(str(row[k]) for k in keys))


if __name__ == "__main__":
    main()
