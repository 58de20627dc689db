"""Backups: made, pruned, checked by restoring them, and restored for real.

Each backup is a directory of BACKUP_DIR named by its time (`socialwork-20261206T023000Z`):
`database.*.enc` and `media.tar.enc`, each encrypted (`crypto`), and `manifest.json`: when, the
application's version and migrations, every table's rows, each part's size and the SHA-256 of
its plaintext, sealed with a MAC under the backup key. It is written under a hidden name and
renamed when complete, so a backup cut off halfway is never taken for one.

Every run (`backup_create`, `restore_check_run`) is a `BackupRun` row and an audit row; a failure
is told to the system administrators (`backup_failed`). `/healthz/` shows the latest of each to the
operator (`selectors.backup_status`).
"""

import contextlib
import copy
import json
import logging
import os
import shutil
import tempfile
import time
import tomllib
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from socialwork.models import BackupRun, User
from socialwork.notifications import BACKUP_FAILED
from socialwork.roles import Role
from socialwork.services import audit_record, notification_send

from . import crypto, dumps
from .crypto import BackupError

logger = logging.getLogger(__name__)

PREFIX = "socialwork-"
MANIFEST = "manifest.json"
MEDIA_PART = "media.tar.enc"
SCRATCH_ALIAS = "restore_check"
# Rows read back from the scratch database per model with encrypted fields: the first and the last.
SAMPLE_ROWS = 10
# The fields read back whatever else is found: the clients' ID numbers, phones and addresses.
SAMPLE_FIELDS = {"casework.client": ("id_number", "phone", "address")}


def database_part() -> str:
    return "database.pgdump.enc" if dumps.is_postgresql() else "database.sqlite3.enc"


