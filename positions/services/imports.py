"""Bulk import of positions and workers: a preview that names every bad row and why, and an import
that writes all rows or none, each through the same service as the one-by-one forms."""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from positions import importing
from positions.importing import CHOICE, CODE, DATE, ID_NUMBER, NUMBER, POSITIONS, ROW, WORKERS, Column
from positions.models import HostInstitution, Position, ServiceUnit, SocialWorker
from positions.selectors.network import units_visible_to
from positions.services.workforce import position_save, worker_save
from socialwork.idnumbers import identity, validate_id_number

CHUNK = 2000  # values per IN (...) query, well below SQLite's limit on parameters
SMALLINT_MAX = 32767


@dataclass
class RowProblem:
    row: int
    reasons: list[str]


@dataclass
class ImportPreview:
    kind: str
    total: int
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def good(self) -> int:
        return self.total - len(self.problems)

    @property
    def ok(self) -> bool:
        return self.total > 0 and not self.problems


def import_preview(*, actor, kind: str, rows: list[dict]) -> ImportPreview:
    """Check every row as the import would, and write nothing. A row is bad for each reason it
    would fail: a missing required field, a bad date, number or choice, an unknown unit code or
    one outside the actor's place, an unknown host institution, a wrong ID number, or a code, ID
    number or certificate number that repeats one earlier in the file or already on record."""
    problems, _cleaned = _check(actor=actor, kind=kind, rows=rows)
    return ImportPreview(kind=kind, total=len(rows), problems=problems)


def import_commit(*, actor, kind: str, rows: list[dict]) -> list[Position | SocialWorker]:
    """Write every row, through position_save or worker_save, in one transaction: all rows or
    none. Raises ValidationError naming each bad row, before writing or when a row fails while
    writing (then everything written is rolled back)."""
    problems, cleaned = _check(actor=actor, kind=kind, rows=rows)
    if problems:
        raise _rejection(problems)
    if not cleaned:
        raise ValidationError(_("The file holds no rows to import."), code="empty")
    save = position_save if kind == POSITIONS else worker_save
    saved, failed = [], []
    with transaction.atomic():
        for number, fields in cleaned:
            try:
                saved.append(save(actor=actor, **fields))
            except ValidationError as error:
                failed.append(RowProblem(number, _reasons_from_error(error, importing.columns_for(kind))))
            except IntegrityError:
                failed.append(
                    RowProblem(number, [_("A record with the same code or number was saved meanwhile.")])
                )
        if failed:
            raise _rejection(failed)  # leaving the block with an exception rolls every row back
    return saved


def _rejection(problems: list[RowProblem]) -> ValidationError:
    return ValidationError(
        [
            ValidationError(
                _("Row %(row)d: %(reasons)s") % {"row": problem.row, "reasons": "; ".join(problem.reasons)},
                code="bad_row",
            )
            for problem in problems
        ]
    )


# Checking rows


def _check(*, actor, kind: str, rows: list[dict]) -> tuple[list[RowProblem], list[tuple[int, dict]]]:
    """(the bad rows with their reasons, the good rows as (row number, service fields))."""
    columns = importing.columns_for(kind)
    if len(rows) > importing.MAX_ROWS:
        raise ValidationError(
            _("The file has more than %(limit)d rows; split it into smaller files.")
            % {"limit": importing.MAX_ROWS},
            code="too_many_rows",
        )
    checker = (_PositionChecker if kind == POSITIONS else _WorkerChecker)(actor=actor, rows=rows)
    problems, cleaned = [], []
    for index, row in enumerate(rows):
        number = row.get(ROW) or index + 2
        errors: dict[str, list[str]] = {}
        fields = checker.check(row, errors)
        if errors:
            problems.append(RowProblem(number, _reasons(errors, columns)))
        else:
            cleaned.append((number, fields))
    return problems, cleaned


def _reasons(errors: dict[str, list[str]], columns: tuple[Column, ...]) -> list[str]:
    order = {column.key: index for index, column in enumerate(columns)}
    by_key = {column.key: column for column in columns}
    reasons = []
    for key in sorted(errors, key=lambda key: order.get(key, len(order))):
        label = by_key[key].header() if key in by_key else ""
        reasons.extend(f"{label}: {message}" if label else str(message) for message in errors[key])
    return reasons


# Model field → column, where they differ.
FIELD_COLUMNS = {"unit": "unit_code", "employer_unit": "employer_unit_code"}


