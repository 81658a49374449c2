"""The database role the application connects as cannot undo the access log's protection: it cannot
disable the trigger, alter or truncate the table, or switch triggers off with session_replication_role.
Migrations run as the owner; the roles are made here, as deploy/postgres-init makes them in compose."""

import secrets

import psycopg2
import pytest
from django.core.management import call_command
from django.db import connection

from accesslog.models import AccessLogEntry

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def app_role():
    """A fresh login role, no superuser, given the application's privileges by the real command."""
    name = f"pscb_app_test_{secrets.token_hex(4)}"
    password = secrets.token_urlsafe(16)
    database = connection.settings_dict["NAME"]
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE ROLE {name} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD %s", [password]
        )
        cursor.execute(f'GRANT CONNECT ON DATABASE "{database}" TO {name}')
    call_command("grant_app_database_role", name)
    params = {
        "dbname": database,
        "user": name,
        "password": password,
        "host": connection.settings_dict.get("HOST") or "127.0.0.1",
        "port": connection.settings_dict.get("PORT") or 5432,
    }
    conn = psycopg2.connect(**params)
    conn.autocommit = True
    yield conn
    conn.close()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP OWNED BY {name}")
        cursor.execute(f"DROP ROLE {name}")


def refused(conn, sql):
    with conn.cursor() as cursor:
        try:
            cursor.execute(sql)
        except psycopg2.Error as exc:
            return exc.pgcode in ("42501",)  # insufficient_privilege
    return False


TABLE = AccessLogEntry._meta.db_table


def test_the_app_role_reads_and_appends_to_the_access_log(app_role):
    with app_role.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (at, action, what, path, user_agent) VALUES (now(), 'view', 'case', '/x/', '') "
            "RETURNING id"
        )
        assert cursor.fetchone()[0] > 0
        cursor.execute(f"SELECT count(*) FROM {TABLE}")
        assert cursor.fetchone()[0] == 1


def test_the_app_role_cannot_disable_the_access_log_trigger(app_role):
    assert refused(app_role, f"ALTER TABLE {TABLE} DISABLE TRIGGER ALL")
    assert refused(app_role, f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")


def test_the_app_role_cannot_truncate_or_alter_the_access_log(app_role):
    assert refused(app_role, f"TRUNCATE {TABLE}")
    assert refused(app_role, f"ALTER TABLE {TABLE} ADD COLUMN note text")
    assert refused(app_role, f"DROP TABLE {TABLE}")


def test_the_app_role_cannot_switch_triggers_off_for_its_session(app_role):
    assert refused(app_role, "SET session_replication_role = replica")


def test_the_app_role_cannot_update_or_delete_log_rows(app_role):
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (at, action, what, path, user_agent) VALUES (now(), 'view', 'case', '/x/', '')"
        )
    assert refused(app_role, f"UPDATE {TABLE} SET path = '/y/'")
    assert refused(app_role, f"DELETE FROM {TABLE}")


def test_the_command_refuses_a_superuser_role(db):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="superuser"):
        call_command("grant_app_database_role", connection.settings_dict["USER"] or "postgres")