def app_version() -> str:
    try:
        with open(settings.BASE_DIR / "pyproject.toml", "rb") as pyproject:
            return tomllib.load(pyproject)["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return ""


def _canonical(manifest: dict) -> bytes:
    body = {key: value for key, value in manifest.items() if key != "mac"}
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _write_part(path: Path, *, key: bytes, suite, context: str, chunk_size: int, fill) -> tuple[dict, object]:
    """Write one encrypted part with `fill(writer)`; return its manifest entry and fill's result."""
    with open(path, "xb") as out:
        writer = crypto.EncryptingWriter(out, key=key, suite=suite, context=context, chunk_size=chunk_size)
        result = fill(writer)
        writer.close()
        out.flush()
        os.fsync(out.fileno())
    entry = {
        "file": path.name,
        "size": writer.size,
        "encrypted_size": writer.written,
        "sha256": writer.sha256.hexdigest(),
    }
    return entry, result


def backups_list(directory: Path | None = None) -> list[Path]:
    """The complete backups, oldest first (by name, which is the time)."""
    directory = Path(directory or settings.BACKUP_DIR)
    if not directory.is_dir():
        return []
    return sorted(
        p for p in directory.iterdir() if p.is_dir() and p.name.startswith(PREFIX) and (p / MANIFEST).exists()
    )


def _record(*, kind, started, name: str, ok: bool, reason: str = "", details=None) -> BackupRun:
    with transaction.atomic():
        run = BackupRun.objects.create(
            kind=kind, started_at=started, finished_at=timezone.now(), backup_name=name, ok=ok,
            reason=reason, details=details or {},
        )  # fmt: skip
        action = {
            (BackupRun.Kind.BACKUP, True): "backup.create",
            (BackupRun.Kind.BACKUP, False): "backup.failure",
            (BackupRun.Kind.RESTORE_CHECK, True): "backup.restore_check",
            (BackupRun.Kind.RESTORE_CHECK, False): "backup.restore_check_failure",
        }[(kind, ok)]
        audit_record(actor=None, action=action, target=run, summary=name)
        if not ok:
            backup_failure_notify(run=run)
    return run


def backup_failure_notify(*, run: BackupRun) -> None:
    """Tell every active system administrator that a backup or its restore check failed, and why."""
    title = (
        gettext_lazy("The backup failed")
        if run.kind == BackupRun.Kind.BACKUP
        else gettext_lazy("The latest backup did not restore")
    )
    body = _("%(backup)s: %(reason)s") % {"backup": run.backup_name or "-", "reason": run.reason}
    for user in User.objects.filter(is_active=True, groups__name=Role.SYSTEM_ADMIN.value).distinct():
        notification_send(
            user=user, kind=BACKUP_FAILED, key=f"backup_failed:{run.pk}:{user.pk}", title=title, body=body
        )


def backup_create(*, chunk_size: int = crypto.DEFAULT_CHUNK_SIZE) -> BackupRun:
    """Write a new backup of the database and MEDIA_ROOT, encrypted with the backup key. Never
    raises for a backup that could not be made: the run says why, and the system administrators
    are told."""
    started = timezone.now()
    name = PREFIX + started.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    directory = Path(settings.BACKUP_DIR)
    work = directory / f".{name}.partial"
    try:
        keys = crypto.backup_keys()
        suite = crypto.suite_named(settings.BACKUP_CIPHER)
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        while (directory / name).exists():
            name += "-1"
            work = directory / f".{name}.partial"
        work.mkdir(mode=0o700)
        backup_id = uuid.uuid4().hex
        postgresql = dumps.is_postgresql()
        if postgresql:
            fill = dumps.postgres_dump
        else:

            def fill(writer):
                return dumps.sqlite_dump(writer, workdir=work)

        database, (tables, migrations) = _write_part(
            work / database_part(), key=keys[0], suite=suite, context=f"{backup_id}/database",
            chunk_size=chunk_size, fill=fill,
        )  # fmt: skip
        media, files = _write_part(
            work / MEDIA_PART, key=keys[0], suite=suite, context=f"{backup_id}/media", chunk_size=chunk_size,
            fill=lambda writer: dumps.media_tar(writer, Path(settings.MEDIA_ROOT)),
        )  # fmt: skip
        media["files"] = files
        salt = os.urandom(16)
        manifest = {
            "format": 1,
            "name": name,
            "id": backup_id,
            "created_at": started.isoformat(),
            "finished_at": timezone.now().isoformat(),
            "engine": "postgresql" if postgresql else "sqlite",
            "app_version": app_version(),
            "migrations": migrations,
            "cipher": suite.name,
            "key_id": crypto.key_id(keys[0]).hex(),
            "salt": salt.hex(),
            "parts": {"database": database, "media": media},
            "tables": tables,
        }
        manifest["mac"] = crypto.manifest_mac(keys, _canonical(manifest), suite=suite, salt=salt)
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True))
        work.rename(directory / name)
    except Exception as error:  # any failure is the run's reason; nothing half-written stays
        logger.exception("Backup %s failed", name)
        shutil.rmtree(work, ignore_errors=True)
        reason = str(error) if isinstance(error, BackupError) else f"{type(error).__name__}: {error}"
        return _record(kind=BackupRun.Kind.BACKUP, started=started, name=name, ok=False, reason=reason)
    details = {
        "database_size": database["size"], "media_size": media["size"], "media_files": files,
        "tables": len(tables), "rows": sum(tables.values()),
    }  # fmt: skip
    return _record(kind=BackupRun.Kind.BACKUP, started=started, name=name, ok=True, details=details)


def backup_prune(*, now: datetime | None = None) -> list[str]:
    """Delete the backups beyond the newest BACKUP_RETENTION_COUNT that are also older than
    BACKUP_RETENTION_DAYS; never the newest backup whose restore check passed. Also removes
    what a backup cut off halfway left. Returns the names deleted."""
    now = now or timezone.now()
    directory = Path(settings.BACKUP_DIR)
    complete = backups_list(directory)
    last_good = (
        BackupRun.objects.filter(kind=BackupRun.Kind.RESTORE_CHECK, ok=True)
        .order_by("-finished_at")
        .values_list("backup_name", flat=True)
        .first()
    )
    keep = max(settings.BACKUP_RETENTION_COUNT, 1)
    cutoff = now - timedelta(days=settings.BACKUP_RETENTION_DAYS)
    deleted = []
    for path in complete[:-keep]:
        if path.name == last_good:
            continue
        if datetime.fromtimestamp(path.stat().st_mtime, tz=UTC) < cutoff and _created(path) < cutoff:
            shutil.rmtree(path)
            deleted.append(path.name)
    if directory.is_dir():
        for path in directory.glob(".*.partial"):
            if time.time() - path.stat().st_mtime > 24 * 3600:
                shutil.rmtree(path, ignore_errors=True)
    return deleted


def _created(path: Path) -> datetime:
    try:
        return datetime.fromisoformat(json.loads((path / MANIFEST).read_text())["created_at"])
    except (OSError, ValueError, KeyError):
        return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)


