"""The cases app's answers to the access-log page (installed in accesslog.subjects by
CasesConfig.ready): labels for the case ids the log holds, suggestions and exact matches for typed
text."""

import re

from accesslog.subjects import CaseDirectory

from .models import Case

CASE_ID = re.compile(r"^\s*(?:.*\(#)?(\d{1,18})\)?\s*$")


def case_label(case):
    return f"{case.audit.title} — {case.pseudonym} (#{case.pk})"


class Cases(CaseDirectory):
    def labels(self, case_ids):
        return {
            c.pk: f"{c.audit.title} — {c.pseudonym}"
            for c in Case.objects.filter(pk__in=case_ids)
            .select_related("audit")
            .only("pk", "pseudonym", "audit__title")
        }

    def suggest(self, text, *, limit):
        found = Case.objects.none()
        if text.isdigit() and len(text) <= 18:
            found = Case.objects.filter(pk=int(text))
        elif len(text) >= 2:
            found = Case.objects.filter(audit__title__icontains=text) | Case.objects.filter(
                pseudonym__icontains=text
            )
        found = found.select_related("audit").order_by("-audit__period_start", "audit_id", "number")
        return [case_label(c) for c in found[:limit]]

    def find(self, text):
        cases = Case.objects.select_related("audit")
        match = CASE_ID.match(text)
        if match:
            return list(cases.filter(pk=int(match.group(1)))[:2])
        title, _, pseudonym = text.rpartition(" — ")
        if not title:
            return []
        return list(cases.filter(audit__title__iexact=title, pseudonym__iexact=pseudonym)[:2])
