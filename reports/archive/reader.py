"""Loading a district's archive into an empty installation (`manage.py import_archive`).

Everything loads in one transaction, or nothing does. The registers must be empty; the reference
lists that every installation is born with (host institutions, categories) are matched by their
id and brought up to the archive's values. Every row keeps its id, so that references hold, and
the sequences are moved past the highest id afterwards. Accounts are matched by username: one
the installation already has (its own administrator) is kept as it is and the records point at
it; the others are made without a usable password (a system administrator sets one, and each
person sets up their second factor again). Encrypted columns are encrypted under this
installation's keys as they are saved, and the digests computed with its own digest key.
"""

import csv
import io
import json
from contextlib import contextmanager

import pyzipper
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils.translation import gettext as _

from casework.services.tallies import tallies_rebuild
from socialwork.services import audit_record

from .columns import ROLES, archived_fields, parse
from .tables import EXPORTED, USERS, merged
from .writer import DESCRIPTOR, FORMAT_VERSION, USER_MODEL, model_of, resource_path

BATCH = 1000


class ArchiveError(Exception):
    """The archive cannot be loaded; the message says why, for the person at the command line."""


def _open(path, passphrase: str) -> tuple[pyzipper.AESZipFile, dict]:
    try:
        archive = pyzipper.AESZipFile(path)
    except (pyzipper.BadZipFile, OSError) as error:
        raise ArchiveError(_("This is not a district archive (not a zip file).")) from error
    archive.setpassword(passphrase.encode())
    try:
        package = json.loads(archive.read(DESCRIPTOR))
    except KeyError as error:
        archive.close()
        raise ArchiveError(
            _("This zip file has no datapackage.json: it is not a district archive.")
        ) from error
    except RuntimeError as error:  # pyzipper: "Bad password for file ..."
        archive.close()
        raise ArchiveError(_("The passphrase does not open this archive. Check it and try again.")) from error
    meta = package.get("socialwork_archive") or {}
    if meta.get("format_version") != FORMAT_VERSION:
        archive.close()
        raise ArchiveError(_("This archive was written in a format this version cannot read."))
    return archive, package


@contextmanager
def _stamps_as_archived(labels):
    """created_at and updated_at as the archive has them, not the time of the import."""
    changed = []
    for label in labels:
        for field in model_of(label)._meta.concrete_fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                changed.append((field, field.auto_now, field.auto_now_add))
                field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in changed:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def _not_empty(labels) -> list[str]:
    return [
        str(model_of(label)._meta.verbose_name_plural)
        for label in labels
        if EXPORTED[label] != USERS and not merged(EXPORTED[label]) and model_of(label)._base_manager.exists()
    ]


def _rows(archive, label: str):
    with archive.open(resource_path(label)) as raw:
        yield from csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8-sig", newline=""))


def archive_import(*, path, passphrase: str) -> dict[str, int]:
    """Load the archive at `path` (a path or an open binary file); the rows loaded per register.
    Refused (ArchiveError) with a wrong passphrase, an archive of another format, or registers
    that already hold rows."""
    archive, package = _open(path, passphrase)
    with archive:
        labels = [resource["model"] for resource in package["resources"]]
        unknown = [label for label in labels if label not in EXPORTED]
        if unknown:
            raise ArchiveError(
                _("The archive holds registers this version does not know: %(names)s")
                % {"names": ", ".join(unknown)}
            )
        if full := _not_empty(labels):
            raise ArchiveError(
                _(
                    "This installation is not empty; the archive loads only into an empty one. "
                    "Registers with rows: %(names)s"
                )
                % {"names": ", ".join(full)}
            )
        order = [label for label in EXPORTED if label in labels]
        try:
            with transaction.atomic(), _stamps_as_archived(order):
                users = _load_users(archive) if USER_MODEL in order else {}
                counts = {USER_MODEL: len(users)}
                for label in order:
                    if label != USER_MODEL:
                        counts[label] = _load(archive, label, users)
                _reset_sequences(order)
                tallies_rebuild()
                audit_record(
                    actor=None,
                    action="archive.import",
                    target_type="positions.region",
                    target_id=str(package["socialwork_archive"]["region"]["id"]),
                    summary=package["socialwork_archive"]["region"]["name"],
                    changes={"rows": sum(counts.values())},
                )
        except RuntimeError as error:
            raise ArchiveError(
                _("The passphrase does not open this archive. Check it and try again.")
            ) from error
    return counts


def _load_users(archive) -> dict[int, int]:
    """Every account of the archive, by username; the new id of each archived id."""
    User = model_of(USER_MODEL)
    fields = {f.attname: f for f in archived_fields(User)}
    groups = {group.name: group for group in Group.objects.all()}
    mapping = {}
    for row in _rows(archive, USER_MODEL):
        archived_id = int(row["id"])
        existing = User.objects.filter(username=row["username"]).first()
        if existing is not None:
            mapping[archived_id] = existing.pk
            continue
        values = {
            name: parse(field, row[name]) for name, field in fields.items() if name in row and name != "id"
        }
        user = User(**values)
        user.set_unusable_password()
        user.password_changed_at = values.get("password_changed_at")
        user.save()
        user.groups.set([groups[name] for name in row.get(ROLES, "").split(",") if name in groups])
        mapping[archived_id] = user.pk
    return mapping


def _load(archive, label: str, users: dict[int, int]) -> int:
    model = model_of(label)
    fields = {f.attname: f for f in archived_fields(model)}
    user_columns = [
        name for name, f in fields.items() if f.is_relation and f.related_model._meta.label == USER_MODEL
    ]
    file_columns = [name for name, f in fields.items() if isinstance(f, models.FileField)]
    merge = merged(EXPORTED[label])
    batch, count = [], 0
    for row in _rows(archive, label):
        unknown = set(row) - set(fields)
        if unknown:
            raise ArchiveError(
                _("The archive's %(file)s has columns this version does not know: %(columns)s")
                % {"file": resource_path(label), "columns": ", ".join(sorted(unknown))}
            )
        values = {name: parse(fields[name], text) for name, text in row.items()}
        for name in user_columns:
            if values[name] is not None:
                values[name] = users[values[name]]
        for name in file_columns:
            if values[name]:
                values[name] = _restore_file(archive, values[name])
        batch.append(model(**values))
        count += 1
        if len(batch) >= BATCH:
            _save(model, batch, merge=merge)
            batch = []
    if batch:
        _save(model, batch, merge=merge)
    return count


def _save(model, batch: list, *, merge: bool) -> None:
    if not merge:
        model._base_manager.bulk_create(batch)
        return
    pk = model._meta.pk
    model._base_manager.bulk_create(
        batch,
        update_conflicts=True,
        unique_fields=[pk.name],
        update_fields=[f.name for f in archived_fields(model) if f is not pk],
    )


def _restore_file(archive, name: str) -> str:
    """The document back in the storage; its name there (the same, unless taken)."""
    try:
        content = archive.read(f"files/{name}")
    except KeyError:
        return name  # missing when the archive was written: listed in its files_missing
    return default_storage.save(name, ContentFile(content))


def _reset_sequences(labels) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), [model_of(label) for label in labels])
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