def manifest_read(path: Path, keys: list[bytes]) -> dict:
    """The backup's manifest, once its seal is checked with one of `keys`."""
    try:
        manifest = json.loads((path / MANIFEST).read_text())
        suite = crypto.suite_named(manifest["cipher"])
        salt = bytes.fromhex(manifest["salt"])
        mac = manifest["mac"]
    except (OSError, ValueError, KeyError, TypeError):
        raise BackupError(_("The backup's manifest is missing or unreadable.")) from None
    ours = {crypto.key_id(key).hex() for key in keys}
    if manifest.get("key_id") not in ours:
        raise BackupError(
            _("The backup was encrypted with another key (key %(found)s; this installation has %(ours)s).")
            % {"found": manifest.get("key_id"), "ours": ", ".join(sorted(ours))}
        )
    if not crypto.manifest_verify(keys, _canonical(manifest), mac, suite=suite, salt=salt):
        raise BackupError(
            _("The backup's manifest was changed after it was written (its seal does not match).")
        )
    return manifest


class _Sink:
    """Writes nowhere: decrypting only to check."""

    def write(self, data):
        return len(data)


def _decrypt_part(path: Path, manifest: dict, part: str, keys: list[bytes], out) -> None:
    entry = manifest["parts"][part]
    try:
        with open(path / entry["file"], "rb") as source:
            digest, size = crypto.decrypt_stream(source, out, keys=keys, context=f"{manifest['id']}/{part}")
    except FileNotFoundError:
        raise BackupError(_("The backup's %(part)s part is missing.") % {"part": part}) from None
    if digest != entry["sha256"] or size != entry["size"]:
        raise BackupError(
            _("The backup's %(part)s part does not match its manifest (SHA-256 or size differs).")
            % {"part": part}
        )


def _compare_counts(expected: dict, restored: dict) -> list[str]:
    differences = []
    for table in sorted(set(expected) | set(restored)):
        if expected.get(table) != restored.get(table):
            differences.append(
                _("%(table)s: %(expected)s rows in the backup, %(restored)s restored")
                % {"table": table, "expected": expected.get(table, "-"), "restored": restored.get(table, "-")}
            )
    return differences


def _sampled_models() -> dict:
    """The models with encrypted fields, and those fields: SAMPLE_FIELDS and any field whose class
    says it is encrypted (so the protected columns added later are read back too)."""
    found = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        fields = set(SAMPLE_FIELDS.get(label, ()))
        fields |= {f.name for f in model._meta.concrete_fields if "Encrypted" in type(f).__name__}
        if fields:
            found[model] = sorted(fields)
    return found


def _register_alias(config: dict) -> None:
    """A second database alias for the ORM, pointing at the restored copy. Made as a connection of
    its own rather than a setting, so it is never in settings.DATABASES (nothing else uses it)."""
    from django.db.utils import load_backend

    wrapper = load_backend(config["ENGINE"]).DatabaseWrapper(config, SCRATCH_ALIAS)
    connections[SCRATCH_ALIAS] = wrapper


def _unregister_alias() -> None:
    try:
        connections[SCRATCH_ALIAS].close()
    finally:
        with contextlib.suppress(AttributeError):
            delattr(connections._connections, SCRATCH_ALIAS)


def sample_compare(*, alias: str = SCRATCH_ALIAS, tables: set[str] | None = None) -> dict:
    """Read the encrypted fields of a sample of rows from the restored copy through the ORM (so the
    keys the fields use now apply), and check each decrypts (differs from what is stored) and
    equals the live row; a row changed or removed since the backup is passed over."""
    compared, problems = 0, []
    for model, fields in _sampled_models().items():
        if tables is not None and model._meta.db_table not in tables:
            continue  # a model newer than the backup
        manager = model._base_manager
        ordered = manager.using(alias).order_by("pk").values_list("pk", flat=True)
        pks = set(ordered[:SAMPLE_ROWS]) | set(
            manager.using(alias).order_by("-pk").values_list("pk", flat=True)[:SAMPLE_ROWS]
        )
        if not pks:
            continue
        stamp = ["updated_at"] if any(f.name == "updated_at" for f in model._meta.concrete_fields) else []
        try:
            restored = {
                row["pk"]: row
                for row in manager.using(alias).filter(pk__in=pks).values("pk", *fields, *stamp)
            }
        except Exception as error:  # a value that does not decrypt raises with the keys of today
            problems.extend(_unreadable(manager.using(alias), model, pks, fields, error))
            continue
        live = {
            row["pk"]: row
            for row in manager.using("default").filter(pk__in=pks).values("pk", *fields, *stamp)
        }
        columns = [model._meta.get_field(name).column for name in fields]
        stored = _stored_values(alias, model, pks, columns)
        for pk, row in restored.items():
            for name, column in zip(fields, columns, strict=True):
                value = row[name]
                if value not in (None, "") and str(value) == str(stored.get(pk, {}).get(column)):
                    problems.append(
                        _("%(model)s #%(pk)s: %(field)s does not decrypt")
                        % {"model": model._meta.label, "pk": pk, "field": name}
                    )
            current = live.get(pk)
            if current is None or (stamp and current["updated_at"] != row["updated_at"]):
                continue
            compared += 1
            for name in fields:
                if current[name] != row[name]:
                    problems.append(
                        _("%(model)s #%(pk)s: %(field)s differs from the live record")
                        % {"model": model._meta.label, "pk": pk, "field": name}
                    )
    return {"compared": compared, "problems": problems}


