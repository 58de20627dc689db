"""The two database roles of production (PostgreSQL only).

The owner role runs `migrate` and owns every table; the application (web, worker, beat) connects
as a runtime role that owns nothing. An owner's privileges cannot be withheld from it: it could
TRUNCATE the audit log, disable or drop its triggers. The runtime role can only read and write
rows, and on the audit log only read and add them.

After every migrate run by the owner with `DATABASE_RUNTIME_ROLE` set, `grant_runtime_privileges`
gives the runtime role what it needs on every table there is, and default privileges give it the
same on tables later migrations create. On SQLite there are no roles and nothing is done.
"""

from django.conf import settings
from django.db import connections

AUDIT_TABLE = "socialwork_auditentry"
# The runtime role reads which migrations ran (runserver's check) but never records one.
READ_ONLY_TABLES = ("django_migrations",)


def grant_runtime_privileges(connection, role: str) -> None:
    """Grant `role` row access on every table of the current schema, as the connection's role
    (the owner), and the same by default on tables this owner creates from now on. The audit log
    gets SELECT and INSERT only."""
    role = connection.ops.quote_name(role)
    with connection.cursor() as cursor:
        for statement in (
            f"GRANT USAGE ON SCHEMA public TO {role}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
            "ALTER DEFAULT PRIVILEGES IN SCHEMA public "
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {role}",
            f"REVOKE ALL ON {AUDIT_TABLE} FROM {role}",
            f"GRANT SELECT, INSERT ON {AUDIT_TABLE} TO {role}",
            *(f"REVOKE INSERT, UPDATE, DELETE ON {table} FROM {role}" for table in READ_ONLY_TABLES),
        ):
            cursor.execute(statement)


def grant_backup_privileges(connection, role: str) -> None:
    """Grant `role` what pg_dump needs and nothing more: SELECT on every table and sequence of the
    current schema, now and on those this owner creates later (the nightly backup reads as it)."""
    role = connection.ops.quote_name(role)
    with connection.cursor() as cursor:
        for statement in (
            f"GRANT USAGE ON SCHEMA public TO {role}",
            f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}",
            f"GRANT SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO {role}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON SEQUENCES TO {role}",
        ):
            cursor.execute(statement)


def grant_after_migrate(sender=None, using="default", **kwargs) -> None:
    """post_migrate: grant the runtime role, and the backup role, their privileges, when they are
    named (PostgreSQL)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    if role := settings.DATABASE_RUNTIME_ROLE:
        grant_runtime_privileges(connection, role)
    if role := settings.DATABASE_BACKUP_ROLE:
        grant_backup_privileges(connection, role)
