"""PostgreSQL only (a no-op on SQLite): each searched table gets a stored, generated `learning_search`
tsvector column (the same English vector as before), and the GIN index moves from the expression to
the column. Ranking then reads the stored vector instead of parsing every matching text again, which
the benchmark showed was most of a search's time. The tables' own apps never read the column; the
database keeps it up to date on every insert and update."""

from django.db import migrations

CONFIG = "'english'::regconfig"

TABLES = [
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
    for index, table, document in TABLES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {index}")
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS learning_search tsvector "
            f"GENERATED ALWAYS AS (to_tsvector({CONFIG}, {document})) STORED"
        )
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {index} ON {table} USING gin (learning_search)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for index, table, document in TABLES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {index}")
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS learning_search")
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {index} ON {table} USING gin (to_tsvector({CONFIG}, {document}))"
        )


class Migration(migrations.Migration):
    dependencies = [("learning", "0005_briefings_and_publications")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
