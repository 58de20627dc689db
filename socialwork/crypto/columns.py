"""The protected columns: every encrypted field and every digest field of every model, found
from the models themselves, so that a new encrypted column is re-encrypted and checked without
being listed anywhere else."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db.models import F, Q, TextField
from django.db.models.functions import Cast

import socialwork.crypto as crypto

from .fields import DigestField, EncryptedMixin


@dataclass(frozen=True)
class Protected:
    model: type
    encrypted: tuple[str, ...]
    digests: tuple[DigestField, ...]

    @property
    def label(self) -> str:
        return self.model._meta.label

    def raw(self):
        """The model's rows with each encrypted column as stored (``raw_<name>``), undecrypted."""
        return self.model._base_manager.annotate(
            **{f"raw_{name}": Cast(F(name), TextField()) for name in self.encrypted}
        )

    def stale_q(self) -> Q:
        """Rows holding a value not under the current key and cipher, or a digest not under the
        current digest key and algorithm: what ``reencrypt`` has left to do."""
        prefix, digest_prefix = crypto.current_prefix(), crypto.digest_prefix()
        stale = Q(pk__in=[])
        for name in self.encrypted:
            stale |= Q(**{f"raw_{name}__gt": ""}) & ~Q(**{f"raw_{name}__startswith": prefix})
        for field in self.digests:
            stale |= Q(**{f"{field.attname}__gt": ""}) & ~Q(**{f"{field.attname}__startswith": digest_prefix})
        return stale


def protected_columns() -> list[Protected]:
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        fields = model._meta.concrete_fields
        encrypted = tuple(f.attname for f in fields if isinstance(f, EncryptedMixin))
        digests = tuple(f for f in fields if isinstance(f, DigestField))
        if encrypted or digests:
            found.append(Protected(model, encrypted, digests))
    return sorted(found, key=lambda p: p.label)