def _reasons_from_error(error: ValidationError, columns: tuple[Column, ...]) -> list[str]:
    if hasattr(error, "error_dict"):
        errors = {
            FIELD_COLUMNS.get(name, name): list(messages) for name, messages in error.message_dict.items()
        }
        errors = {("" if key == "__all__" else key): messages for key, messages in errors.items()}
        return _reasons(errors, columns)
    return list(error.messages)


def _existing(queryset, field_name: str, values) -> set:
    """Which of `values` the queryset already holds in `field_name`, a chunk at a time."""
    values, found = sorted(values), set()
    for start in range(0, len(values), CHUNK):
        chunk = values[start : start + CHUNK]
        found.update(queryset.filter(**{f"{field_name}__in": chunk}).values_list(field_name, flat=True))
    return found


def _existing_by_digest(queryset, digest_field: str, values) -> set:
    """Which of `values` (of an encrypted column) the queryset already holds, compared by their
    digests under every configured digest key, a chunk at a time: nobody's number is decrypted."""
    field = queryset.model._meta.get_field(digest_field)
    values, found, chunk = sorted(values), set(), CHUNK // 8  # a value has a digest per key and algorithm
    for start in range(0, len(values), chunk):
        by_digest = {
            digest: value for value in values[start : start + chunk] for digest in field.lookup_values(value)
        }
        held = queryset.filter(**{f"{digest_field}__in": list(by_digest)}).values_list(
            digest_field, flat=True
        )
        found.update(by_digest[digest] for digest in held)
    return found


