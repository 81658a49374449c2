"""The leak guard while people write: a findings text (learning point, assurance, recommendation,
framing) that holds a term of the audit's identifying-terms register is refused at save, with the
error next to the field naming the term's kind and case, never the term.

Refused rather than warned-and-confirmed: a register hit can never be overridden at publication, so a
confirmed save would only move the refusal to the build, after the text had spread further.
"""

from core.leakguard import Term, register_hits

from .models import IdentifyingTerm


def audit_terms(audit):
    return [
        Term(case_id=case_id, case_label=pseudonym, kind=kind, value=value)
        for case_id, pseudonym, kind, value in IdentifyingTerm.objects.filter(case__audit=audit).values_list(
            "case_id", "case__pseudonym", "kind", "value"
        )
    ]


def register_error(text, terms):
    """The error for `text`, or "" when it holds no register term."""
    hits = register_hits(text or "", terms)
    if not hits:
        return ""
    kinds = dict(IdentifyingTerm.Kind.choices)
    found = []
    for hit in hits:
        label = kinds.get(hit.rule, hit.rule).lower()
        where = f"{label} ({hit.term_case_label})" if hit.term_case_label else label
        if where not in found:
            found.append(where)
    return (
        f"This text holds a term of the identifying-terms register: {', '.join(found)}. Remove it: "
        "a registered term can never be printed in the report."
    )


class RegisterGuardMixin:
    """For findings forms: `guard_audit=` the audit whose register the text is checked against."""

    guarded_fields = ("text",)

    def __init__(self, *args, guard_audit=None, **kwargs):
        self.guard_audit = guard_audit
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if self.guard_audit is not None:
            terms = audit_terms(self.guard_audit)
            for name in self.guarded_fields:
                error = register_error(cleaned.get(name), terms) if terms else ""
                if error:
                    self.add_error(name, error)
        return cleaned
