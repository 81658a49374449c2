"""The leak guard: finds identifying details in what the system publishes or sends.

Every text is compared in one form, ``core.text.fold`` (NFKC, no format or control characters,
look-alike letters folded to their Latin skeleton, accents dropped, line-end hyphenation joined,
whitespace collapsed, case folded), the same for the register's terms and for the text, so a
zero-width space, a soft hyphen, a Cyrillic letter or a full-width form hides nothing. Hits say where
they are with the text as it was written.

Three kinds of hit:
- register: a term from a case's identifying-terms register, as whole words, with the variants a
  person would write: possessives and plurals; each part of a multi-word or hyphenated name; aliases
  ("Jayden Marlowe, known as JJ"); St/St./Saint and the usual street abbreviations (Road/Rd, ...); the
  street line of an address registered with its town or postcode, and its postcode in any spacing;
  a school with or without "School", "Primary", "Academy"...; a date of birth in any format. A register
  hit can never be overridden.
- pattern: what looks identifying whatever the register says: a UK postcode (any spacing), an NHS
  number (separators allowed, mod-11 check digit right), a UK phone number ("(0)", "0044", dots,
  dashes), an e-mail address, a date with birth context ("born", "DOB", "aged 9 on"), a child's
  initials ("K.B.") when both letters match a registered name.
- name: a possible name nobody registered: a capitalised word (or pair) mid-sentence that is not a
  dictionary word (Debian's British English word list) and not in the Board's vocabulary.

Pattern and name hits may be overridden by the Business Manager, with a reason.

Pure functions, no database: ``check_texts(texts, terms, today, vocabulary)``.
"""

import datetime
import functools
import hashlib
import re
from dataclasses import dataclass, field

from .names import is_dictionary_word, possible_names, vocabulary_words
from .terms import Term  # noqa: F401  (re-exported: callers and tests use leakguard.Term)
from .text import clean, fold, folded, original_span

KIND_REGISTER = "register"
KIND_PATTERN = "pattern"
KIND_NAME = "name"

PATTERN_POSTCODE = "postcode"
PATTERN_NHS = "nhs_number"
PATTERN_PHONE = "phone"
PATTERN_EMAIL = "email"
PATTERN_DOB = "date_of_birth"
PATTERN_INITIALS = "initials"
RULE_POSSIBLE_NAME = "possible_name"

PATTERN_LABELS = {
    PATTERN_POSTCODE: "UK postcode",
    PATTERN_NHS: "NHS number",
    PATTERN_PHONE: "UK phone number",
    PATTERN_EMAIL: "E-mail address",
    PATTERN_DOB: "Date given as a date of birth",
    PATTERN_INITIALS: "Initials of a registered name",
    RULE_POSSIBLE_NAME: "Possible name (not in the dictionary or the Board's vocabulary)",
}

# Term kinds whose multi-word or hyphenated values are also matched part by part.
NAME_KINDS = {"child_name", "family_member", "practitioner"}
# Never a term on their own: they would match every page ("as" from "known as", "the", titles).
STOPWORDS = {
    "a", "an", "and", "as", "at", "aka", "also", "by", "de", "del", "der", "di", "dr", "du", "for", "in",
    "is", "known", "la", "le", "miss", "mr", "mrs", "ms", "mx", "of", "on", "or", "the", "to", "van",
    "von", "nee", "née", "called", "nickname", "st", "saint",
}  # fmt: skip
# Equivalent spellings of one word: each is matched wherever any of them is written.
_EQUIVALENTS = [
    ("st", "saint", "street"),
    ("road", "rd"),
    ("lane", "ln"),
    ("avenue", "ave", "av"),
    ("close", "cl"),
    ("drive", "dr"),
    ("crescent", "cres", "cresc"),
    ("court", "ct"),
    ("place", "pl"),
    ("gardens", "gdns"),
    ("terrace", "terr", "tce"),
    ("square", "sq"),
]
_EQUIVALENT_OF = {}
for _group in _EQUIVALENTS:
    for _word in _group:
        _EQUIVALENT_OF[_word] = _group
