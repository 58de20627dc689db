"""Files stored encrypted at rest, under the same keys and cipher as the encrypted columns.

`file_store(data)` encrypts the bytes (socialwork.crypto.encrypt_bytes: a header names the cipher
and key id) and writes them to the default storage under a random name (`encrypted/ab/<32 hex>`):
no client's name, case number or original file name is ever in a path. It returns a reference,
`<cipher>:<key id>:<storage name>`, which a model keeps in an `EncryptedFileRef` column; the
prefix lets `manage.py reencrypt` find by a query which files are still under an older key
(`files_reencrypt`), exactly as it finds stale columns. The original name, when a record keeps
one, is an encrypted column of that record.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction

import socialwork.crypto as crypto

FOLDER = "encrypted"


class EncryptedFileRef(models.CharField):
    """Where an encrypted file is: `<cipher>:<key id>:<storage name>`, never its bytes."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 120)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("max_length") == 120:
            del kwargs["max_length"]
        kwargs.pop("editable", None)
        return name, path, args, kwargs


def storage_name(ref: str) -> str:
    return ref.split(":", 2)[2] if ref.count(":") >= 2 else ""


def file_store(data: bytes) -> str:
    """Encrypt `data` and store it under a new random name; the reference to keep."""
    cipher, key_id = crypto.cipher(), crypto.encryption_keyring().current_id
    random = uuid.uuid4().hex
    name = f"{FOLDER}/{random[:2]}/{random}"
    name = default_storage.save(name, ContentFile(crypto.encrypt_bytes(data)))
    return f"{cipher}:{key_id}:{name}"


def file_read(ref: str) -> bytes:
    """The plain bytes of a stored file. FileNotFoundError when it is no longer stored."""
    name = storage_name(ref)
    if not name or not default_storage.exists(name):
        raise FileNotFoundError(name)
    with default_storage.open(name, "rb") as stored:
        return crypto.decrypt_bytes(stored.read())


def file_delete(ref: str) -> None:
    name = storage_name(ref)
    if name and default_storage.exists(name):
        default_storage.delete(name)


def files_delete_on_commit(refs) -> None:
    """Delete these stored files once the transaction that dropped their rows has committed."""
    refs = [ref for ref in refs if ref]
    if refs:
        transaction.on_commit(lambda: [file_delete(ref) for ref in refs])


def is_current(ref: str) -> bool:
    return ref.startswith(crypto.current_prefix())


# Rotation: manage.py reencrypt rewrites each stale file under the current key.


def file_columns() -> list[tuple[type, str]]:
    """(model, field name) of every EncryptedFileRef of every model."""
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedFileRef):
                found.append((model, field.attname))
    return sorted(found, key=lambda pair: (pair[0]._meta.label, pair[1]))


def _stale(model, name: str):
    return model._base_manager.exclude(**{name: ""}).exclude(
        **{f"{name}__startswith": crypto.current_prefix()}
    )


def files_stale_count() -> dict[str, int]:
    counts = {}
    for model, name in file_columns():
        count = _stale(model, name).count()
        if count:
            counts[f"{model._meta.label}.{name}"] = count
    return counts


def files_reencrypt() -> Iterator[tuple[str, int]]:
    """Rewrite each file not under the current key: decrypt, encrypt under the current key into a
    new name, point the row at it (only if the row still points at the old one), then delete the
    old file once that is committed. Resumable: what is left is what the rows still name."""
    for model, name in file_columns():
        done = 0
        for pk, ref in _stale(model, name).values_list("pk", name).iterator(chunk_size=200):
            try:
                plain = file_read(ref)
            except FileNotFoundError:
                continue
            new = file_store(plain)
            with transaction.atomic():
                moved = model._base_manager.filter(pk=pk, **{name: ref}).update(**{name: new})
                files_delete_on_commit([ref] if moved else [new])
            done += moved
        yield f"{model._meta.label}.{name}", done
