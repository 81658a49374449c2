#!/bin/sh
# Run once by the postgres image on an empty data volume. Two roles, neither a superuser:
#   pscb_owner  owns the database and its tables; only the one-shot `migrate` service uses it;
#   pscb_app    what web, worker and beat use: read and write rows, nothing more. It cannot alter or
#               truncate tables, disable the access log's trigger or set session_replication_role.
# Table privileges for pscb_app are granted by `manage.py grant_app_database_role` after each migrate.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v owner_password="$DB_OWNER_PASSWORD" -v app_password="$DB_APP_PASSWORD" <<'SQL'
CREATE ROLE pscb_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'owner_password';
CREATE ROLE pscb_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'app_password';
CREATE DATABASE pscb_audit OWNER pscb_owner;
REVOKE ALL ON DATABASE pscb_audit FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE pscb_audit TO pscb_app;
SQL
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname pscb_audit <<'SQL'
ALTER SCHEMA public OWNER TO pscb_owner;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO pscb_app;
SQL