# "St" at the start of a name is Saint, at the end of a street line Street: both are tried anyway.
_EQUIVALENT_OF["saint"] = ("saint", "st")
_FULL_WORDS = {group[0] for group in _EQUIVALENTS if group[0] != "st"} | {"saint", "street"}
_EQUIVALENT_OF["street"] = ("street", "st")
_SCHOOL_WORDS = {
    "school", "primary", "academy", "infant", "infants", "junior", "juniors", "high", "secondary",
    "college", "nursery", "community", "ce", "c", "e", "rc", "church", "of", "england", "catholic",
    "the",
}  # fmt: skip
_ALIAS_SPLIT = re.compile(
    r"\s*(?:\(|\)|\[|\]|;|/|,|\b(?:also\s+known\s+as|known\s+as|aka|a\.k\.a\.?|called|nicknamed|nickname|nee|née|formerly)\b)\s*",
    re.IGNORECASE,
)

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))


@dataclass(frozen=True)
class LocatedText:
    """One text of a report (or message) and where it sits, so that a hit can say where to fix it."""

    section: str
    label: str
    text: str
    case_id: int | None = None
    case_label: str = ""
    object_type: str = (
        ""  # "learning_point", "assurance", "recommendation", "framing", "audit", "pdf_page"...
    )
    object_id: int | None = None
    page: int | None = None


@dataclass
class Hit:
    kind: str  # KIND_REGISTER, KIND_PATTERN or KIND_NAME
    rule: str  # the term kind (register) or the pattern's name
    matched: str
    where: LocatedText
    term_case_id: int | None = None
    term_case_label: str = ""
    context: str = field(default="", repr=False)
    key: str = ""  # the folded match, to compare hits across texts and builds
    page: int | None = None

    @property
    def can_override(self):
        return self.kind != KIND_REGISTER

    @property
    def signature(self):
        """Same rule, same text, same place: an override of this hit carries over to a rebuild."""
        where = self.where
        parts = [self.kind, self.rule, self.key, where.section, where.label, where.object_type]
        parts += [str(where.object_id or ""), folded(where.text or "")]
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def normalise(text):
    """The guard's form of a text (see core.text.fold)."""
    return folded(clean(text or ""))


# --- Dates ------------------------------------------------------------------------------------
# Matched on folded text: lower case, one space, one kind of hyphen.

_DATE_PATTERNS = [
    # 3 may 2003, 3rd may 2003, 03 may, 2003, 3-may-2003
    re.compile(
        rf"(?<![\w/.-])(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?: of)?[ .-]+(?P<m>{_MONTH_RE})\.?,?[ .-]+(?P<y>\d{{4}}|\d{{2}})(?![\w/])"
    ),
    # may 3, 2003 / may 3rd 2003
    re.compile(
        rf"(?<![\w/.-])(?P<m>{_MONTH_RE})\.? (?P<d>\d{{1,2}})(?:st|nd|rd|th)?,? (?P<y>\d{{4}})(?![\w/])"
    ),
    # 03/05/2003, 3/5/03, 03-05-2003, 03.05.2003 (UK day-first), spaces allowed around separators
    re.compile(
        r"(?<![\w/.-])(?P<d>\d{1,2}) ?(?P<sep>[/.-]) ?(?P<m>\d{1,2}) ?(?P=sep) ?(?P<y>\d{4}|\d{2})(?![\w/]|\.\d)"
    ),
    # 2003-05-03, 2003/05/03 (ISO)
    re.compile(r"(?<![\w/.-])(?P<y>\d{4})(?P<sep>[/.-])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?![\w/]|\.\d)"),
    # 03052003 / 030503 right after a birth word (checked by the caller)
    re.compile(r"(?<![\w/.-])(?P<d>\d{2})(?P<m>\d{2})(?P<y>\d{4})(?![\w/])"),
]

# A date is a birth date when its context says so: just before it ...
_DOB_BEFORE = re.compile(
    r"(?:\bborn|\bd\.? ?o\.? ?b\.?|\bdate of birth|\bbirth ?date|\bbirthday|\bb\.|\baged? \d{1,2}(?: years?(?: old)?)? (?:on|at)"
    r"|\bturn(?:s|ed)? \d{1,2} on)(?: on| in)?[ :.-]*$"
)
# ... or just after it ("3 May 2012 (DOB)").
_DOB_AFTER = re.compile(r"^[ ,(]*(?:d\.? ?o\.? ?b\b|date of birth|birthday|born)")


