"""How the access-log page names and finds the case an entry is about.

accesslog records reads for every app and sits below them in the layers, so it does not import the
cases app: cases installs its directory here at start-up (CasesConfig.ready). An entry keeps only the
case's id (the log outlives what it describes); the directory turns ids into labels and typed text
into a case for the search.
"""

from django.core.exceptions import ImproperlyConfigured

_installed = []


class CaseDirectory:
    """What the cases app answers. Each method makes at most one query."""

    def labels(self, case_ids):
        """{case id: "Audit title — Case One"} of the cases that still exist."""
        raise NotImplementedError

    def suggest(self, text, *, limit):
        """Up to `limit` labels ("Audit title — Case One (#12)") of cases matching typed `text`: an id,
        or part of an audit title or pseudonym."""
        raise NotImplementedError

    def find(self, text):
        """The cases matching `text` exactly ("Audit title — Case One (#12)", "(#12)", "12" or
        "Audit title — Case One"), at most two: each with a .pk."""
        raise NotImplementedError


def install(directory):
    _installed[:] = [directory]


def cases():
    if not _installed:
        raise ImproperlyConfigured("No case directory is installed: add cases to INSTALLED_APPS.")
    return _installed[0]
