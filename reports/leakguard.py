"""The leak guard: finds identifying details in the texts of a report before it can be published.

Two kinds of hit:
- register: a term from a case's identifying-terms register (names, addresses, schools, dates of
  birth). Matched case-insensitively as whole words, tolerant of possessives ("Jayden's",
  "Marlowes'"), of first/last parts of multi-word names and of hyphenated parts, and of dates of
  birth written in any common format. A register hit can never be overridden.
- pattern: something that looks identifying whatever the register says: a UK postcode, an NHS
  number (10 digits whose mod-11 check digit is right), a UK phone number, an e-mail address, or a
  full date that looks like a date of birth. A Business Manager may override a pattern hit that is
  a false positive, with a reason.

Pure functions, no database: `check_texts(texts, terms, today)` takes the located texts of a report
and the register and returns the hits.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass, field

KIND_REGISTER = "register"
KIND_PATTERN = "pattern"

PATTERN_POSTCODE = "postcode"
PATTERN_NHS = "nhs_number"
PATTERN_PHONE = "phone"
PATTERN_EMAIL = "email"
PATTERN_DOB = "date_of_birth"

PATTERN_LABELS = {
    PATTERN_POSTCODE: "UK postcode",
    PATTERN_NHS: "NHS number",
    PATTERN_PHONE: "UK phone number",
    PATTERN_EMAIL: "E-mail address",
    PATTERN_DOB: "Date that looks like a date of birth",
}

# Term kinds whose multi-word or hyphenated values are also matched part by part.
NAME_KINDS = {"child_name", "family_member", "practitioner"}
# Parts too short or too common to stand alone as a name.
_NAME_PART_STOPWORDS = {"the", "and", "of", "de", "la", "le", "van", "von", "mr", "mrs", "ms", "miss", "dr"}

_APOSTROPHES = "'\u2019\u2018\u02bc"
_HYPHENS = "-\u2010\u2011\u2012\u2013\u2014"
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
    """One text of a report and where it sits, so that a hit can say where to fix it."""

    section: str
    label: str
    text: str
    case_id: int | None = None
    case_label: str = ""
    object_type: str = ""  # "learning_point", "assurance", "recommendation", "framing", "audit", ...
    object_id: int | None = None


@dataclass(frozen=True)
class Term:
    """A register entry the guard looks for."""

    case_id: int
    case_label: str
    kind: str
    value: str


@dataclass
class Hit:
    kind: str  # KIND_REGISTER or KIND_PATTERN
    rule: str  # the term kind (register) or the pattern name
    matched: str
    where: LocatedText
    term_case_id: int | None = None
    term_case_label: str = ""
    context: str = field(default="", repr=False)

    @property
    def can_override(self):
        return self.kind == KIND_PATTERN


def normalise(text):
    """NFKC, one kind of apostrophe and hyphen: the matching works on this, offsets stay aligned."""
    text = unicodedata.normalize("NFKC", text)
    text = text.translate({ord(c): "'" for c in _APOSTROPHES})
    return text.translate({ord(c): "-" for c in _HYPHENS})


# --- Dates ------------------------------------------------------------------------------------

_DATE_PATTERNS = [
    # 3 May 2003, 3rd May 2003, 03 May, 2003, 3-May-2003
    re.compile(
        rf"(?<![\w/.-])(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?[\s.-]+(?P<m>{_MONTH_RE})\.?,?[\s.-]+(?P<y>\d{{4}}|\d{{2}})(?![\w/])",
        re.IGNORECASE,
    ),
    # May 3, 2003 / May 3rd 2003
    re.compile(
        rf"(?<![\w/.-])(?P<m>{_MONTH_RE})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})(?![\w/])",
        re.IGNORECASE,
    ),
    # 03/05/2003, 3/5/03, 03-05-2003, 03.05.2003 (UK day-first)
    re.compile(
        r"(?<![\w/.-])(?P<d>\d{1,2})(?P<sep>[/.-])(?P<m>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})(?![\w/]|\.\d)"
    ),
    # 2003-05-03, 2003/05/03 (ISO)
    re.compile(r"(?<![\w/.-])(?P<y>\d{4})(?P<sep>[/.-])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?![\w/]|\.\d)"),
]

_DOB_CONTEXT = re.compile(
    r"\b(?:born|d\.?o\.?b\.?|date\s+of\s+birth|birthday|b\.)\s*[:\-]?\s*(?:on\s+)?$", re.I
)


def _year(text):
    year = int(text)
    if len(text) == 2:
        year += 2000 if year <= datetime.date.today().year % 100 else 1900
    return year


def find_dates(text):
    """Every full date (day, month, year) written in a common UK format: (start, end, date)."""
    found, taken = [], []
    for pattern in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < end and start < m.end() for start, end in taken):
                continue
            month = m.group("m")
            month = _MONTHS.get(month.lower()) if not month.isdigit() else int(month)
            try:
                value = datetime.date(_year(m.group("y")), month, int(m.group("d")))
            except (TypeError, ValueError):
                continue
            taken.append((m.start(), m.end()))
            found.append((m.start(), m.end(), value))
    return sorted(found, key=lambda f: f[0])


def parse_date(value):
    """A register's date of birth, in whatever format it was typed; None if it is not a full date."""
    dates = find_dates(normalise(value.strip()))
    return dates[0][2] if len(dates) == 1 else None


# --- Register terms ---------------------------------------------------------------------------


