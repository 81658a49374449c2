"""PostgreSQL only (a no-op on SQLite): the pg_trgm extension and the indexes the library search and
"have we been here before?" use.

Each full-text index is on the same expression the search writes (learning.search.VECTORS, as Django's
SearchVector renders it), so the planner can use it; a test reads the plan back."""

from django.db import migrations

CONFIG = "'english'::regconfig"

FTS_INDEXES = [
    ("learning_fts_learningpoint", "reviews_learningpoint", "COALESCE(text, '')"),
    ("learning_fts_recommendation", "recommendations_recommendation", "COALESCE(text, '')"),
    ("learning_fts_response", "recommendations_recommendationresponse", "COALESCE(text, '')"),
    (
        "learning_fts_agencyaction",
        "reviews_agencyaction",
        "COALESCE(description, '') || ' ' || COALESCE(agency_response, '')",
    ),
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, document in FTS_INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (to_tsvector({CONFIG}, {document}))"
        )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS learning_trgm_recommendation ON recommendations_recommendation "
        "USING gin (text gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _document in FTS_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    schema_editor.execute("DROP INDEX IF EXISTS learning_trgm_recommendation")
    # The extension stays: other objects may use it by now.


class Migration(migrations.Migration):
    dependencies = [
        ("learning", "0001_themes"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
