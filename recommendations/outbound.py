"""The leak guard on what the Board and anyone outside an audit's panel read in the app: the
recommendation tracker (page and CSV/XLSX exports) and the Board home's list of published reports.
A row or entry whose printed text would carry a term of its audit's register is withheld (left out,
or its title replaced) and every Business Manager is told where, once per finding, as e-mails are."""

import hashlib

from cases.registers import terms_by_audit
from core.leakguard import Guard, LocatedText
from notifications.services import withheld_tell_business_managers

WITHHELD_TITLE = "[title withheld by the leak guard]"


def _findings(texts, terms):
    guard = Guard(terms, names=False)
    return [
        (where, hit)
        for where, text in texts
        for hit in guard.check(LocatedText("", "", text))
        if hit.kind == "register"
    ]


def _tell(key, what, findings, about):
    digest = hashlib.sha256(repr(sorted((w, h.key) for w, h in findings)).encode()).hexdigest()[:16]
    withheld_tell_business_managers(key=f"{key}:{digest}", what=what, findings=findings, about=about)


def tracker_rows_checked(rows, *, channel):
    """The tracker rows without those that would carry a register term of their audit (the Business
    Manager is told which and where). `channel` names where they would have gone."""
    registers = terms_by_audit({r.audit_id for r in rows})
    kept = []
    for rec in rows:
        terms = registers.get(rec.audit_id)
        if terms:
            texts = [
                ("audit title", rec.audit.title),
                ("recommendation text", rec.text),
                ("owner agencies", ", ".join(a.name for a in rec.owners.all())),
                ("Board meeting", rec.deadline_meeting.title if rec.deadline_meeting_id else ""),
            ]
            findings = _findings(texts, terms)
            if findings:
                _tell(
                    f"tracker:{rec.pk}",
                    f"recommendation ({rec.letter}) in the {channel}",
                    [(f"{channel}'s {where}", hit) for where, hit in findings],
                    rec,
                )
                continue
        kept.append(rec)
    return kept


def published_versions_checked(versions):
    """The Board home's published versions, with a title that would carry a register term replaced."""
    registers = terms_by_audit({v.audit_id for v in versions})
    for version in versions:
        terms = registers.get(version.audit_id)
        findings = _findings([("audit title", version.audit.title)], terms) if terms else []
        version.display_title = version.audit.title
        if findings:
            version.display_title = WITHHELD_TITLE
            _tell(
                f"board-home:{version.audit_id}",
                "an audit's title on the Board home",
                [(f"Board home's {where}", hit) for where, hit in findings],
                version.audit,
            )
    return versions
