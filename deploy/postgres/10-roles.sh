#!/bin/sh
# The two roles of the application, made once when the database volume is first initialised
# (postgres image: /docker-entrypoint-initdb.d). The owner owns the schema and every table and is
# used only by `migrate`; the application connects as the runtime role, which owns nothing and gets
# row access from the owner after each migrate (socialwork/dbroles.py): it can never truncate the
# audit log, drop or disable its triggers, nor change or delete its rows.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v owner="$DATABASE_OWNER_ROLE" -v owner_password="$DATABASE_OWNER_PASSWORD" \
  -v runtime="$DATABASE_RUNTIME_ROLE" -v runtime_password="$DATABASE_RUNTIME_PASSWORD" \
  -v db="$POSTGRES_DB" <<'SQL'
CREATE ROLE :"owner" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'owner_password';
CREATE ROLE :"runtime" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT PASSWORD :'runtime_password';
ALTER DATABASE :"db" OWNER TO :"owner";
ALTER SCHEMA public OWNER TO :"owner";
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"db" TO :"runtime";
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO :"runtime";
SQL