def _year(text):
    year = int(text)
    if len(text) == 2:
        year += 2000 if year <= datetime.date.today().year % 100 else 1900
    return year


def find_dates(text):
    """Every full date (day, month, year) written in a common UK format in folded text:
    [(start, end, date)]."""
    found, taken = [], []
    for pattern in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < end and start < m.end() for start, end in taken):
                continue
            month = m.group("m")
            month = _MONTHS.get(month) if not month.isdigit() else int(month)
            try:
                value = datetime.date(_year(m.group("y")), month, int(m.group("d")))
            except (TypeError, ValueError):
                continue
            taken.append((m.start(), m.end()))
            found.append((m.start(), m.end(), value, pattern is _DATE_PATTERNS[-1]))
    return sorted(found, key=lambda f: f[0])


def parse_date(value):
    """A register's date of birth, in whatever format it was typed; None if it is not a full date."""
    dates = find_dates(normalise(value))
    return dates[0][2] if len(dates) == 1 else None


def birth_context(text, start, end):
    return bool(
        _DOB_BEFORE.search(text[max(0, start - 40) : start]) or _DOB_AFTER.search(text[end : end + 20])
    )


# --- Register terms ---------------------------------------------------------------------------


def aliases(value):
    """The names one register entry stands for: "Jayden Marlowe (known as JJ)" -> both."""
    parts = [p.strip(" .,'-") for p in _ALIAS_SPLIT.split(clean(value) or "")]
    names = [p for p in parts if p and folded(p) not in STOPWORDS]
    return names or [value.strip()]


def _school_cores(value):
    """A school's name without the words schools are often written with or without."""
    words = value.split(" ")
    out = set()
    while len(words) > 1 and words[-1].strip(".") in _SCHOOL_WORDS:
        words = words[:-1]
        out.add(" ".join(words))
    while len(words) > 1 and words[0] in ("the",):
        words = words[1:]
        out.add(" ".join(words))
    # A one-word core that is a dictionary word ("Oak" of "Oak Academy") would match everywhere.
    return {c for c in out if " " in c or not is_dictionary_word(c)}


POSTCODE_RE = re.compile(
    r"(?<![\w])(?:gir ?0aa|[a-pr-uwyz][a-hk-y]?\d[a-z\d]? ?\d[abd-hjlnp-uw-z]{2})(?![\w])"
)


def term_variants(term):
    """The folded strings that count as the term appearing."""
    variants = set()
    for alias in aliases(term.value):
        value = folded(alias)
        if not value:
            continue
        variants.add(value)
        if term.kind in NAME_KINDS:
            for word in value.split(" "):
                for part in {word, *word.split("-")}:
                    part = part.strip(".,'")
                    if len(part) >= 2 and part not in STOPWORDS:
                        variants.add(part)
        elif term.kind == "address":
            # "14 Larkspur Close, Riverton, PO1 2AB": the street line, with and without the number,
            # and the postcode in any spacing (matched by the postcode-aware regex).
            lines = [p.strip() for p in re.split(r"[,\n]", alias) if p.strip()]
            street = folded(lines[0]) if lines else value
            for line in {street, value}:
                variants.add(line)
                bare = re.sub(r"^(?:flat \w+ )?\d+[a-z]?(?:-\d+)? ?", "", line)
                if bare != line and len(bare) >= 4:
                    variants.add(bare)
            for line in lines[1:]:
                f = folded(line)
                if POSTCODE_RE.fullmatch(f):
                    variants.add(f)
        elif term.kind == "school":
            variants |= _school_cores(value)
    return {v for v in variants if v and v not in STOPWORDS}


