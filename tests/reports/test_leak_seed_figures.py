"""The false-positive figures the docs state, measured on the seed report (a published, anonymised
report: every hit on it is a false positive) with the demo Board's register and vocabulary, by the
same code as bench/leakguard_false_positives.py."""

import pytest

from bench.leakguard_false_positives import demo_register_and_vocabulary, measure, seed_texts

SEEDS = seed_texts()


@pytest.mark.skipif(not SEEDS, reason="the seed report is not beside the checkout (shared/seed)")
def test_the_seed_report_gives_no_date_hits_and_at_most_three_possible_names():
    terms, vocabulary = demo_register_and_vocabulary()
    for text in SEEDS.values():
        figures, _hits = measure(text, terms, vocabulary)
        assert figures["date hits"] == 0
        assert figures["possible-name hits"] <= 3
        assert figures["register hits"] == 0 and figures["other pattern hits"] == 0


def test_the_measure_counts_what_it_finds():
    """The figures are not zero by construction: the same code finds what is there."""
    terms, vocabulary = demo_register_and_vocabulary()
    text = (
        "The panel met Jayden's carers; the boy was born on 4 June 2004 and his DOB: 3 May 2003 was noted. "
        "Later, Mrs Pettigrew-Ormsby and Tobias Wetherell joined; a deadline of 31 January 2027 was agreed."
    )
    figures, hits = measure(text, terms, vocabulary)
    assert figures["date hits"] == 2  # the two with birth context, not the deadline
    assert figures["possible-name hits"] == 2
    assert figures["register hits"] >= 1
