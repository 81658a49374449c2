"""PostgreSQL only (a no-op on SQLite): the library's GIN indexes (full text and trigram) are written
straight into the index (fastupdate off), and what their pending lists hold now is merged in.

With fastupdate on (PostgreSQL's default), new entries wait in a pending list that every search reads
in full, row by row, until a VACUUM merges it; the planner prices that in and falls back to reading
the whole table. These tables are written a row at a time by people (a panel writing its findings)
and may not reach autovacuum's thresholds for weeks, while they are searched on every library page
and every recommendation draft. Writing each row into the index directly costs a save a fraction of
a millisecond more and keeps every search on the index (docs/benchmark.md: the generated data had
all 4,000 learning points in the pending list, and every search read the tables sequentially)."""

from django.db import migrations

INDEXES = [
    "learning_fts_learningpoint",
    "learning_fts_recommendation",
    "learning_fts_response",
    "learning_fts_agencyaction",
    "learning_trgm_recommendation",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for index in INDEXES:
        schema_editor.execute(f"ALTER INDEX IF EXISTS {index} SET (fastupdate = off)")
        schema_editor.execute(
            f"SELECT gin_clean_pending_list(to_regclass('{index}')) WHERE to_regclass('{index}') IS NOT NULL"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for index in INDEXES:
        schema_editor.execute(f"ALTER INDEX IF EXISTS {index} RESET (fastupdate)")


class Migration(migrations.Migration):
    dependencies = [("learning", "0006_stored_search_vectors")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