def _word_regex(word):
    if word.endswith(".") and word[:-1] in _EQUIVALENT_OF:
        word = word[:-1]
    if word in _EQUIVALENT_OF:
        # An abbreviation may end with a dot ("Rd."); a full word's dot ends the sentence.
        return (
            "(?:"
            + "|".join(re.escape(w) + ("" if w in _FULL_WORDS else r"\.?") for w in _EQUIVALENT_OF[word])
            + ")"
        )
    if POSTCODE_RE.fullmatch(word):
        return re.escape(word)
    out = re.escape(word)
    # A hyphen may be a space or nothing (joined at a line end); an apostrophe may be left out.
    out = out.replace(r"\-", "[- ]?").replace("'", "'?")
    return out


def _variant_regex(variant):
    if POSTCODE_RE.fullmatch(variant):
        outward, inward = variant.replace(" ", "")[:-3], variant.replace(" ", "")[-3:]
        body = rf"{re.escape(outward)} ?{re.escape(inward)}"
    else:
        body = " ".join(_word_regex(w) for w in variant.split(" "))
    # Whole words; an optional plural and possessive ("marlowes", "jayden's", "marlowes'").
    lead = r"(?<![\w])" if variant[:1].isalnum() else ""
    return rf"{lead}{body}(?:e?s)?(?:'s?)?(?![\w])"


def compile_terms(terms):
    """[(compiled regex, term)] for the text terms, and {date: term} for dates of birth."""
    patterns, dates = [], {}
    for term in terms:
        if term.kind == "date_of_birth":
            parsed = parse_date(term.value)
            if parsed:
                dates[parsed] = term
                continue
        variants = sorted(term_variants(term), key=len, reverse=True)
        if not variants:
            continue
        regex = "|".join(f"(?:{_variant_regex(v)})" for v in variants)
        patterns.append((re.compile(regex), term))
    return patterns, dates


def name_initials(terms):
    """(first letters, last letters) of the registered names of children and family: "K.B." is a hit
    when its first letter starts a first name and its second a surname."""
    firsts, lasts = set(), set()
    for term in terms:
        if term.kind not in ("child_name", "family_member"):
            continue
        for alias in aliases(term.value):
            words = [w for w in re.split(r"[\s-]+", folded(alias)) if w and w not in STOPWORDS]
            if len(words) >= 2:
                firsts.add(words[0][0])
                lasts.update(w[0] for w in words[1:])
    return firsts, lasts


# --- Patterns ---------------------------------------------------------------------------------

NHS_RE = re.compile(r"(?<![\w+])(\d{3})([ .-]?)(\d{3})\2(\d{4})(?![\w])")
PHONE_RE = re.compile(r"(?<![\w+])(?:(?:\+|00) ?44[ .-]?(?:\(0\)[ .-]?)?|\(?0)\d[\d ().-]{7,16}\d(?![\w])")
EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]+ ?@ ?[\w-]+(?:\.[\w-]+)+")
# "K.B." or "K. B." as written (capitals, both dots): "i.e. A" is not initials.
INITIALS_RE = re.compile(r"(?<![\w.])([A-Z])\. ?([A-Z])\.(?![\w])")


def nhs_number_valid(digits):
    """The NHS number's mod-11 check: weights 10..2 on the first nine digits."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _phone_valid(match):
    digits = re.sub(r"\D", "", match)
    stripped = match.lstrip()
    if stripped.startswith("+44") or stripped.startswith("+ 44"):
        national = digits[2:]
    elif stripped.startswith("0044") or stripped.startswith("00 44"):
        national = digits[4:]
    else:
        national = digits[1:]
    if "(0)" in match and national.startswith("0"):
        national = national[1:]
    return len(national) in (9, 10) and national[0] in "1235789"


# --- The check --------------------------------------------------------------------------------


def _context(text, start, end, width=40):
    return (
        ("…" if start > width else "")
        + text[max(0, start - width) : end + width]
        + ("…" if end + width < len(text) else "")
    )


@functools.lru_cache(maxsize=256)
def compiled_register(terms):
    """(term patterns, term dates, initials) of a register, a tuple of Terms. A register compiles to
    the same patterns whenever it holds the same terms (Term is frozen), so each process compiles a
    register once and reuses it until a term is added, changed or removed (then the tuple differs).
    The tracker checks every row of every page against its audit's register: compiling it per row
    was most of that page's time."""
    patterns, dates = compile_terms(terms)
    return patterns, dates, name_initials(terms)


