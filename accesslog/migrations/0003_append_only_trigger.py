"""PostgreSQL refuses any UPDATE or DELETE of an access-log row, whatever the code path (ORM
.update(), raw SQL, a shell). TRUNCATE is left to the database owner (test databases use it)."""

from django.db import migrations

INSTALL = """
CREATE OR REPLACE FUNCTION accesslog_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'The access log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS accesslog_append_only ON accesslog_accesslogentry;
CREATE TRIGGER accesslog_append_only
    BEFORE UPDATE OR DELETE ON accesslog_accesslogentry
    FOR EACH ROW EXECUTE FUNCTION accesslog_refuse_change();
"""

UNINSTALL = """
DROP TRIGGER IF EXISTS accesslog_append_only ON accesslog_accesslogentry;
DROP FUNCTION IF EXISTS accesslog_refuse_change();
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INSTALL, params=None)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNINSTALL, params=None)


class Migration(migrations.Migration):
    dependencies = [("accesslog", "0002_initial")]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
