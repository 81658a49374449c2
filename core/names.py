"""The leak guard's third layer: words that look like a personal name nobody registered.

A capitalised word mid-sentence that is in no word list ("Quenby"), a pair of capitalised names
("Hollis Brandt"), or a name after a title ("Mrs Doyle"). The word list is Debian's British English
list (package wbritish): its lower-case entries are common words, its capitalised entries names of
people and places, which count only in a pair or after a title ("Portsmouth" or "January" alone is
not flagged). The Board's vocabulary (its name, places, agencies, the app's words) is never a name.
"""

import functools
import re
from pathlib import Path

from .text import clean, folded

WORDLIST = Path("/usr/share/dict/british-english")


@functools.cache
def _word_list():
    """(common words, proper nouns) of Debian's British English word list (package wbritish), folded:
    lower-case entries are common words, capitalised ones names of people and places."""
    try:
        lines = WORDLIST.read_text(encoding="utf-8").split("\n")
    except FileNotFoundError as exc:  # a missing install step must be loud, never a silent pass
        raise RuntimeError(
            f"The leak guard needs the word list {WORDLIST} (apt-get install wbritish)."
        ) from exc
    words = [w for w in lines if w and "'" not in w]

    def fold_word(w):
        return w.casefold() if w.isascii() else folded(w)

    common = frozenset(fold_word(w) for w in words if w[0].islower())
    proper = frozenset(fold_word(w) for w in words if w[0].isupper()) - common
    return common, proper


def _in(word, words):
    word = folded(word).strip("'")
    if word.endswith("'s"):
        word = word[:-2]
    if word in words:
        return True
    for suffix, repl in (
        ("s", ""),
        ("es", ""),
        ("ies", "y"),
        ("ed", ""),
        ("ed", "e"),
        ("ing", ""),
        ("ing", "e"),
    ):
        if word.endswith(suffix) and word[: -len(suffix)] + repl in words:
            return True
    return False


def is_dictionary_word(word):
    return _in(word, _word_list()[0])


def is_proper_noun(word):
    return _in(word, _word_list()[1])


_WORD_RE = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)
_SENTENCE_END = re.compile(r"(?:[.!?:;\u2022•*\"“(\[]|\n|^)\s*$")


def vocabulary_words(phrases):
    """The Board's vocabulary (agency names, places, roles, the app's own terms) as folded words."""
    words = set()
    for phrase in phrases:
        for w in _WORD_RE.findall(clean(phrase or "")):
            for part in re.split(r"[-'’]", w):
                if part:
                    words.add(folded(part))
    return words


_PREFIXES = {"intra", "inter", "multi", "non", "pre", "post", "sub", "co", "anti", "re", "self", "cross", "pan", "semi", "mid", "ex", "over", "under"}  # fmt: skip
_TITLES = re.compile(r"\b(?:mr|mrs|ms|miss|mx|dr|master)\.?\s+$", re.IGNORECASE)


def _name_like(word):
    return word[:1].isupper() and not word.isupper() and len(word) >= 2


def _word_class(word, vocabulary):
    """ "common" (a dictionary word or the Board's vocabulary), "proper" (a name of a person or place
    in the dictionary: "Rory", "Portsmouth") or "unknown" (in no list: "Quenby")."""
    if folded(word) in vocabulary:
        return "common"
    parts = [p for p in re.split(r"[-'’]", word) if p and p.lower() != "s"]
    classes = set()
    for p in parts:
        f = folded(p)
        if len(p) == 1 or f in vocabulary or f in _PREFIXES or is_dictionary_word(p):
            continue
        classes.add("proper" if is_proper_noun(p) else "unknown")
    return "unknown" if "unknown" in classes else "proper" if classes else "common"


def possible_names(text, vocabulary):
    """[(start, end)] in `text` (cleaned, as written) of what looks like a personal name: a capitalised
    word mid-sentence in no word list and not in the vocabulary ("Quenby"), or a pair of capitalised
    names ("Hollis Brandt"), or a name after a title ("Mrs Doyle"). A single name the dictionary knows
    ("Portsmouth", "January") is not flagged alone: it is as often a place or a month."""
    runs = []  # [[start, end, classes, after_title]]
    for m in _WORD_RE.finditer(text):
        word = m.group().rstrip("'’-")
        if not _name_like(word) or m.start() == 0:
            continue
        if _SENTENCE_END.search(text[max(0, m.start() - 3) : m.start()]):
            continue
        cls = _word_class(word, vocabulary)
        if cls == "common":
            continue
        start, end = m.start(), m.start() + len(word)
        if runs and text[runs[-1][1] : start] == " ":
            runs[-1][1] = end
            runs[-1][2].append(cls)
        else:
            runs.append([start, end, [cls], bool(_TITLES.search(text[max(0, start - 8) : start]))])
    return [
        (start, end)
        for start, end, classes, after_title in runs
        if "unknown" in classes or len(classes) >= 2 or after_title
    ]
