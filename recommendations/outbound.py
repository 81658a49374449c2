"""The leak guard on what the Board and anyone outside an audit's panel read in the app: the
recommendation tracker (page and CSV/XLSX exports) and the Board home's list of published reports.
A row or entry whose printed text would carry a term of its audit's register is withheld (left out,
or its title replaced) and every Business Manager is told where, once per finding, as e-mails are."""

import hashlib
from functools import cached_property

from cases.registers import term_rows_by_audit, terms_from_rows
from core.leakguard import Guard, LocatedText
from notifications.services import withheld_tell_business_managers

WITHHELD_TITLE = "[title withheld by the leak guard]"


class Register:
    """One audit's register, with a digest of its rows: two registers with the same digest hold the
    same terms, so what was found in a text against one holds for the other. The digest is taken from
    the plain rows; the Terms are built only when a text must actually be checked (a verdict not yet
    known), which on a page the Board has seen before is never."""

    def __init__(self, rows):
        self.rows = tuple(rows)
        self.digest = hashlib.sha256(repr(self.rows).encode()).hexdigest()

    @cached_property
    def terms(self):
        return tuple(terms_from_rows(self.rows))


def registers_by_audit(audit_ids):
    """{audit id: Register} of these audits (an audit without a register is absent)."""
    return {audit_id: Register(rows) for audit_id, rows in term_rows_by_audit(audit_ids).items()}


# What was found in the texts of a row against a register, by (texts, register digest): the same texts
# checked against the same terms always give the same findings, and the tracker shows the same rows to
# every Board member on every visit. A changed text or register term is a new key (never a stale
# verdict); the dictionary is emptied when it reaches its bound.
_VERDICTS = {}
_VERDICTS_MAX = 4096


def _findings(texts, register):
    key = (tuple(texts), register.digest)
    found = _VERDICTS.get(key)
    if found is None:
        guard = Guard(register.terms, names=False)
        found = tuple(
            (where, hit)
            for where, text in texts
            for hit in guard.check(LocatedText("", "", text))
            if hit.kind == "register"
        )
        if len(_VERDICTS) >= _VERDICTS_MAX:
            _VERDICTS.clear()
        _VERDICTS[key] = found
    return list(found)


def _tell(key, what, findings, about):
    digest = hashlib.sha256(repr(sorted((w, h.key) for w, h in findings)).encode()).hexdigest()[:16]
    withheld_tell_business_managers(key=f"{key}:{digest}", what=what, findings=findings, about=about)


def tracker_rows_checked(rows, *, channel):
    """The tracker rows without those that would carry a register term of their audit (the Business
    Manager is told which and where). `channel` names where they would have gone."""
    registers = registers_by_audit({r.audit_id for r in rows})
    kept = []
    for rec in rows:
        register = registers.get(rec.audit_id)
        if register:
            texts = [
                ("audit title", rec.audit.title),
                ("recommendation text", rec.text),
                ("owner agencies", ", ".join(a.name for a in rec.owners.all())),
                ("Board meeting", rec.deadline_meeting.title if rec.deadline_meeting_id else ""),
            ]
            findings = _findings(texts, register)
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
    registers = registers_by_audit({v.audit_id for v in versions})
    for version in versions:
        register = registers.get(version.audit_id)
        findings = _findings([("audit title", version.audit.title)], register) if register else []
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
