"""What a backup's parts are made of, and how they are made back into a database and files.

PostgreSQL: `pg_dump --format=custom` reads the database in the snapshot of a transaction that
first counts every table's rows, so the counts in the manifest are exactly what the dump holds.
It runs where the backups run (docker-compose.yml's `backup` service; the image has
postgresql-client), as the backup role, and streams into the encryption: the dump is never on
disk unencrypted. A restore writes the decrypted dump to a private temporary file for
`pg_restore`, which needs to seek. SQLite (the quick start): SQLite's backup API copies the file
consistently while the site runs. The uploaded files: a tar of MEDIA_ROOT, streamed.
"""

import os
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils.translation import gettext as _

from .crypto import BackupError

PIPE_CHUNK = 1024 * 1024


def is_postgresql() -> bool:
    return connections["default"].vendor == "postgresql"


def backup_database_config() -> dict:
    """Where pg_dump reads from and scratch databases are made: BACKUP_DATABASE_URL's role (the
    backup role) on the application's database, or the application's own connection."""
    import environ

    config = dict(connections["default"].settings_dict)
    if settings.BACKUP_DATABASE_URL:
        url = environ.Env.db_url_config(settings.BACKUP_DATABASE_URL)
        for key in ("USER", "PASSWORD", "HOST", "PORT"):
            config[key] = url.get(key, "")
    return config


def pg_environment(config: dict, database: str | None = None) -> dict:
    """The environment pg_dump and pg_restore connect with: the password never on a command line."""
    environment = {**os.environ, "PGDATABASE": database or config["NAME"], "PGCONNECT_TIMEOUT": "10"}
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
    ):
        if config.get(key):
            environment[variable] = str(config[key])
    return environment


def _pg_connect(config: dict, database: str | None = None):
    import psycopg2

    return psycopg2.connect(
        dbname=database or config["NAME"], user=config.get("USER") or None,
        password=config.get("PASSWORD") or None, host=config.get("HOST") or None,
        port=config.get("PORT") or None, connect_timeout=10,
    )  # fmt: skip


PG_TABLES = """
    SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY c.relname
"""
SQLITE_TABLES = (
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
)


def table_counts(cursor, *, postgresql: bool) -> dict[str, int]:
    """Every table's rows, by name (DB-API cursor)."""
    cursor.execute(PG_TABLES if postgresql else SQLITE_TABLES)
    names = [row[0] for row in cursor.fetchall()]
    counts = {}
    for name in names:
        quoted = '"' + name.replace('"', '""') + '"'
        cursor.execute(f"SELECT count(*) FROM {quoted}")
        counts[name] = cursor.fetchone()[0]
    return counts


def migrations_applied(cursor) -> dict[str, str]:
    """The last migration applied of each app, as the copy holds it."""
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    last = {}
    for app, name in cursor.fetchall():
        last[app] = name
    return last


def _stream(process: subprocess.Popen, writer) -> None:
    while chunk := process.stdout.read(PIPE_CHUNK):
        writer.write(chunk)


