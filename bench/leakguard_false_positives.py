#!/usr/bin/env python
"""The leak guard's false positives on a real published report: `python bench/leakguard_false_positives.py`.

Runs the guard (register, patterns, possible names) over the seed report's text (a published,
anonymised audit report: every hit on it is a false positive) with the demo Board's register and
vocabulary, and prints the figures: date hits, possible-name hits (with the words), other pattern
hits, register hits. No database is needed.

The seed's folder: the first argument, else $SEED_DIR, else shared/seed beside the checkout, else
/work/shared/seed.
"""

import os
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def seed_texts(folder=None):
    candidates = [folder, os.environ.get("SEED_DIR"), ROOT.parent / "shared" / "seed", "/work/shared/seed"]
    for candidate in candidates:
        if candidate and Path(candidate).is_dir():
            files = sorted(Path(candidate).glob("*.txt"))
            if files:
                return {f.name: f.read_text(encoding="utf-8") for f in files}
    return {}


def demo_register_and_vocabulary():
    """The demo Board's register (all four cases) and vocabulary (its name, places, agencies)."""
    from django.conf import settings

    from cases import demo
    from core.leakguard import Term
    from reports.services import APP_VOCABULARY

    terms = [
        Term(case_id=n, case_label=f"Case {n}", kind=kind, value=value)
        for n, case in enumerate(demo.CASES, start=1)
        for kind, value in case[5]
    ]
    agencies = [demo.CSC, demo.POLICE, demo.HOSP, demo.CCG, demo.EDU, demo.YOT, demo.NURSING, demo.CAMHS]
    return terms, [settings.BOARD_NAME, *settings.LEAKGUARD_PLACES, *APP_VOCABULARY, *agencies]


def measure(text, terms, vocabulary):
    """{figure: value} for one text, and the hits."""
    import datetime

    from core.leakguard import KIND_NAME, KIND_REGISTER, PATTERN_DOB, Guard, LocatedText

    guard = Guard(terms, today=datetime.date(2026, 12, 1), vocabulary=vocabulary)
    hits = guard.check(LocatedText("Seed report", "Text", text))
    dates = [
        h for h in hits if h.rule == PATTERN_DOB or (h.kind == KIND_REGISTER and h.rule == "date_of_birth")
    ]
    names = [h for h in hits if h.kind == KIND_NAME]
    others = [h for h in hits if h not in dates and h not in names]
    return {
        "date hits": len(dates),
        "possible-name hits": len(names),
        "other pattern hits": sum(1 for h in others if h.kind != KIND_REGISTER),
        "register hits": sum(1 for h in others if h.kind == KIND_REGISTER),
    }, hits


def main(argv):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pscb_audit.settings")
    import django

    django.setup()
    texts = seed_texts(argv[1] if len(argv) > 1 else None)
    if not texts:
        print("No seed report found (give its folder as the first argument or in SEED_DIR).")
        return 2
    terms, vocabulary = demo_register_and_vocabulary()
    for name, text in texts.items():
        started = time.perf_counter()
        figures, hits = measure(text, terms, vocabulary)
        elapsed = time.perf_counter() - started
        print(
            f"Leak guard on the seed report {name} ({len(text.split())} words, demo register and vocabulary):"
        )
        for figure, value in figures.items():
            print(f"  {figure}: {value}")
        flagged = Counter(h.matched for h in hits if h.kind == "name")
        if flagged:
            print("  possible names: " + ", ".join(f"{w} x{n}" if n > 1 else w for w, n in flagged.items()))
        print(f"  time: {elapsed:.2f} s (word list loaded once)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
