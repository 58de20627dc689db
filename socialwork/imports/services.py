"""The preview that names every bad row and every duplicate on record, and the commit that writes
every row or none, each row through its register's `save` (the app's own services)."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
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
    """What a commit wrote, row by row: each record created or changed, with its row number.

    With a run (`socialwork.models.ImportRun`), `flush` writes what was recorded so far as the
    run's `ImportedRecord` rows (file, sheet, row; for a changed record its values before) and
    forgets the objects, so that a run of 100,000 rows does not hold 100,000 model objects; the
    counts stay. Without a run, the lists keep everything (tests, small imports)."""

    row: int = 0
    sheet: str = ""
    created: list[tuple[int, object]] = field(default_factory=list)
    updated: list[tuple[int, object]] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    created_count: int = 0
    updated_count: int = 0
    skipped_count: int = 0
    # The values of the record on file before the row's save, taken by the mechanism, by (model, pk).
    snapshots: dict = field(default_factory=dict)
    _before: list[str] = field(default_factory=list)

    def create(self, obj) -> None:
        self.created.append((self.row, obj))
        self.created_count += 1

    def update(self, obj) -> None:
        self.updated.append((self.row, obj))
        self._before.append(self.snapshots.get((type(obj), obj.pk), ""))
        self.updated_count += 1

    def skip(self) -> None:
        self.skipped.append(self.row)
        self.skipped_count += 1

    def snapshot(self, obj) -> None:
        """Keep the values `obj` has now, before the row's save changes them (for undo)."""
        if obj is None:
            return
        values = {
            # A document's value is its name in the storage: undo gives back the name, not the file.
            f.attname: getattr(obj, f.attname).name
            if isinstance(f, models.FileField)
            else getattr(obj, f.attname)
            for f in obj._meta.concrete_fields
            if not f.primary_key
        }
        from socialwork.models import ImportedRecord

        self.snapshots = {(type(obj), obj.pk): ImportedRecord.encode_before(values)}

    def flush(self, run) -> None:
        """Write what was recorded as the run's ImportedRecord rows, in bulk, and let it go."""
        from django.contrib.contenttypes.models import ContentType

        from socialwork.models import ImportedRecord

        records = [
            ImportedRecord(
                run=run, content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk),
                sheet=self.sheet, row=row, action=ImportedRecord.Action.CREATED,
            )
            for row, obj in self.created
        ] + [
            ImportedRecord(
                run=run, content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk),
                sheet=self.sheet, row=row, action=ImportedRecord.Action.UPDATED, before_text=before,
            )
            for (row, obj), before in zip(self.updated, self._before, strict=True)
        ]  # fmt: skip
        ImportedRecord.objects.bulk_create(records, batch_size=CHUNK)
        self.created, self.updated, self.skipped, self._before, self.snapshots = [], [], [], [], {}


def import_preview(
    *, actor, kind: str, rows: list[dict], pending: dict[str, set] | None = None
) -> ImportPreview:
    """Check every row as the import would, and write nothing: every bad row with each reason it
    would fail, and every row whose record is already on file. `pending` holds the identities the
    earlier sheets of the same workbook bring in, by register key; this sheet's good identities
    are added to it for the sheets after it."""
    register = get(kind)(actor=actor, pending=pending)
    preview = ImportPreview(kind=kind, total=0)
    identities = set()
    for chunk_rows, problems, duplicates, good in _chunks(register=register, rows=rows):
        preview.total += chunk_rows
        preview.problems += problems
        preview.duplicates += duplicates
        identities.update(identity for _number, _fields, _existing, identity in good if identity)
    if pending is not None:
        pending.setdefault(kind, set()).update(identities)
    return preview


def import_commit(
    *,
    actor,
    kind: str,
    rows: list[dict],
    on_duplicate: str = STOP,
    run=None,
    sheet: str = "",
    pending: dict[str, set] | None = None,
    progress=None,
) -> Recorder:
    """Write every row in one transaction: all rows or none. A row whose record is on file is
    updated, skipped, or (STOP) stops the import before anything is written. Raises
    ValidationError naming each bad row, before writing or when a row fails while writing (then
    everything written is rolled back).

    Rows are checked and written a chunk at a time (CHUNK), so memory stays flat however long the
    file: with a `run`, each chunk's records are written as the run's ImportedRecord rows under
    `sheet` and forgotten. `progress(rows done)` is called after each chunk."""
    if on_duplicate not in ON_DUPLICATE:
        raise ValueError(on_duplicate)
    register = get(kind)(actor=actor, pending=pending)
    recorder, failed, done, written = Recorder(sheet=sheet), [], 0, 0
    with transaction.atomic():
        for chunk_rows, problems, duplicates, good in _chunks(register=register, rows=rows):
            done += chunk_rows
            failed += problems
            if duplicates and on_duplicate == STOP:
                failed += [
                    RowProblem(d.row, [_("“%(value)s” is already on record.") % {"value": d.identity}])
                    for d in duplicates
                ]
            if failed:  # nothing more is written; the rest is checked, to name every bad row
                continue
            for number, fields, existing, _identity in good:
                recorder.row = number
                written += 1
                if existing is not None and on_duplicate == SKIP:
                    recorder.skip()
                    continue
                recorder.snapshot(existing)
                try:
                    with transaction.atomic():
                        register.save(fields, existing=existing, recorder=recorder)
                except ValidationError as error:
                    failed.append(RowProblem(number, reasons_from_error(error, register)))
                except IntegrityError:
                    failed.append(
                        RowProblem(number, [_("A record with the same code or number was saved meanwhile.")])
                    )
            if run is not None and not failed:
                recorder.flush(run)
            if progress is not None:
                progress(done)
        if failed:
            raise rejection(failed)  # leaving the block with an exception rolls every row back
        if not written:
            raise ValidationError(_("The file holds no rows to import."), code="empty")
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


def _chunks(*, register: Register, rows):
    """For each chunk of CHUNK rows: (its number of rows, its bad rows with their reasons, its
    duplicates on record, its good rows as (row number, service fields, the record on file or
    None, identity)). Each chunk is prepared (the register's bulk lookups) before it is checked;
    repeats inside the file are found by the register's identity across chunks. A chunk's rows
    are let go once checked, so only one chunk of row dicts is held at a time when the rows come from `consumed`."""
    seen = {}
    index = 0
    for chunk in _batches(rows):
        register.prepare(chunk)
        problems, duplicates, good = [], [], []
        for row in chunk:
            number = row.get(ROW) or index + 2
            index += 1
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
            good.append((number, fields, existing, identity))
        yield len(chunk), problems, duplicates, good


def _batches(rows):
    """The rows CHUNK at a time, from a list or any iterable (`consumed` lets a list's rows go)."""
    if isinstance(rows, list):
        for start in range(0, len(rows), CHUNK):
            yield rows[start : start + CHUNK]
        return
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def consumed(rows: list):
    """The rows of a list one by one, each let go of as it is read (the list is emptied), so that
    a background run holds one chunk of row dicts at a time, not the file's."""
    rows.reverse()
    while rows:
        yield rows.pop()


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
