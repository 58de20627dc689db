#!/bin/sh
# The role streaming replicas connect as (docker-compose.yml's `postgres-replica`, profile
# `replica`), made once when the database volume is first initialised. It may replicate and do
# nothing else: no table of the application is granted to it. The line added to pg_hba.conf lets
# it in for replication only, with its password.
set -eu
if [ -z "${DATABASE_REPLICATION_PASSWORD:-}" ]; then
  exit 0  # no replica planned: no replication role
fi
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v role="$DATABASE_REPLICATION_ROLE" -v password="$DATABASE_REPLICATION_PASSWORD" <<'SQL'
CREATE ROLE :"role" LOGIN REPLICATION NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'password';
SQL
echo "host replication ${DATABASE_REPLICATION_ROLE} all scram-sha-256" >> "$PGDATA/pg_hba.conf"
