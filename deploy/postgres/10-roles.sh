#!/bin/sh
# The two roles of the application, made once when the database volume is first initialised
# (postgres image: /docker-entrypoint-initdb.d). The owner owns the schema and every table and is
# used only by `migrate`; the application connects as the runtime role, which owns nothing and gets
# row access from the owner after each migrate (socialwork/dbroles.py): it can never truncate the
# audit log, drop or disable its triggers, nor change or delete its rows. The backup role reads
# (SELECT on every table, granted after each migrate) for pg_dump, and may create databases only
# for the restore check's scratch copy, which it owns and drops.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v owner="$DATABASE_OWNER_ROLE" -v owner_password="$DATABASE_OWNER_PASSWORD" \
  -v runtime="$DATABASE_RUNTIME_ROLE" -v runtime_password="$DATABASE_RUNTIME_PASSWORD" \
  -v backup="$DATABASE_BACKUP_ROLE" -v backup_password="$DATABASE_BACKUP_PASSWORD" \
  -v db="$POSTGRES_DB" <<'SQL'
CREATE ROLE :"owner" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'owner_password';
CREATE ROLE :"runtime" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT PASSWORD :'runtime_password';
-- INHERIT: it is a member of no role but pg_database_owner in the scratch database it makes, whose
-- public schema it must create in (pg_restore). It is granted no role.
CREATE ROLE :"backup" LOGIN NOSUPERUSER CREATEDB NOCREATEROLE INHERIT PASSWORD :'backup_password';
ALTER DATABASE :"db" OWNER TO :"owner";
ALTER SCHEMA public OWNER TO :"owner";
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"db" TO :"runtime";
GRANT CONNECT ON DATABASE :"db" TO :"backup";
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO :"runtime";
GRANT USAGE ON SCHEMA public TO :"backup";
SQL
