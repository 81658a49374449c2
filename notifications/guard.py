"""The outbound leak check every e-mail passes before it is queued (see services.notification_queue).

notifications sends; it does not own the register (cases.IdentifyingTerm) and imports no domain
app. The app that owns the register installs the check here at start-up (CasesConfig.ready): how to
find a term in a text (core.leakguard.register_hits) and how to name a term's kind to a person.
It fails closed: a message that carries register entries to check while no check
is installed is refused with ImproperlyConfigured, never sent unchecked.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

from core.terms import Term


@dataclass(frozen=True)
class OutboundCheck:
    # (text, [Term]) -> the register hits in `text` (each with .rule, the term's kind, and
    # .term_case_label), after the guard's normalisation.
    register_hits: Callable
    # the kind of a term ("child_name") -> how it is named to a person ("Child's name").
    kind_label: Callable


_installed: list[OutboundCheck] = []


def install(check):
    """Install the outbound check (once; installing again replaces it)."""
    _installed[:] = [check]


def installed():
    if not _installed:
        raise ImproperlyConfigured(
            "No outbound leak check is installed: the app that owns the register (cases) must be in "
            "INSTALLED_APPS. Nothing that must be checked is sent unchecked."
        )
    return _installed[0]


def as_terms(withhold):
    """Register entries for the guard: Term as given, a bare string as an "other" term."""
    terms = []
    for t in withhold:
        if isinstance(t, Term):
            terms.append(t)
        elif t and str(t).strip():
            terms.append(Term(case_id=None, case_label="", kind="other", value=str(t)))
    return terms


def register_hits(text, withhold):
    """The register hits of `withhold` (Terms or bare strings) in `text`."""
    terms = as_terms(withhold)
    if not terms:
        return []
    return installed().register_hits(text or "", terms)


def kind_label(kind):
    return installed().kind_label(kind)
