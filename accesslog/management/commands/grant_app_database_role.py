import re

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from accesslog.models import AccessLogEntry


class Command(BaseCommand):
    help = (
        "Give the application's database role what it needs and nothing more: read and write rows in "
        "every table, never change the access log. Run by the owner role after each `migrate` "
        "(docker-compose's migrate service does). PostgreSQL only."
    )

    def add_arguments(self, parser):
        parser.add_argument("role", help="The role web, worker and beat connect as, e.g. pscb_app.")

    @transaction.atomic
    def handle(self, *args, role, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Database roles exist only on PostgreSQL.")
        if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", role):
            raise CommandError("A role name is lower-case letters, digits and underscores.")
        quote = connection.ops.quote_name
        app, log = quote(role), quote(AccessLogEntry._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
            row = cursor.fetchone()
            if row is None:
                raise CommandError(f"No database role {role}: create it first (deploy/postgres-init).")
            if row[0]:
                raise CommandError(f"{role} is a superuser: the application must not connect as one.")
            for statement in (
                f"GRANT USAGE ON SCHEMA public TO {app}",
                f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {app}",
                f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {app}",
                # Owner-only or never needed: emptying, triggers, references.
                f"REVOKE TRUNCATE, TRIGGER, REFERENCES ON ALL TABLES IN SCHEMA public FROM {app}",
                # The access log is append-only for the application, whatever its trigger says.
                f"REVOKE UPDATE, DELETE ON {log} FROM {app}",
            ):
                cursor.execute(statement)
        self.stdout.write(
            self.style.SUCCESS(f"Privileges of {role} set; the access log is append-only for it.")
        )
