"""`Register`: what an app declares to let a register be imported, and the registry of them.

An app declares its registers in its own `imports.py` (found when the apps are ready, as the
admin finds `admin.py`), each a subclass of `Register` decorated with `@register`:

    @register
    class OrganizationRegister(Register):
        key = "organizations"
        label = gettext_lazy("Social organizations")
        sheet_names = ("社会组织", "Social organizations")
        permission = "projects.add_socialorganization"
        columns = (Column("name", "名称", "name", required=True), ...)
        identity_column = "credit_code"

        def prepare(self, rows): ...            # look up, once per chunk of rows, what they name
        def check(self, values, errors): ...    # the service's fields, each bad value in `errors`
        def on_record(self, identity): ...      # the record this identity already names, or None
        def save(self, fields, *, existing, recorder): ...   # through the app's own services

The mechanism (`services`) reads the cells by the columns, reports a required cell left blank or a
value of the wrong kind, finds repeats inside the file by `identity`, offers the duplicates on
record as "update", "skip" or "stop", and writes every row or none.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .cells import CHOICE, PARSERS, Column, choice_lookup, parse_choice

CHUNK = 2000  # rows prepared at a time, and values per IN (...) query: below SQLite's parameter limit

_registers: dict[str, type["Register"]] = {}


def register(cls: type["Register"]) -> type["Register"]:
    if cls.key in _registers and _registers[cls.key] is not cls:
        raise ValueError(f"Two registers share the key {cls.key!r}")
    _registers[cls.key] = cls
    return cls


def registers() -> list[type["Register"]]:
    """Every register, in the order a workbook of several sheets is imported (what others point
    at first: organizations before their projects, clients before their cases)."""
    return sorted(_registers.values(), key=lambda cls: (cls.order, cls.key))


def registers_for(user) -> list[type["Register"]]:
    return [cls for cls in registers() if cls.allowed(user)]


def get(key: str) -> type["Register"]:
    try:
        return _registers[key]
    except KeyError:
        raise ValidationError(_("Unknown kind of import: %(kind)s.") % {"kind": key}, code="kind") from None


class Register:
    """One register a bureau keeps in a spreadsheet. A subclass names its columns and what it
    needs to check and save a row; one instance reads one file, for one person."""

    key: str = ""
    label = ""
    sheet_names: tuple[str, ...] = ()  # the titles of the workbook sheets that hold this register
    permission: str = ""  # the permission a person needs to import it
    columns: tuple[Column, ...] = ()
    identity_column: str = ""  # the column that names one record: repeats and duplicates are found by it
    order: int = 100  # its place when a workbook of several sheets is imported

    def __init__(self, *, actor, pending: dict[str, set] | None = None):
        self.actor = actor
        self.row = 0  # the number in the file of the row being checked
        # The identities the earlier sheets of the same workbook will create, by register key:
        # a project may name an organization that the 社会组织 sheet above it brings in.
        self.pending = pending if pending is not None else {}
        self.lookups = {c.key: choice_lookup(c) for c in self.columns if c.value_type == CHOICE}

    @classmethod
    def allowed(cls, user) -> bool:
        """Whether this person may import the register (their place is checked row by row)."""
        return bool(cls.permission) and user.has_perm(cls.permission)

    @classmethod
    def allowed_values(cls, key: str) -> str:
        """What the template's second sheet says a column takes, beyond choices and dates."""
        return ""

    @classmethod
    def column(cls, key: str) -> Column:
        return next(column for column in cls.columns if column.key == key)

    # What a subclass gives

    def prepare(self, rows: list[dict]) -> None:
        """Look up, for a chunk of at most CHUNK raw rows, what they name (units, organizations,
        records already on file), so that checking costs a few queries however many rows."""

    def check(self, values: dict, errors: dict[str, list]) -> dict:
        """The fields the save needs, from the row's converted values (blank cells as "").
        Each problem goes into `errors` under its column's key ("" for the row as a whole);
        `self.row` is the row's number in the file. A wrong value in the identity column must be
        reported here: the identity is read only from a row without an error in that column."""
        raise NotImplementedError

    def identity(self, values: dict) -> str:
        """What names the row's record: its value in `identity_column` ("" for none)."""
        return str(values.get(self.identity_column, "")) if self.identity_column else ""

    def on_record(self, identity: str):
        """The record already on file under this identity (after `prepare`), or None."""
        return None

    def save(self, fields: dict, *, existing, recorder) -> None:
        """Write one row through the app's services: create, or update `existing` (when the
        person chose "update"). Tell `recorder` of each record created or changed."""
        raise NotImplementedError

    # Reading cells, for the mechanism

    def read(self, row: dict, errors: dict) -> dict:
        """The row's cells converted to values, each empty cell as "" and each bad one reported."""
        values = {}
        for column in self.columns:
            raw = row.get(column.key, "")
            raw = "" if raw is None else raw
            if isinstance(raw, str):
                raw = raw.strip()
            if raw == "":
                if column.required:
                    errors.setdefault(column.key, []).append(_("This field is required."))
                values[column.key] = ""
                continue
            try:
                values[column.key] = self.convert(column, raw)
            except ValueError as error:
                errors.setdefault(column.key, []).append(str(error))
                values[column.key] = ""
        return values

    def convert(self, column: Column, raw):
        if column.value_type == CHOICE:
            return parse_choice(raw, self.lookups[column.key], column)
        parser = PARSERS.get(column.value_type)
        return parser(raw) if parser else str(raw).strip()

    # Helpers for subclasses

    def clean_model(self, instance, errors: dict, *, exclude=(), field_columns=None) -> None:
        """The model's own field checks (lengths, choices, validators), without queries:
        uniqueness and constraints are checked for the whole file and again when saving."""
        field_columns = field_columns or {}
        reported = [name for name in errors if name]  # fields already reported once are enough
        reported += [name for name, key in field_columns.items() if key in errors]
        try:
            instance.full_clean(
                exclude=[*exclude, *reported], validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                key = field_columns.get(name, name)
                errors.setdefault("" if key == "__all__" else key, []).extend(messages)


def held(queryset, field_name: str, values) -> set:
    """Which of `values` the queryset already holds in `field_name`, a chunk at a time."""
    values, found = sorted(set(values) - {""}), set()
    for start in range(0, len(values), CHUNK):
        chunk = values[start : start + CHUNK]
        found.update(queryset.filter(**{f"{field_name}__in": chunk}).values_list(field_name, flat=True))
    return found


def by_value(queryset, field_name: str, values) -> dict:
    """The records of the queryset whose `field_name` is one of `values`, by that value."""
    values, found = sorted(set(values) - {""}), {}
    for start in range(0, len(values), CHUNK):
        chunk = values[start : start + CHUNK]
        found.update(
            {getattr(obj, field_name): obj for obj in queryset.filter(**{f"{field_name}__in": chunk})}
        )
    return found


def by_digest(queryset, digest_field: str, values) -> dict:
    """The records of the queryset whose encrypted column holds one of `values`, by that value,
    compared by their digests under every configured digest key: nobody's number is decrypted."""
    field = queryset.model._meta.get_field(digest_field)
    values, found, chunk = sorted(set(values) - {""}), {}, CHUNK // 8  # a digest per key and algorithm
    for start in range(0, len(values), chunk):
        by = {
            digest: value for value in values[start : start + chunk] for digest in field.lookup_values(value)
        }
        for obj in queryset.filter(**{f"{digest_field}__in": list(by)}):
            found[by[getattr(obj, digest_field)]] = obj
    return found
