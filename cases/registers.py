"""A case's identifying-terms register as the leak guard's terms (core.terms.Term): what every
message, export and page that leaves the panel is checked against. One query per call."""

from collections import defaultdict

from core.terms import Term

from .models import IdentifyingTerm


def case_terms(case):
    """One case's register."""
    return [
        Term(case_id=case.pk, case_label=case.pseudonym, kind=kind, value=value)
        for kind, value in case.identifying_terms.values_list("kind", "value")
    ]


def terms_by_case(case_ids):
    """{case id: [Term]} for these cases (a case without a register is absent: use .get or [])."""
    terms = defaultdict(list)
    rows = IdentifyingTerm.objects.filter(case_id__in=case_ids).values_list(
        "case_id", "case__pseudonym", "kind", "value"
    )
    for case_id, pseudonym, kind, value in rows:
        terms[case_id].append(Term(case_id=case_id, case_label=pseudonym, kind=kind, value=value))
    return terms


def term_rows_by_audit(audit_ids):
    """{audit id: [(case id, pseudonym, kind, value)]}, each audit's rows sorted: every register of
    every case of these audits as plain tuples, cheap to digest before any Term is needed."""
    rows = defaultdict(list)
    for audit_id, *row in IdentifyingTerm.objects.filter(case__audit_id__in=audit_ids).values_list(
        "case__audit_id", "case_id", "case__pseudonym", "kind", "value"
    ):
        rows[audit_id].append(tuple(row))
    for found in rows.values():
        found.sort()
    return rows


def terms_from_rows(rows):
    """The Terms of rows given by term_rows_by_audit."""
    return [
        Term(case_id=case_id, case_label=pseudonym, kind=kind, value=value)
        for case_id, pseudonym, kind, value in rows
    ]


def terms_by_audit(audit_ids):
    """{audit id: [Term]}: every register of every case of these audits."""
    return {audit_id: terms_from_rows(rows) for audit_id, rows in term_rows_by_audit(audit_ids).items()}


def kind_label(kind):
    """How a term's kind is named to a person ("child's name"), never the term itself."""
    return dict(IdentifyingTerm.Kind.choices).get(kind, kind)