class _Checker:
    """Reads and checks the rows of one kind; looks up units and what is on record once for the
    whole file, so that checking costs a few queries however many rows there are."""

    columns: tuple[Column, ...] = ()
    model = None
    unit_column = ""
    unit_field = ""
    exclude_from_clean: tuple[str, ...] = ()

    def __init__(self, *, actor, rows: list[dict]):
        self.actor = actor
        self.lookups = {
            c.key: importing.choice_lookup(c.choices) for c in self.columns if c.value_type == CHOICE
        }
        codes = {str(row.get(self.unit_column, "")).strip() for row in rows} - {""}
        self.units = {}
        for start in range(0, len(codes), CHUNK):
            chunk = sorted(codes)[start : start + CHUNK]
            self.units.update({unit.code: unit for unit in ServiceUnit.objects.filter(code__in=chunk)})
        self.visible = _existing(units_visible_to(user=actor), "code", self.units)
        self.seen: dict[tuple[str, str], int] = {}

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
        if column.value_type == DATE:
            return importing.parse_date(raw)
        if column.value_type == NUMBER:
            return importing.parse_number(raw)
        if column.value_type == CHOICE:
            return importing.parse_choice(raw, self.lookups[column.key], column)
        if column.value_type == CODE:
            return importing.parse_code(raw)
        if column.value_type == ID_NUMBER:
            return importing.parse_id_number(raw)
        return str(raw).strip()

    def unit(self, code: str, errors: dict) -> ServiceUnit | None:
        if not code:
            return None
        unit = self.units.get(code)
        if unit is None:
            errors.setdefault(self.unit_column, []).append(
                _("No service unit has the code “%(code)s”.") % {"code": code}
            )
        elif code not in self.visible:
            errors.setdefault(self.unit_column, []).append(
                _("The unit “%(code)s” is outside your place in the network.") % {"code": code}
            )
            unit = None
        return unit

    def unique(self, key: str, value: str, number: int, on_record: set, errors: dict) -> None:
        """Report a value that repeats an earlier row of the file, or one already on record."""
        if not value:
            return
        earlier = self.seen.setdefault((key, value), number)
        if earlier != number:
            errors.setdefault(key, []).append(
                _("“%(value)s” is also on row %(row)d of this file.") % {"value": value, "row": earlier}
            )
        elif value in on_record:
            errors.setdefault(key, []).append(_("“%(value)s” is already on record.") % {"value": value})

    def clean_model(self, instance, errors: dict) -> None:
        """The model's own field checks (lengths, choices, validators), without queries: units,
        uniqueness and constraints are checked for the whole file above and again when saving."""
        reported = [name for name in errors if name]  # fields already reported once are enough
        try:
            instance.full_clean(
                exclude=[*self.exclude_from_clean, *reported],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                key = FIELD_COLUMNS.get(name, name)
                errors.setdefault("" if key == "__all__" else key, []).extend(messages)


class _PositionChecker(_Checker):
    columns = importing.COLUMNS[POSITIONS]
    model = Position
    unit_column = "unit_code"
    exclude_from_clean = ("unit", "host")

    def __init__(self, *, actor, rows):
        super().__init__(actor=actor, rows=rows)
        self.hosts = {importing._fold(host.name): host for host in HostInstitution.objects.all()}
        codes = {str(row.get("code", "")).strip() for row in rows} - {""}
        self.codes_on_record = _existing(Position.objects.all(), "code", codes)

    def check(self, row: dict, errors: dict) -> dict:
        number = row.get(ROW, 0)
        values = self.read(row, errors)
        unit = self.unit(values["unit_code"], errors)
        host = None
        if values["host"]:
            host = self.hosts.get(importing._fold(values["host"]))
            if host is None:
                errors.setdefault("host", []).append(
                    _("“%(host)s” is not a known host institution.") % {"host": values["host"]}
                )
        quota = values["quota"] if values["quota"] != "" else 1
        if not errors.get("quota") and not 1 <= quota <= SMALLINT_MAX:
            errors.setdefault("quota", []).append(_("The quota must be at least 1."))
        self.unique("code", values["code"], number, self.codes_on_record, errors)
        fields = {
            "code": values["code"],
            "title": values["title"],
            "unit": unit,
            "host": host,
            "category": values["category"],
            "setup_mode": values["setup_mode"],
            "quota": quota if isinstance(quota, int) else 1,
            "duties": values["duties"],
            "required_level": values["required_level"] or "none",
            "established_on": values["established_on"] or None,
            "policy_basis": values["policy_basis"],
        }
        self.clean_model(Position(**fields), errors)
        return fields


class _WorkerChecker(_Checker):
    columns = importing.COLUMNS[WORKERS]
    model = SocialWorker
    unit_column = "employer_unit_code"
    exclude_from_clean = ("employer_unit", "employer_organization", "user")

    def __init__(self, *, actor, rows):
        super().__init__(actor=actor, rows=rows)
        ids = {str(row.get("id_number", "")).strip().upper() for row in rows} - {""}
        self.ids_on_record = _existing_by_digest(SocialWorker.objects.all(), "id_number_digest", ids)
        certificates = {str(row.get("certificate_number", "")).strip() for row in rows} - {""}
        self.certificates_on_record = _existing(
            SocialWorker.objects.all(), "certificate_number", certificates
        )
        # Without an employer unit a record is seen only district-wide, so others must give one.
        self.needs_unit = not (actor.is_superuser or actor.is_district_wide)

    def check(self, row: dict, errors: dict) -> dict:
        number = row.get(ROW, 0)
        values = self.read(row, errors)
        unit = self.unit(values["employer_unit_code"], errors)
        if self.needs_unit and not values["employer_unit_code"] and "employer_unit_code" not in errors:
            errors["employer_unit_code"] = [_("Give the unit inside your place where this person works.")]

        id_number = values["id_number"]
        if id_number and "id_number" not in errors:
            try:
                validate_id_number(id_number)
            except ValidationError as error:
                errors["id_number"] = list(error.messages)
            else:
                self.unique("id_number", id_number, number, self.ids_on_record, errors)
                self._match_id_number(id_number, values, errors)
        self.unique(
            "certificate_number", values["certificate_number"], number, self.certificates_on_record, errors
        )
        year = values["certificate_year"]
        if year != "" and not 1900 <= year <= date.today().year:
            errors.setdefault("certificate_year", []).append(
                _("%(year)s is not a possible certificate year.") % {"year": year}
            )
        registered, valid_until = values["registered_on"], values["registration_valid_until"]
        if registered and valid_until and valid_until < registered:
            errors.setdefault("registration_valid_until", []).append(
                _("The registration cannot end before it was made.")
            )

        fields = {
            "name": values["name"],
            "gender": values["gender"],
            "birth_date": values["birth_date"] or None,
            "id_number": id_number,
            "phone": values["phone"],
            "education": values["education"],
            "major": values["major"],
            "employer_unit": unit,
            "certificate_level": values["certificate_level"] or "none",
            "certificate_number": values["certificate_number"],
            "certificate_year": year if isinstance(year, int) else None,
            "registration_number": values["registration_number"],
            "registered_on": registered or None,
            "registration_valid_until": valid_until or None,
            "professional_title": values["professional_title"],
        }
        self.clean_model(SocialWorker(**fields), errors)
        return fields

    @staticmethod
    def _match_id_number(id_number: str, values: dict, errors: dict) -> None:
        """The birth date and gender written in the row must be those the ID number holds; blank
        ones are read from it (`socialwork.idnumbers.identity`, as for a worker saved one by one)."""
        try:
            values.update(
                identity(id_number, birth_date=values["birth_date"] or None, gender=values["gender"] or "")
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                errors.setdefault(name, []).extend(messages)