class Guard:
    """The register and vocabulary compiled once, to check many texts."""

    def __init__(self, terms, today=None, vocabulary=None, names=True):
        self.terms = list(terms)
        self.today = today or datetime.date.today()
        self.term_patterns, self.term_dates, self.initials = compiled_register(tuple(self.terms))
        self.names = names
        self.vocabulary = set()
        if names:  # the vocabulary serves only the possible-name layer
            self.vocabulary = vocabulary_words(vocabulary or ())
            # Registered words are found by the register; they are not "possible" names too.
            for term in self.terms:
                self.vocabulary |= vocabulary_words([term.value])

    def check(self, located):
        """All hits in one LocatedText."""
        original = clean(located.text or "")
        text, origin = fold(original)
        if not text:
            return []
        hits, spans = [], []

        def add(kind, rule, start, end, term=None, *, raw=False):
            spans.append((start, end))
            matched = original[start:end] if raw else original_span(original, origin, start, end)
            ostart = start if raw else origin[start]
            oend = end if raw else origin[end - 1] + 1
            hits.append(
                Hit(
                    kind=kind,
                    rule=rule,
                    matched=matched,
                    where=located,
                    term_case_id=term.case_id if term else None,
                    term_case_label=term.case_label if term else "",
                    context=_context(original, ostart, oend),
                    key=folded(matched),
                    page=located.page,
                )
            )

        # Several terms can match the same words: report the longest match at each place once.
        matches = [
            (m.start(), m.end(), term) for regex, term in self.term_patterns for m in regex.finditer(text)
        ]
        for start, end, term in sorted(matches, key=lambda t: (t[0], t[0] - t[1])):
            if not any(s <= start < e for s, e in spans):
                add(KIND_REGISTER, term.kind, start, end, term)
        for start, end, value, bare in find_dates(text):
            if any(s < end and start < e for s, e in spans):
                continue
            if value in self.term_dates and (not bare or birth_context(text, start, end)):
                add(KIND_REGISTER, "date_of_birth", start, end, self.term_dates[value])
            elif birth_context(text, start, end):
                add(KIND_PATTERN, PATTERN_DOB, start, end)
        for m in EMAIL_RE.finditer(text):
            add(KIND_PATTERN, PATTERN_EMAIL, m.start(), m.end())
        for m in POSTCODE_RE.finditer(text):
            if not any(s <= m.start() < e for s, e in spans):
                add(KIND_PATTERN, PATTERN_POSTCODE, m.start(), m.end())
        for m in NHS_RE.finditer(text):
            if nhs_number_valid(m.group(1) + m.group(3) + m.group(4)):
                add(KIND_PATTERN, PATTERN_NHS, m.start(), m.end())
        for m in PHONE_RE.finditer(text):
            if _phone_valid(m.group()) and not any(s <= m.start() < e for s, e in spans):
                add(KIND_PATTERN, PATTERN_PHONE, m.start(), m.end())
        firsts, lasts = self.initials
        for m in INITIALS_RE.finditer(original):
            if m.group(1).lower() in firsts and m.group(2).lower() in lasts:
                add(KIND_PATTERN, PATTERN_INITIALS, m.start(), m.end(), raw=True)
        if self.names:
            taken = [(origin[s], origin[e - 1] + 1) for s, e in spans]
            for start, end in possible_names(original, self.vocabulary):
                if not any(s < end and start < e for s, e in taken):
                    add(KIND_NAME, RULE_POSSIBLE_NAME, start, end, raw=True)
        return hits

    def check_all(self, texts):
        return [hit for located in texts for hit in self.check(located)]


def check_texts(texts, terms, today=None, vocabulary=None, names=True):
    """All hits in `texts` (LocatedText) against the register `terms` (Term), the patterns and, when
    `names`, the possible-name layer with the Board's `vocabulary`."""
    return Guard(terms, today=today, vocabulary=vocabulary, names=names).check_all(texts)


def register_hits(text, terms):
    """Register hits only, in one text: for messages and pages that must never carry a term."""
    guard = Guard(terms, names=False)
    return [h for h in guard.check(LocatedText("", "", text)) if h.kind == KIND_REGISTER]
