"""Text matching for the library and for "have we been here before?", on either database.

PostgreSQL: full-text search (``websearch_to_tsquery`` against an English ``to_tsvector`` of each
document, kept in a stored generated column with a GIN index (migration 0006), ordered by
``ts_rank``) and
trigram similarity (pg_trgm) for similar recommendations.

SQLite (the laptop default): every word of the query must appear (``icontains``), and a simple score
orders the matches: occurrences of each word, more for a whole word, more again for the whole
phrase. Similar recommendations use the Jaccard overlap of their word sets. Both are deterministic,
so the same tests run on both databases.
"""

import re

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVectorField,
    TrigramSimilarity,
)
from django.db import connection
from django.db.models import F, FloatField, Q, Value
from django.db.models.expressions import RawSQL

CONFIG = "english"
# The documents searched, as the fields of each model (the indexes of migration 0002 are on these).
VECTORS = {
    "learning_point": ("text",),
    "recommendation": ("text",),
    "response": ("text",),
    "agency_action": ("description", "agency_response"),
}
MAX_QUERY_WORDS = 12
MAX_QUERY_LENGTH = 200

STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "for",
        "from",
        "had",
        "has",
        "have",
        "he",
        "her",
        "his",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "not",
        "of",
        "on",
        "or",
        "our",
        "she",
        "so",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "to",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "who",
        "will",
        "with",
        "would",
        "you",
        "your",
        "all",
        "any",
        "can",
        "did",
        "do",
        "does",
        "more",
        "most",
        "no",
        "should",
    ]
)
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)


def is_postgres():
    return connection.vendor == "postgresql"


def words(text):
    """The meaningful words of a text, lower case, in order, without stop words or repeats."""
    seen = []
    for word in _WORD.findall((text or "").lower()):
        word = word.replace("’", "'")
        if len(word) > 1 and word not in STOP_WORDS and word not in seen:
            seen.append(word)
    return seen


def clean_query(text):
    """The query as searched: bounded in length and in number of words."""
    text = " ".join((text or "").split())[:MAX_QUERY_LENGTH]
    return " ".join(text.split()[:MAX_QUERY_WORDS])


# PostgreSQL keeps each document's vector in a stored, generated column of its table (migration 0006),
# indexed with GIN: the search filters and ranks on it without parsing the texts again.
STORED_COLUMN = "learning_search"
TABLES = {
    "learning_point": "reviews_learningpoint",
    "recommendation": "recommendations_recommendation",
    "response": "recommendations_recommendationresponse",
    "agency_action": "reviews_agencyaction",
}


def stored_vector(kind):
    """The stored column of the queryset's own table (the base table is never aliased)."""
    return RawSQL(f'"{TABLES[kind]}"."{STORED_COLUMN}"', [], output_field=SearchVectorField())  # noqa: S611


def matching(queryset, kind, query):
    """`queryset` narrowed to the documents matching `query`, annotated with `rank` (higher first).
    On SQLite the rank is filled in later by `score` (the database cannot compute it)."""
    fields = VECTORS[kind]
    if is_postgres():
        search = SearchQuery(query, config=CONFIG, search_type="websearch")
        return (
            queryset.annotate(document=stored_vector(kind))
            .filter(document=search)
            .annotate(rank=SearchRank(F("document"), search))
        )
    terms = words(query)
    if not terms:
        return queryset.none()
    for term in terms:
        condition = Q()
        for field in fields:
            condition |= Q(**{f"{field}__icontains": term})
        queryset = queryset.filter(condition)
    return queryset.annotate(rank=Value(0.0, output_field=FloatField()))


def score(text, query):
    """The SQLite ranking: each query word counts its occurrences (a whole word twice as much as a
    part of one), and the whole phrase written as asked adds more."""
    text = (text or "").lower()
    terms = words(query)
    total = 0.0
    for term in terms:
        part = text.count(term)
        whole = len(re.findall(rf"\b{re.escape(term)}\b", text))
        total += part + whole
    phrase = " ".join(query.lower().split())
    if len(terms) > 1 and phrase in text:
        total += 2 * len(terms)
    # Shorter documents with the same matches are the better matches (as ts_rank normalises).
    return total / (1 + len(text) / 2000)


def jaccard(a, b):
    """Overlap of two texts' word sets (stems cut to 6 letters, so "referral"/"referrals" agree)."""
    first = {w[:6] for w in words(a)}
    second = {w[:6] for w in words(b)}
    if not first or not second:
        return 0.0
    return len(first & second) / len(first | second)


def similar(queryset, text, *, threshold, limit):
    """[(pk, similarity 0..1)] of the recommendations in `queryset` most like `text`, best first."""
    if is_postgres():
        rows = (
            queryset.annotate(similarity=TrigramSimilarity("text", text))
            .filter(similarity__gte=threshold)
            .order_by("-similarity", "pk")
            .values_list("pk", "similarity")[:limit]
        )
        return [(pk, float(value)) for pk, value in rows]
    scored = []
    for pk, other in queryset.values_list("pk", "text").iterator():
        value = jaccard(text, other)
        if value >= threshold:
            scored.append((pk, value))
    scored.sort(key=lambda pair: (-pair[1], pair[0]))
    return scored[:limit]