def term_variants(term):
    """The strings that count as the term appearing: the whole value, and for names each part of a
    multi-word or hyphenated name; for an address, also the street without its house number."""
    value = " ".join(normalise(term.value).split())
    variants = {value}
    if term.kind in NAME_KINDS:
        for word in value.split(" "):
            for part in {word, *word.split("-")}:
                part = part.strip(".,'")
                if len(part) >= 2 and part.lower() not in _NAME_PART_STOPWORDS:
                    variants.add(part)
    elif term.kind == "address":
        street = re.sub(r"^(?:flat\s+\w+,?\s*)?\d+[a-z]?,?\s+", "", value, flags=re.I)
        if street != value and len(street) >= 4:
            variants.add(street)
    elif term.kind == "school":
        # "St Aldhelm's High School" is also written "St Aldhelms High School" and "Saint Aldhelm's".
        variants.add(value.replace("'", ""))
        if re.match(r"st\.?\s", value, re.I):
            variants.add(re.sub(r"^st\.?\s", "Saint ", value, flags=re.I))
    return {v for v in variants if v}


def _variant_regex(variant):
    words = []
    for word in variant.split(" "):
        word = re.escape(word).replace(r"\-", "[-\\s]+").replace("'", "'?")
        words.append(word)
    body = r"\s+".join(words)
    # Whole words; an optional plural and possessive ("Marlowes", "Jayden's", "Marlowes'").
    return rf"(?<![\w]){body}(?:e?s)?(?:'s?)?(?![\w])"


def compile_terms(terms):
    """[(compiled regex, term, leading words)] for the text terms, and {date: term} for dates of birth."""
    patterns, dates = [], {}
    for term in terms:
        if term.kind == "date_of_birth":
            parsed = parse_date(term.value)
            if parsed:
                dates[parsed] = term
                continue
        variants = sorted(term_variants(term), key=len, reverse=True)
        regex = "|".join(f"(?:{_variant_regex(v)})" for v in variants)
        # The leading word of each variant: a text without any of them cannot match (a fast pre-check,
        # so that a large register costs a substring test per text, not a regex search).
        keys = {m.group().lower() for v in variants if (m := re.match(r"\w+", v))}
        patterns.append((re.compile(regex, re.IGNORECASE), term, keys))
    return patterns, dates


# --- Patterns ---------------------------------------------------------------------------------

POSTCODE_RE = re.compile(
    r"(?<![\w])(?:GIR\s?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?\s?\d[ABD-HJLNP-UW-Z]{2})(?![\w])", re.IGNORECASE
)
NHS_RE = re.compile(r"(?<![\w+])(\d{3})[\s-]?(\d{3})[\s-]?(\d{4})(?![\w])")
PHONE_RE = re.compile(r"(?<![\w+])(?:\+44[\s-]?(?:\(0\)[\s-]?)?|\(?0)\d[\d\s()-]{7,14}\d(?![\w])")
EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)


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
    national = digits[2:] if digits.startswith("44") and match.lstrip().startswith("+") else digits[1:]
    return len(national) in (9, 10) and national[0] in "1235789"


def looks_like_birth_date(*, value, text_before, today):
    """A full date is taken for a date of birth when 'born'/'DOB' comes just before it, or when it
    lies in the past within the age range of the children and young people audited (up to 25 years).
    Future dates (deadlines) are not."""
    if _DOB_CONTEXT.search(text_before[-30:]):
        return True
    return today - datetime.timedelta(days=25 * 366) <= value < today


# --- The check --------------------------------------------------------------------------------


def _context(text, start, end, width=40):
    return (
        ("…" if start > width else "")
        + text[max(0, start - width) : end + width]
        + ("…" if end + width < len(text) else "")
    )


def check_texts(texts, terms, today=None):
    """All hits in `texts` (LocatedText) against the register `terms` (Term) and the patterns."""
    today = today or datetime.date.today()
    term_patterns, term_dates = compile_terms(terms)
    hits = []
    for located in texts:
        text = normalise(located.text or "")
        if not text.strip():
            continue
        spans = []

        def add(kind, rule, start, end, term=None, text=text, located=located, spans=spans):
            spans.append((start, end))
            hits.append(
                Hit(
                    kind=kind,
                    rule=rule,
                    matched=text[start:end],
                    where=located,
                    term_case_id=term.case_id if term else None,
                    term_case_label=term.case_label if term else "",
                    context=_context(text, start, end),
                )
            )

        # Several terms can match the same words ("Quenby" is part of two family names): report the
        # longest match at each place once.
        lower = text.lower()
        matches = [
            (m.start(), m.end(), term)
            for regex, term, keys in term_patterns
            if any(key in lower for key in keys)
            for m in regex.finditer(text)
        ]
        for start, end, term in sorted(matches, key=lambda t: (t[0], t[0] - t[1])):
            if not any(s <= start < e for s, e in spans):
                add(KIND_REGISTER, term.kind, start, end, term)
        for start, end, value in find_dates(text):
            if value in term_dates:
                add(KIND_REGISTER, "date_of_birth", start, end, term_dates[value])
            elif looks_like_birth_date(value=value, text_before=text[:start], today=today):
                add(KIND_PATTERN, PATTERN_DOB, start, end)
        for m in EMAIL_RE.finditer(text):
            add(KIND_PATTERN, PATTERN_EMAIL, m.start(), m.end())
        for m in POSTCODE_RE.finditer(text):
            add(KIND_PATTERN, PATTERN_POSTCODE, m.start(), m.end())
        for m in NHS_RE.finditer(text):
            if nhs_number_valid("".join(m.groups())):
                add(KIND_PATTERN, PATTERN_NHS, m.start(), m.end())
        for m in PHONE_RE.finditer(text):
            if _phone_valid(m.group()) and not any(s <= m.start() < e for s, e in spans):
                add(KIND_PATTERN, PATTERN_PHONE, m.start(), m.end())
    return hits
