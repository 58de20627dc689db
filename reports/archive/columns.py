"""How a database column is written into the archive's CSV, described in its datapackage.json
(Frictionless Data Table Schema), and read back.

A cell is the value as stored, never masked: encrypted columns are decrypted (and marked
`personal`), and digests and shown tails are left out, the importing installation computing them
under its own keys. An empty cell is NULL where the column allows it, else the empty text.
"""

import json
import uuid
from datetime import date, datetime
from decimal import Decimal

from django.db import models
from django.utils import translation
from django.utils.dateparse import parse_date, parse_datetime

from socialwork.crypto.fields import DerivedField

TYPES = {
    "AutoField": "integer",
    "BigAutoField": "integer",
    "BigIntegerField": "integer",
    "IntegerField": "integer",
    "SmallIntegerField": "integer",
    "PositiveBigIntegerField": "integer",
    "PositiveIntegerField": "integer",
    "PositiveSmallIntegerField": "integer",
    "BooleanField": "boolean",
    "DateField": "date",
    "DateTimeField": "datetime",
    "DecimalField": "number",
    "FloatField": "number",
    "JSONField": "object",
}

# Account columns never written: the password hash stays on the installation that made it.
WITHHELD = {"socialwork.User": {"password"}}
ROLES = "roles"  # the accounts' extra column: their role names, comma-separated


def archived_fields(model) -> list:
    """The model's columns that the archive holds, in the model's order."""
    withheld = WITHHELD.get(model._meta.label, set())
    return [
        field
        for field in model._meta.concrete_fields
        if not isinstance(field, DerivedField) and field.name not in withheld
    ]


def frictionless_type(field) -> str:
    target = field.target_field if field.is_relation else field
    return TYPES.get(target.get_internal_type(), "string")


def _bilingual(text) -> tuple[str, str]:
    with translation.override("zh-hans"):
        chinese = str(text)
    with translation.override("en"):
        english = str(text)
    return chinese, english


def field_schema(field, resources: dict[str, str]) -> dict:
    """The Table Schema field of a column: name, type, titles in Chinese and English, what it holds."""
    chinese, english = _bilingual(field.verbose_name)
    schema = {"name": field.attname, "type": frictionless_type(field), "title": chinese, "title_en": english}
    notes = []
    if field.help_text:
        notes.append(" / ".join(_bilingual(field.help_text)))
    if field.choices:
        schema["constraints"] = {"enum": [str(value) for value, _label in field.flatchoices]}
        with translation.override("zh-hans"):
            notes.append("; ".join(f"{value} = {label}" for value, label in field.flatchoices))
    if field.is_relation:
        target = field.related_model._meta.label
        notes.append(f"→ {resources.get(target, target)}.{field.target_field.attname}")
    if isinstance(field, models.FileField):
        notes.append("文件在压缩包的 files/ 下 / the file is under files/ in the archive")
    if getattr(field, "encrypted", False):
        schema["personal"] = True
        notes.append("个人信息，未脱敏 / personal data, in full")
    if not field.null and not isinstance(field, models.CharField | models.TextField):
        schema["constraints"] = {**schema.get("constraints", {}), "required": True}
    if notes:
        schema["description"] = "\n".join(notes)
    return schema


def cell(value) -> str:
    """A stored value as CSV text."""
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def parse(field, text: str):
    """A CSV cell back into the column's value."""
    if text == "":
        if field.null:
            return None
        if isinstance(field, models.JSONField):
            return None
        return ""
    target = field.target_field if field.is_relation else field
    kind = target.get_internal_type()
    if kind == "BooleanField":
        return text == "true"
    if kind == "DateTimeField":
        return parse_datetime(text)
    if kind == "DateField":
        return parse_date(text)
    if kind == "DecimalField":
        return Decimal(text)
    if kind == "FloatField":
        return float(text)
    if kind == "JSONField":
        return json.loads(text)
    if kind == "UUIDField":
        return uuid.UUID(text)
    if TYPES.get(kind) == "integer":
        return int(text)
    return text
