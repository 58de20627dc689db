"""Model fields whose values are encrypted in the database, and the keyed digest that finds a
value without decrypting anyone's.

A value that does not decrypt raises ``DecryptionError``: a page shows an error, never the
ciphertext (the former package returned the ciphertext itself when the key was wrong, so a
rotated secret key put tokens on screen as if they were ID numbers). An encrypted column cannot
be searched, ordered or compared: only ``isnull`` works, any other lookup is a FieldError, so a
search that silently never matches cannot be written. Search by a ``DigestField`` instead.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.db.models.lookups import IsNull
from django.utils.module_loading import import_string

import socialwork.crypto as crypto


class EncryptedMixin:
    """Stored as text: ``<cipher>:<key id>:<payload>``. None and the empty string are stored as
    they are (NULL where the column allows it), so that "no phone" stays searchable."""

    encrypted = True

    def get_internal_type(self) -> str:
        return "TextField"

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return None if self.null else ""
        return crypto.encrypt(str(value))

    def get_lookup(self, lookup_name):
        return IsNull if lookup_name == "isnull" else None

    def get_transform(self, lookup_name):
        return None


class EncryptedCharField(EncryptedMixin, models.CharField):
    pass


class EncryptedTextField(EncryptedMixin, models.TextField):
    pass


class DerivedField(models.CharField):
    """A column computed from another field of the row (``source``) on every save, by
    ``compute``: never typed in, empty when the source is."""

    def __init__(self, *args, source: str = "", **kwargs):
        self.source = source
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        for default in ("editable", "blank", "default"):
            kwargs.pop(default, None)
        return name, path, args, kwargs

    def compute(self, value) -> str:
        raise NotImplementedError

    def pre_save(self, model_instance, add):
        value = self.compute(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value


class DigestField(DerivedField):
    """The keyed digest of another field of the row (``source``), for equality searches and
    unique constraints over an encrypted column. Computed on every save from the source, after
    ``normalize`` (a dotted path to a function, e.g. ``socialwork.idnumbers.normalize``); empty
    when the source is. Search with ``digest_q``, which matches digests under every configured
    digest key while they rotate."""

    def __init__(self, *args, purpose: str = "", normalize: str = "", **kwargs):
        self.purpose, self.normalize = purpose, normalize
        kwargs.setdefault("max_length", 64)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["purpose"] = self.purpose
        if self.normalize:
            kwargs["normalize"] = self.normalize
        if kwargs.get("max_length") == 64:
            kwargs.pop("max_length")
        return name, path, args, kwargs

    def normalized(self, value) -> str:
        value = "" if value is None else str(value)
        if value and self.normalize:
            value = import_string(self.normalize)(value)
        return value

    def compute(self, value) -> str:
        value = self.normalized(value)
        return crypto.digest(self.purpose, value) if value else ""

    def lookup_values(self, value) -> list[str]:
        value = self.normalized(value)
        return crypto.digest_lookup(self.purpose, value) if value else []


def digest_q(model, field_name: str, value, prefix: str = "") -> Q:
    """``Q(<field>__in=<every digest the value may have>)``: the one way to find a row by an
    encrypted value. An empty value matches nothing."""
    field = model._meta.get_field(field_name)
    candidates = field.lookup_values(value)
    return Q(**{f"{prefix}{field_name}__in": candidates}) if candidates else Q(pk__in=[])


class ShownTailField(DerivedField):
    """The last characters of an encrypted value, kept plain because its masked form shows them
    to everyone anyway (420506********123X): typing the end of an ID number finds its holder
    through this column, then the few candidates are decrypted and compared."""

    def __init__(self, *args, length: int = 4, normalize: str = "", **kwargs):
        self.length, self.normalize = length, normalize
        kwargs["max_length"] = length
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["length"] = self.length
        if self.normalize:
            kwargs["normalize"] = self.normalize
        kwargs.pop("max_length", None)
        return name, path, args, kwargs

    def compute(self, value) -> str:
        value = "" if value is None else str(value)
        if value and self.normalize:
            value = import_string(self.normalize)(value)
        return value[-self.length :] if value else ""


class ShownMaskField(DerivedField):
    """An encrypted value's masked form (420506********123X, 138****5678), kept plain because it is
    what every list, export and paper shows of the value anyway: a list or an export of a hundred
    thousand rows reads it instead of decrypting each row. `mask` names the function that masks
    the value (the one rule of what is shown); the column is its result, computed on every save,
    so a change to that rule needs a migration that computes the column again
    (socialwork.crypto.migration_ops.compute_shown)."""

    def __init__(self, *args, mask: str = "", **kwargs):
        self.mask = mask
        kwargs.setdefault("max_length", 30)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["mask"] = self.mask
        return name, path, args, kwargs

    def compute(self, value) -> str:
        return import_string(self.mask)(value) if value else ""


class DerivedColumnsMixin:
    """For a model with derived columns (digests, shown tails, masks): they are computed in
    ``clean()`` too, so that ``full_clean`` checks a unique constraint on a digest, and saved with
    their source when ``save(update_fields=...)`` names the source."""

    def _derived_fields(self):
        return [f for f in self._meta.concrete_fields if isinstance(f, DerivedField)]

    def clean(self):
        super().clean()
        for field in self._derived_fields():
            setattr(self, field.attname, field.compute(getattr(self, field.source)))

    def save(self, *args, update_fields=None, **kwargs):
        if update_fields is not None:
            update_fields = {*update_fields}
            update_fields |= {f.attname for f in self._derived_fields() if f.source in update_fields}
        super().save(*args, update_fields=update_fields, **kwargs)


def digest_elsewhere(instance, field_name: str) -> bool:
    """Whether another row holds the instance's value under an older digest key or algorithm
    (while a digest key rotates): the unique constraint sees only digests equal to the current."""
    field = instance._meta.get_field(field_name)
    current = field.compute(getattr(instance, field.source))
    older = [d for d in field.lookup_values(getattr(instance, field.source)) if d != current]
    if not older:
        return False
    others = type(instance)._base_manager.filter(**{f"{field.attname}__in": older})
    return others.exclude(pk=instance.pk).exists() if instance.pk else others.exists()
