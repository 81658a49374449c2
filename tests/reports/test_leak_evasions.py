"""Property: whatever a person does to a register term to slip it past the guard (case, possessives,
plurals, zero-width and format characters, soft hyphens, control characters, look-alike letters, line
breaks and line-end hyphenation, non-breaking spaces, full-width forms), in whichever printed field,
either publication is refused or the published PDF's extracted, normalised text holds no register
term. Several evasions go into one build, so that a few builds try many of them."""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from cases.models import PanelMembership
from core.text import folded
from recommendations.models import BoardMeeting
from reports import services
from reports.models import AuditReport, ReportBuild

from .conftest import TERMS, pdf_text

# (the registered value, the word of it that must never be readable in a published PDF)
# (dates of birth are tested apart, in test_leakguard.py)
REGISTERED = [
    (value, max(re.findall(r"[A-Za-z]{4,}", value), key=len))
    for terms in TERMS.values()
    for kind, value in terms
    if kind != "date_of_birth"
]

LOOKALIKES = {
    "a": "\u0430", "c": "\u0441", "e": "\u0435", "i": "\u0456", "j": "\u0458", "o": "\u043e", "p": "\u0440",
    "s": "\u0455", "x": "\u0445", "y": "\u0443", "A": "\u0391", "B": "\u0392", "E": "\u0395", "H": "\u041d",
    "K": "\u039a", "M": "\u041c", "O": "\u041e", "P": "\u0420", "T": "\u0422", "X": "\u0425", "C": "\u0421",
    "l": "\u04cf", "d": "\u0501", "r": "\u0433",
}  # fmt: skip
HIDDEN = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u034f", "\u180e", "\u2061", "\u200e"]
CONTROLS = [chr(c) for c in range(0x00, 0x20) if chr(c) not in "\t\n\r"] + ["\x7f", "\x85", "\x9b"]


def _insert(text, pos, what):
    return text[:pos] + what + text[pos:]


def evasion(draw, value):
    """One evaded spelling of `value`, by a random mix of the evasions above."""
    text = value
    steps = draw(st.lists(st.sampled_from(EVASIONS), min_size=1, max_size=4))
    for step in steps:
        text = step(draw, text)
    return text


def _case(draw, text):
    mode = draw(st.sampled_from(["upper", "lower", "swap", "random"]))
    if mode == "random":
        flips = draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
        return "".join(c.upper() if f else c.lower() for c, f in zip(text, flips, strict=True))
    return getattr(text, {"upper": "upper", "lower": "lower", "swap": "swapcase"}[mode])()


def _suffix(draw, text):
    return text + draw(st.sampled_from(["'s", "\u2019s", "s", "s'", "es"]))


def _hidden(draw, text):
    for _ in range(draw(st.integers(1, 3))):
        text = _insert(
            text, draw(st.integers(1, max(1, len(text) - 1))), draw(st.sampled_from(HIDDEN + CONTROLS))
        )
    return text


def _lookalike(draw, text):
    positions = [i for i, c in enumerate(text) if c in LOOKALIKES]
    for i in draw(st.lists(st.sampled_from(positions), max_size=3)) if positions else []:
        text = text[:i] + LOOKALIKES.get(text[i], text[i]) + text[i + 1 :]
    return text


def _spaces(draw, text):
    return re.sub(
        " ", lambda _: draw(st.sampled_from(["\n", "\u00a0", "\u202f", "\u2003", "  ", " \n "])), text
    )


def _hyphenate(draw, text):
    words = list(re.finditer(r"[^\W\d_]{4,}", text))
    if not words:
        return text
    word = draw(st.sampled_from(words))
    cut = draw(st.integers(word.start() + 2, word.end() - 2))
    return _insert(text, cut, draw(st.sampled_from(["-\n", "\u00ad\n", "-\n   ", "\u2010\n"])))


def _fullwidth(draw, text):
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


EVASIONS = [_case, _suffix, _hidden, _lookalike, _spaces, _hyphenate, _fullwidth]

FIELDS = [
    "learning_point",
    "assurance",
    "recommendation",
    "audit_title",
    "audit_theme",
    "framing",
    "board_meeting",
    "panel_role",
    "agency",
    "purpose",
]


def plant(seeded, field, text):
    """Put `text` into one printed field of the seeded audit (as a save would, cleaning included)."""
    audit = seeded.audit
    sentence = f"Context words {text} and more words."
    if field == "learning_point":
        point = seeded.cases[3].learning_points.order_by("position").last()
        point.text = sentence
        point.save()
    elif field == "assurance":
        assurance = seeded.cases[2].assurance
        assurance.statement = sentence
        assurance.save()
    elif field == "recommendation":
        rec = seeded.recommendations[1]
        rec.text = sentence
        rec.save()
    elif field in ("audit_title", "audit_theme", "purpose"):
        attr = {"audit_title": "title", "audit_theme": "theme", "purpose": "purpose"}[field]
        setattr(audit, attr, f"{getattr(audit, attr)}\n{sentence}" if attr == "purpose" else sentence[:200])
        audit.save()
    elif field == "framing":
        AuditReport.objects.update_or_create(audit=audit, defaults={"what_we_did": sentence})
    elif field == "board_meeting":
        meeting = BoardMeeting.objects.get()
        meeting.title = sentence[:200]
        meeting.save()
    elif field == "panel_role":
        membership = PanelMembership.objects.filter(audit=audit).first()
        membership.panel_role = sentence[:250]
        membership.save()
    elif field == "agency":
        seeded.police.name = sentence[:200]
        seeded.police.save()


@st.composite
def plantings(draw):
    chosen = draw(st.lists(st.sampled_from(REGISTERED), min_size=3, max_size=4, unique=True))
    fields = draw(st.lists(st.sampled_from(FIELDS), min_size=len(chosen), max_size=len(chosen), unique=True))
    return [
        (field, value, word, evasion(draw, value))
        for (value, word), field in zip(chosen, fields, strict=True)
    ]


def squashed(text):
    """Folded, and without anything but letters and digits: what a reader can still read as a word."""
    return re.sub(r"[^a-z0-9]", "", folded(text))


def test_squashed_text_reads_what_a_reader_reads():
    assert "marlowe" in squashed("Mar-\n lo\u200bwe")
    assert "marlowe" in squashed("M\u0430rlowe")


@settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # no shrinking: each example is a PDF build
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(planted=plantings())
def test_no_evasion_reaches_a_published_pdf(cast, seeded, planted):
    with transaction.atomic():
        for field, _value, _word, text in planted:
            plant(seeded, field, text)
        build = ReportBuild.objects.create(
            audit=seeded.audit, requested_by=cast.bm, build_date=seeded.cases[1].created_at.date()
        )
        build = services.report_build_run(build_id=build.pk)
        printed = squashed(pdf_text(bytes(build.pdf)))
        reported = [squashed(m) for m in build.hits.filter(kind="register").values_list("matched", flat=True)]
        for field, _value, word, text in planted:
            if folded(word) in printed:
                # Printed in the PDF, in whatever disguise: the guard reported it as a register hit.
                assert any(folded(word) in m for m in reported), (field, text, reported)
        try:
            version = services.report_publish(build=build, actor=cast.bm)
        except ValidationError:
            pass  # refused: the property holds
        else:
            published = squashed(pdf_text(bytes(version.pdf)))
            for field, _value, word, text in planted:
                assert folded(word) not in published, (field, text)
        transaction.set_rollback(True)
