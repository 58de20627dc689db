"""The preview that names every bad row and every duplicate on record, and the commit that writes
every row or none, each row through its register's `save` (the app's own services)."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .cells import ROW
from .registry import CHUNK, Register, get

UPDATE, SKIP, STOP = "update", "skip", "stop"
ON_DUPLICATE = (UPDATE, SKIP, STOP)


@dataclass
class RowProblem:
    row: int
    reasons: list[str]


@dataclass
class Duplicate:
    row: int
    identity: str
    record: str  # the record on file, as it reads


@dataclass
class ImportPreview:
    kind: str
    total: int
    problems: list[RowProblem] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)

    @property
    def good(self) -> int:
        return self.total - len(self.problems)

    @property
    def ok(self) -> bool:
        return self.total > 0 and not self.problems


@dataclass
class Recorder:
    """What a commit wrote, row by row: each record created or changed, with its row number."""

    row: int = 0
    created: list[tuple[int, object]] = field(default_factory=list)
    updated: list[tuple[int, object]] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)

    def create(self, obj) -> None:
        self.created.append((self.row, obj))

    def update(self, obj) -> None:
        self.updated.append((self.row, obj))


def import_preview(*, actor, kind: str, rows: list[dict]) -> ImportPreview:
    """Check every row as the import would, and write nothing: every bad row with each reason it
    would fail, and every row whose record is already on file."""
    problems, duplicates, _good = _check(actor=actor, register=get(kind), rows=rows)
    return ImportPreview(kind=kind, total=len(rows), problems=problems, duplicates=duplicates)


def import_commit(*, actor, kind: str, rows: list[dict], on_duplicate: str = STOP) -> Recorder:
    """Write every row in one transaction: all rows or none. A row whose record is on file is
    updated, skipped, or (STOP) stops the import before anything is written. Raises
    ValidationError naming each bad row, before writing or when a row fails while writing (then
    everything written is rolled back)."""
    if on_duplicate not in ON_DUPLICATE:
        raise ValueError(on_duplicate)
    cls = get(kind)
    register = cls(actor=actor)
    problems, duplicates, good = _check(actor=actor, register=register, rows=rows)
    if problems:
        raise rejection(problems)
    if duplicates and on_duplicate == STOP:
        raise rejection([RowProblem(d.row, [_("“%(value)s” is already on record.") % {"value": d.identity}])
                         for d in duplicates])  # fmt: skip
    if not good:
        raise ValidationError(_("The file holds no rows to import."), code="empty")
    recorder, failed = Recorder(), []
    with transaction.atomic():
        for number, fields, existing in good:
            recorder.row = number
            if existing is not None and on_duplicate == SKIP:
                recorder.skipped.append(number)
                continue
            try:
                with transaction.atomic():
                    register.save(fields, existing=existing, recorder=recorder)
            except ValidationError as error:
                failed.append(RowProblem(number, reasons_from_error(error, register)))
            except IntegrityError:
                failed.append(
                    RowProblem(number, [_("A record with the same code or number was saved meanwhile.")])
                )
        if failed:
            raise rejection(failed)  # leaving the block with an exception rolls every row back
    return recorder


def rejection(problems: list[RowProblem]) -> ValidationError:
    return ValidationError(
        [
            ValidationError(
                _("Row %(row)d: %(reasons)s") % {"row": problem.row, "reasons": "; ".join(problem.reasons)},
                code="bad_row",
            )
            for problem in problems
        ]
    )


def _check(*, actor, register: type[Register] | Register, rows: list[dict]):
    """(the bad rows with their reasons, the duplicates on record, the good rows as
    (row number, service fields, the record on file or None)). Rows are prepared a chunk at a
    time; repeats inside the file are found by the register's identity."""
    if isinstance(register, type):
        register = register(actor=actor)
    problems, duplicates, good, seen = [], [], [], {}
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        register.prepare(chunk)
        for index, row in enumerate(chunk, start=start):
            number = row.get(ROW) or index + 2
            errors: dict[str, list[str]] = {}
            register.row = number
            values = register.read(row, errors)
            fields = register.check(values, errors)
            identity = register.identity(values) if not errors.get(register.identity_column) else ""
            existing = None
            if identity:
                earlier = seen.setdefault(identity, number)
                if earlier != number:
                    errors.setdefault(register.identity_column, []).append(
                        _("“%(value)s” is also on row %(row)d of this file.")
                        % {"value": identity, "row": earlier}
                    )
                else:
                    existing = register.on_record(identity)
            if errors:
                problems.append(RowProblem(number, reasons(errors, register)))
                continue
            if existing is not None:
                duplicates.append(Duplicate(number, identity, str(existing)))
            good.append((number, fields, existing))
    return problems, duplicates, good


def reasons(errors: dict[str, list[str]], register) -> list[str]:
    order = {column.key: index for index, column in enumerate(register.columns)}
    by_key = {column.key: column for column in register.columns}
    found = []
    for key in sorted(errors, key=lambda key: order.get(key, len(order))):
        label = by_key[key].header() if key in by_key else ""
        found.extend(f"{label}: {message}" if label else str(message) for message in errors[key])
    return found


def reasons_from_error(error: ValidationError, register) -> list[str]:
    """A service's ValidationError as the reasons of a row, each under its column's header."""
    if hasattr(error, "error_dict"):
        field_columns = getattr(register, "field_columns", {})
        errors = {}
        for name, messages in error.message_dict.items():
            key = field_columns.get(name, name)
            errors.setdefault("" if key == "__all__" else key, []).extend(messages)
        return reasons(errors, register)
    return list(error.messages)
