"""One text normalisation for the whole project: what is stored, checked and printed is one string.

Two steps, used everywhere:

- ``clean(text)``: what every saved text goes through (forms, the model save hook, every renderer):
  Unicode NFKC, then no format or control characters (zero-width space/joiner/non-joiner, word joiner,
  BOM, soft hyphen, bidi marks, combining grapheme joiner, variation selectors, C0 and C1 controls;
  tab, line feed and carriage return are kept). The text still reads the same; the hidden characters
  that split a name for a machine but not for a reader are gone.
- ``fold(text)``: what the leak guard compares, after ``clean``: look-alike letters folded to their
  Latin skeleton (Unicode TR39 confusables, from the maintained ``confusable_homoglyphs`` data),
  accents dropped, one kind of apostrophe and hyphen, a hyphen at a line end joined to the next line
  ("Mar-\\nlowe" -> "marlowe"), whitespace collapsed to one space, case folded. It returns, for each
  folded character, the index of the character it came from, so a hit found in folded text can be
  shown as it was written.
"""

import functools
import re
import unicodedata

from django.db import models

# Kept control characters: the ones that shape a text (tab, line feed, carriage return).
_KEPT_CONTROLS = {"\t", "\n", "\r"}
# Not category Cf but invisible all the same: combining grapheme joiner, Hangul fillers, Mongolian
# vowel separator, variation selectors.
_INVISIBLE = {"\u034f", "\u115f", "\u1160", "\u3164", "\uffa0", "\u180e"}
_INVISIBLE.update(chr(c) for c in range(0xFE00, 0xFE10))
_INVISIBLE.update(chr(c) for c in range(0xE0100, 0xE01F0))

APOSTROPHES = "'\u2019\u2018\u02bc\u0060\u00b4\u2032\uff07"
HYPHENS = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"


def _dropped(ch):
    if ch in _KEPT_CONTROLS:
        return False
    return ch in _INVISIBLE or unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co")


_SOFT_HYPHEN_AT_LINE_END = re.compile("\u00ad[ \t]*(?=[\r\n])")


def clean(text):
    """NFKC without format or control characters (tab and line breaks kept): the stored form. A soft
    hyphen before a line break is where the word was split, so it is kept as the hyphen a reader saw."""
    if not text:
        return text
    text = unicodedata.normalize("NFKC", text)
    if text.isascii() and text.isprintable():
        return text
    text = _SOFT_HYPHEN_AT_LINE_END.sub("-", text)
    return "".join(ch for ch in text if not _dropped(ch))


@functools.cache
def _confusable_table():
    """{non-ASCII character: its ASCII look-alike} from the TR39 confusables data."""
    from confusable_homoglyphs.confusables import confusables_data

    table = {}
    for char, entries in confusables_data.items():
        if len(char) != 1 or char.isascii():
            continue
        for entry in entries:
            target = entry["c"]
            if len(target) == 1 and target.isascii() and target.isalnum():
                table[char] = target
                break
    # The data lists both directions; a letter whose only look-alikes are digits (e.g. a Cyrillic
    # "З" for "3") folds to the digit, which a name never contains, so the guard loses nothing.
    return table


@functools.cache
def _fold_char(ch):
    """The folded form of one character ("" when it is dropped)."""
    if ch == "\u00ad":
        return "\u00ad"  # kept until fold() has seen whether it ends a line
    out = []
    for c in unicodedata.normalize("NFKC", ch):
        if _dropped(c):
            continue
        if c in APOSTROPHES:
            out.append("'")
            continue
        if c in HYPHENS:
            out.append("-")
            continue
        if c.isspace():
            out.append(" " if c not in "\n\r" else "\n")
            continue
        c = _confusable_table().get(c, c)
        for d in unicodedata.normalize("NFKD", c):
            if unicodedata.combining(d):
                continue
            d = _confusable_table().get(d, d)
            out.append(d.casefold())
    return "".join(out)


def fold(text):
    """(folded text, index map): the guard's form of `text`, and for each of its characters the index
    in `text` it comes from."""
    chars, origin = [], []
    for i, ch in enumerate(text or ""):
        for c in _fold_char(ch):
            chars.append(c)
            origin.append(i)
    # A soft hyphen is invisible, except at a line end, where it is the hyphen of a split word.
    for i, c in enumerate(chars):
        if c == "\u00ad":
            j = i + 1
            while j < len(chars) and chars[j] == " ":
                j += 1
            chars[i] = "-" if j < len(chars) and chars[j] == "\n" else ""
    keep = [k for k, c in enumerate(chars) if c]
    chars, origin = [chars[k] for k in keep], [origin[k] for k in keep]
    # Join a hyphen at a line end to the next line ("Mar-\n  lowe"), then collapse whitespace.
    out, out_origin = [], []
    i, n = 0, len(chars)
    while i < n:
        c = chars[i]
        if c == "-" and out and out[-1].isalnum():
            j = i + 1
            while j < n and chars[j] == " ":
                j += 1
            if j < n and chars[j] == "\n":
                while j < n and chars[j] in " \n":
                    j += 1
                if j < n and chars[j].isalnum():
                    i = j
                    continue
        if c in " \n":
            if out and out[-1] != " ":
                out.append(" ")
                out_origin.append(origin[i])
            i += 1
            continue
        out.append(c)
        out_origin.append(origin[i])
        i += 1
    if out and out[-1] == " ":
        out.pop()
        out_origin.pop()
    return "".join(out), out_origin


def folded(text):
    """The folded text alone."""
    return fold(text)[0]


def original_span(text, origin, start, end):
    """The part of `text` that the folded span [start, end) came from."""
    if start >= end or not origin:
        return ""
    return text[origin[start] : origin[end - 1] + 1]


def clean_instance_text(instance):
    """Clean every text field of a model instance before it is saved (see ``clean``): the backstop
    behind the forms, for services, imports and the admin."""

    for f in instance._meta.concrete_fields:
        if isinstance(f, models.CharField | models.TextField):
            value = getattr(instance, f.attname, None)
            if isinstance(value, str) and value:
                cleaned = clean(value)
                if cleaned != value:
                    setattr(instance, f.attname, cleaned)
