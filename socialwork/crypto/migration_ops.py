"""Data migrations that encrypt a column that was plain (and back, to reverse them), a batch
of rows per transaction, by primary key. A value already of the form ``<cipher>:<key id>:`` is
left alone, so a migration that stopped part-way runs again from where it was."""

from __future__ import annotations

from collections.abc import Iterator

from django.db import transaction
from django.db.models import F, TextField
from django.db.models.functions import Cast

import socialwork.crypto as crypto
from socialwork.crypto import keyring as kr

from .fields import DerivedField, ShownMaskField

BATCH = 1000


def is_encrypted(value: str) -> bool:
    cipher, key_id = kr.header(value)
    return cipher in kr.CIPHERS and bool(kr.KEY_ID.match(key_id or "-!"))


def _rewrite(
    apps, app_label: str, model_name: str, fields: tuple[str, ...], forward: bool, batch: int
) -> None:
    model = apps.get_model(app_label, model_name)
    derived = [f for f in model._meta.concrete_fields if isinstance(f, DerivedField) and f.source in fields]
    for pks in _batches(model, batch):
        with transaction.atomic():
            _rewrite_batch(model, fields, _stored(model, fields, pks), forward, derived)


def _rewrite_batch(model, fields: tuple[str, ...], rows: list[dict], forward: bool, derived: list) -> None:
    objects = []
    for row in rows:
        obj, changed = model(pk=row["pk"]), False
        for name in fields:
            value = row[name]
            if value and is_encrypted(value):
                value = crypto.decrypt(value)
                changed |= not forward
            else:
                changed |= forward and bool(value)
            setattr(obj, name, value)
        if changed or derived:
            objects.append(obj)
    if not objects:
        return
    if forward:
        for field in derived:
            for obj in objects:
                setattr(obj, field.attname, field.compute(getattr(obj, field.source)))
        model._base_manager.bulk_update(objects, [*fields, *(f.attname for f in derived)])
    else:
        # Back to plain columns: write the text itself, around the encrypting field.
        for name in fields:
            for obj in objects:
                model._base_manager.filter(pk=obj.pk).update(**{name: _Plain(getattr(obj, name))})


def _batches(model, batch: int) -> Iterator[list]:
    """The model's primary keys in order, `batch` at a time."""
    cursor = None
    while True:
        pks = model._base_manager.order_by("pk")
        if cursor is not None:
            pks = pks.filter(pk__gt=cursor)
        pks = list(pks.values_list("pk", flat=True)[:batch])
        if not pks:
            return
        cursor = pks[-1]
        yield pks


def _stored(model, fields: tuple[str, ...], pks: list) -> list[dict]:
    """These rows' primary keys and columns, each value as stored (not decrypted by the field)."""
    raws = {f"raw_{name}": Cast(F(name), TextField()) for name in fields}
    rows = model._base_manager.filter(pk__in=pks).annotate(**raws).values("pk", *raws)
    return [{"pk": row["pk"], **{name: row[f"raw_{name}"] for name in fields}} for row in rows]


class _Plain(str):
    """A value written as it is (the reverse of an encrypting migration)."""

    def resolve_expression(self, *args, **kwargs):
        from django.db.models import Value

        return Value(str(self), output_field=TextField())


def encrypt_columns(app_label: str, model_name: str, *fields: str, batch: int = BATCH):
    """A RunPython pair: encrypt these (now encrypted-field) columns' plain values, and back."""

    def forward(apps, schema_editor):
        _rewrite(apps, app_label, model_name, fields, True, batch)

    def backward(apps, schema_editor):
        _rewrite(apps, app_label, model_name, fields, False, batch)

    return forward, backward


def compute_shown(app_label: str, model_name: str, *fields: str, batch: int = BATCH):
    """A RunPython function: compute the masked forms (ShownMaskField) of these encrypted columns
    for the rows already there, a batch of rows per transaction, by primary key (its reverse is
    RunPython.noop: the columns go with the migration's reverse)."""

    def forward(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        shown = [
            f for f in model._meta.concrete_fields if isinstance(f, ShownMaskField) and f.source in fields
        ]
        for pks in _batches(model, batch):
            with transaction.atomic():
                objects = []
                for row in _stored(model, fields, pks):
                    obj = model(pk=row["pk"])
                    for field in shown:
                        value = row[field.source]
                        plain = crypto.decrypt(value) if value and is_encrypted(value) else value
                        setattr(obj, field.attname, field.compute(plain))
                    objects.append(obj)
                model._base_manager.bulk_update(objects, [f.attname for f in shown])

    return forward