def postgres_dump(writer) -> tuple[dict, dict]:
    """Dump the database into `writer`; return (rows per table, migrations) of the same snapshot."""
    config = backup_database_config()
    connection = _pg_connect(config)
    try:
        connection.set_session(isolation_level="REPEATABLE READ", readonly=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = table_counts(cursor, postgresql=True)
            migrations = migrations_applied(cursor)
        with tempfile.TemporaryFile() as errors:
            command = ["pg_dump", "--format=custom", "--no-password", f"--snapshot={snapshot}"]
            try:
                process = subprocess.Popen(
                    command, stdout=subprocess.PIPE, stderr=errors, env=pg_environment(config)
                )
            except FileNotFoundError:
                raise BackupError(
                    _("pg_dump is not installed where the backup runs (postgresql-client).")
                ) from None
            with process:
                _stream(process, writer)
            if process.wait() != 0:
                errors.seek(0)
                raise BackupError(
                    _("pg_dump failed: %(error)s")
                    % {"error": errors.read().decode(errors="replace").strip()[-500:]}
                )
    finally:
        connection.close()
    return counts, migrations


def sqlite_dump(writer, *, workdir: Path) -> tuple[dict, dict]:
    """Copy the database with SQLite's backup API (consistent while others write), then stream the
    copy into `writer`; return (rows per table, migrations) of the copy."""
    copy_path = workdir / "database.sqlite3"
    connection = connections["default"]
    connection.ensure_connection()
    target = sqlite3.connect(copy_path)
    try:
        connection.connection.backup(target)
        cursor = target.cursor()
        counts = table_counts(cursor, postgresql=False)
        migrations = migrations_applied(cursor)
    finally:
        target.close()
    try:
        with open(copy_path, "rb") as copy:
            while chunk := copy.read(PIPE_CHUNK):
                writer.write(chunk)
    finally:
        copy_path.unlink()
    return counts, migrations


def media_tar(writer, media_root: Path) -> int:
    """A tar of every file under MEDIA_ROOT, streamed into `writer`; returns how many files."""
    files = 0
    with tarfile.open(fileobj=writer, mode="w|") as archive:
        if media_root.is_dir():
            for path in sorted(media_root.rglob("*")):
                if path.is_file() and not path.is_symlink():
                    archive.add(path, arcname=path.relative_to(media_root).as_posix(), recursive=False)
                    files += 1
    return files


def media_extract(tar_path: Path, target: Path) -> int:
    """Unpack a media tar into `target` (the data filter: no absolute paths, links or devices)."""
    target.mkdir(parents=True, exist_ok=True)
    with tarfile.open(tar_path, mode="r:") as archive:
        members = archive.getmembers()
        archive.extractall(target, members=members, filter="data")
    return sum(1 for member in members if member.isfile())


def scratch_name(config: dict) -> str:
    return f"{config['NAME']}_restore_check"[:63]


def postgres_create(config: dict, name: str, *, replace: bool) -> None:
    """Create the empty database `name` (dropping a leftover first when `replace`)."""
    connection = _pg_connect(config)
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            quoted = '"' + name.replace('"', '""') + '"'
            if replace:
                cursor.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")
            cursor.execute(f"CREATE DATABASE {quoted} TEMPLATE template0 ENCODING 'UTF8'")
    finally:
        connection.close()


def postgres_drop(config: dict, name: str) -> None:
    connection = _pg_connect(config)
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute('DROP DATABASE IF EXISTS "' + name.replace('"', '""') + '" WITH (FORCE)')
    finally:
        connection.close()


def postgres_restore(dump_path: Path, config: dict, database: str) -> None:
    """pg_restore the dump into `database`, owned by the connecting role (no owners, no grants:
    `migrate` grants the runtime role its rows afterwards)."""
    command = [
        "pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--no-password",
        f"--dbname={database}", str(dump_path),
    ]  # fmt: skip
    try:
        done = subprocess.run(command, capture_output=True, env=pg_environment(config, database))
    except FileNotFoundError:
        raise BackupError(
            _("pg_restore is not installed where the restore runs (postgresql-client).")
        ) from None
    if done.returncode != 0:
        raise BackupError(
            _("pg_restore failed: %(error)s") % {"error": done.stderr.decode(errors="replace").strip()[-500:]}
        )


def postgres_counts(config: dict, database: str) -> dict[str, int]:
    connection = _pg_connect(config, database)
    try:
        with connection.cursor() as cursor:
            return table_counts(cursor, postgresql=True)
    finally:
        connection.close()


def sqlite_counts(path: Path) -> dict[str, int]:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return table_counts(connection.cursor(), postgresql=False)
    except sqlite3.DatabaseError as error:
        raise BackupError(_("The restored database cannot be read: %(error)s") % {"error": error}) from None
    finally:
        connection.close()