def _unreadable(rows, model, pks, fields, error) -> list[str]:
    """Which record and field of the sample do not decrypt (never the value), read one by one once
    the sample as a whole could not be; the error itself when none alone fails."""
    found = []
    for pk in sorted(pks):
        for name in fields:
            try:
                rows.filter(pk=pk).values_list(name, flat=True).first()
            except Exception:  # noqa: BLE001 (each failure is named, none stops the check)
                found.append(
                    _("%(model)s #%(pk)s: %(field)s does not decrypt")
                    % {"model": model._meta.label, "pk": pk, "field": name}
                )
    return found or [
        _("%(model)s cannot be read back: %(error)s") % {"model": model._meta.label, "error": error}
    ]


def _stored_values(alias: str, model, pks, columns) -> dict:
    connection = connections[alias]
    quote = connection.ops.quote_name
    placeholders = ", ".join(["%s"] * len(pks))
    sql = (
        f"SELECT {quote(model._meta.pk.column)}, {', '.join(quote(c) for c in columns)} "
        f"FROM {quote(model._meta.db_table)} WHERE {quote(model._meta.pk.column)} IN ({placeholders})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, list(pks))
        return {row[0]: dict(zip(columns, row[1:], strict=True)) for row in cursor.fetchall()}


def restore_check_run(*, backup: str | None = None) -> BackupRun:
    """Restore the latest backup (or `backup`) into a scratch database, compare every table's rows
    with the manifest and a sample of decrypted fields with the live records, then drop the
    scratch database. The run records ok or the reason it failed; a failure is told to the
    system administrators."""
    started = timezone.now()
    name = backup or ""
    try:
        keys = crypto.backup_keys()
        complete = backups_list()
        if backup:
            path = Path(settings.BACKUP_DIR) / backup
            if path not in complete:
                raise BackupError(_("There is no complete backup named %(name)s.") % {"name": backup})
        elif complete:
            path = complete[-1]
        else:
            raise BackupError(_("There is no backup to check in the backup directory."))
        name = path.name
        details = _restore_and_compare(path, keys)
    except Exception as error:
        logger.exception("Restore check of %s failed", name)
        reason = str(error) if isinstance(error, BackupError) else f"{type(error).__name__}: {error}"
        return _record(kind=BackupRun.Kind.RESTORE_CHECK, started=started, name=name, ok=False, reason=reason)
    return _record(kind=BackupRun.Kind.RESTORE_CHECK, started=started, name=name, ok=True, details=details)


def _restore_and_compare(path: Path, keys: list[bytes]) -> dict:
    manifest = manifest_read(path, keys)
    postgresql = manifest["engine"] == "postgresql"
    if postgresql != dumps.is_postgresql():
        raise BackupError(
            _("The backup is of another database engine (%(engine)s).") % {"engine": manifest["engine"]}
        )
    with tempfile.TemporaryDirectory(dir=settings.BACKUP_DIR, prefix=".restore-check-") as scratch_dir:
        database_file = Path(scratch_dir) / "database"
        with open(database_file, "wb") as out:
            _decrypt_part(path, manifest, "database", keys, out)
        _decrypt_part(path, manifest, "media", keys, _Sink())
        alias_config = copy.deepcopy(connections["default"].settings_dict)
        if postgresql:
            config = dumps.backup_database_config()
            scratch = dumps.scratch_name(config)
            dumps.postgres_create(config, scratch, replace=True)
            try:
                dumps.postgres_restore(database_file, config, scratch)
                restored = dumps.postgres_counts(config, scratch)
                alias_config.update(
                    NAME=scratch, USER=config.get("USER"), PASSWORD=config.get("PASSWORD"),
                    HOST=config.get("HOST"), PORT=config.get("PORT"), CONN_MAX_AGE=0,
                )  # fmt: skip
                sample = _compare_in_alias(manifest, restored, alias_config)
            finally:
                dumps.postgres_drop(config, scratch)
        else:
            restored = dumps.sqlite_counts(database_file)
            alias_config.update(NAME=str(database_file), CONN_MAX_AGE=0)
            sample = _compare_in_alias(manifest, restored, alias_config)
    return {
        "tables": len(restored), "rows": sum(restored.values()), "sampled_rows": sample["compared"],
        "app_version": manifest.get("app_version", ""),
    }  # fmt: skip


def _compare_in_alias(manifest: dict, restored: dict, alias_config: dict) -> dict:
    differences = _compare_counts(manifest["tables"], restored)
    if differences:
        raise BackupError(_("Row counts differ: %(tables)s") % {"tables": "; ".join(differences[:10])})
    _register_alias(alias_config)
    try:
        sample = sample_compare(tables=set(restored))
    finally:
        _unregister_alias()
    if sample["problems"]:
        raise BackupError(
            _("Sampled fields fail: %(problems)s") % {"problems": "; ".join(sample["problems"][:10])}
        )
    return sample


def backup_restore(*, backup: str, into: str, media_into: Path | None = None, force: bool = False) -> dict:
    """Recovery: restore the backup `backup` (a name in BACKUP_DIR, or a directory) into the empty
    database at the URL `into` (PostgreSQL: it must exist, made by the owner role; SQLite: a file
    that does not exist yet), and its files into `media_into` (empty unless `force`). The row
    counts restored are compared with the manifest. Returns what was restored."""
    import environ

    keys = crypto.backup_keys()
    path = Path(backup)
    if not path.is_dir():
        path = Path(settings.BACKUP_DIR) / backup
    if not (path / MANIFEST).exists():
        raise BackupError(_("There is no complete backup at %(path)s.") % {"path": path})
    Path(settings.BACKUP_DIR).mkdir(parents=True, exist_ok=True, mode=0o700)
    manifest = manifest_read(path, keys)
    target = environ.Env.db_url_config(into)
    postgresql = target["ENGINE"].endswith("postgresql")
    if postgresql != (manifest["engine"] == "postgresql"):
        raise BackupError(
            _("The backup is of another database engine (%(engine)s).") % {"engine": manifest["engine"]}
        )
    if media_into is not None and media_into.exists() and any(media_into.iterdir()) and not force:
        raise BackupError(
            _("%(path)s is not empty: give an empty directory, or --force.") % {"path": media_into}
        )
    if not postgresql and Path(target["NAME"]).exists():
        raise BackupError(_("%(path)s exists already: restore into a new file.") % {"path": target["NAME"]})
    with tempfile.TemporaryDirectory(dir=settings.BACKUP_DIR, prefix=".restore-") as scratch_dir:
        database_file = Path(scratch_dir) / "database"
        with open(database_file, "wb") as out:
            _decrypt_part(path, manifest, "database", keys, out)
        if postgresql:
            dumps.postgres_restore(database_file, target, target["NAME"])
            restored = dumps.postgres_counts(target, target["NAME"])
        else:
            shutil.copyfile(database_file, target["NAME"])
            restored = dumps.sqlite_counts(Path(target["NAME"]))
        files = 0
        if media_into is not None:
            media_file = Path(scratch_dir) / "media.tar"
            with open(media_file, "wb") as out:
                _decrypt_part(path, manifest, "media", keys, out)
            files = dumps.media_extract(media_file, media_into)
    differences = _compare_counts(manifest["tables"], restored)
    if differences:
        raise BackupError(_("Row counts differ: %(tables)s") % {"tables": "; ".join(differences[:10])})
    return {"backup": path.name, "tables": len(restored), "rows": sum(restored.values()), "files": files,
            "migrations": manifest.get("migrations", {}), "app_version": manifest.get("app_version", "")}  # fmt: skip


def backup_nightly() -> BackupRun:
    """Beat's nightly run: a new backup and the old ones pruned; the new one is then checked by
    restoring it, in a task of its own (each has its own time limit)."""
    from .tasks import restore_check

    run = backup_create()
    if run.ok:
        backup_prune()
        transaction.on_commit(lambda: restore_check.delay(run.backup_name))
    return run
