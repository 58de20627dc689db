"""Import runs: an uploaded file kept, checked (the preview) and written (the commit) as one
`ImportRun`, in the request for a small file or by the Celery worker for a large one, each
record written kept as an `ImportedRecord` (its file, sheet and row); and a run undone.

The worker is sent the run's id and nothing else: the file is found from the run, in the storage,
under a name made of the run's id alone."""

import logging
from contextlib import nullcontext

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.dispatch import Signal
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from socialwork import notifications
from socialwork.actions import ActionNotAllowed, action_require
from socialwork.models import ImportedRecord, ImportRun
from socialwork.models.imports import WORKBOOK
from socialwork.services import audit_record, notification_send

from . import reading, selectors, services
from .cells import listing
from .registry import CHUNK, get

logger = logging.getLogger(__name__)

FOLDER = "imports"


def stored_name(run: ImportRun, ext: str) -> str:
    # Made of the run's id and our own extension only, never of what the person sent.
    return f"{FOLDER}/{run.pk.hex}{ext}"


def import_run_create(*, actor, register: str, upload) -> ImportRun:
    """Keep an uploaded file (already checked by the form) as a new run of `register` (a register's
    key, or WORKBOOK for a workbook of several), waiting for its preview."""
    if register != WORKBOOK and not get(register).allowed(actor):
        raise ActionNotAllowed()
    run = ImportRun(started_by=actor, register=register, file_name=(upload.name or "")[-255:])
    ext = ".xlsx" if (upload.name or "").lower().endswith(".xlsx") else ".csv"
    upload.seek(0)
    run.stored_file = default_storage.save(stored_name(run, ext), upload)
    run.save()
    return run


def _upload(run: ImportRun):
    with default_storage.open(run.stored_file) as stored:
        return ContentFile(stored.read(), name=f"upload{run.stored_file[-5:]}")


def background_precheck(run: ImportRun) -> None:
    """The checks made before parsing, with the background limits: a file too large even for the
    worker raises its ValidationError now."""
    with reading.background():
        reading.check_file(_upload(run))


def discard_file(run: ImportRun) -> None:
    if run.stored_file:
        default_storage.delete(run.stored_file)
        ImportRun.objects.filter(pk=run.pk).update(stored_file="")
        run.stored_file = ""


def _sheets(run: ImportRun, *, background: bool):
    """(register key, sheet title, rows) of each sheet of the run's file."""
    with reading.background() if background else nullcontext():
        upload = _upload(run)
        if run.register == WORKBOOK:
            return reading.read_workbook(upload)
        return [(run.register, "", reading.read_rows(upload, kind=run.register))]


def _allowed_sheets(actor, sheets, *, workbook: bool):
    """(the sheets this person may import, the titles of those left for others). A workbook the
    whole bureau keeps holds registers for different people (the district's organizations and
    projects, a station's clients and cases): each imports their own sheets, the others are named
    and left alone. A file of one register the person may not import is refused."""
    allowed = [sheet for sheet in sheets if get(sheet[0]).allowed(actor)]
    refused = [sheet for sheet in sheets if not get(sheet[0]).allowed(actor)]
    if refused and (not workbook or not allowed):
        raise ValidationError(
            _("You may not import these registers: %(registers)s.")
            % {"registers": listing(str(get(key).label) for key, _title, _rows in refused)},
            code="permission",
        )
    return allowed, [title or str(get(key).label) for key, title, _rows in refused]


# The preview


def import_run_preview(*, run: ImportRun, background: bool = False, progress=None) -> dict:
    """Check the run's file and keep the preview on the run (each sheet's rows, bad rows with
    reasons, duplicates on record); returned as a dict. Identities the earlier sheets of a
    workbook bring in are accepted by the later ones (`Register.pending`). A file that cannot be
    read raises its ValidationError in a request (the form shows it); in the background it is
    kept as the preview's errors, with nothing to confirm."""
    actor = run.started_by
    with translation.override(actor.language) if background else nullcontext():
        try:
            sheets, left_out = _allowed_sheets(
                actor, _sheets(run, background=background), workbook=run.register == WORKBOOK
            )
        except ValidationError as error:
            if not background:
                raise
            preview = {"errors": list(error.messages), "sheets": [], "left_out": []}
        else:
            pending, found = {}, []
            total = sum(len(rows) for _key, _title, rows in sheets)
            done = 0
            for key, title, rows in sheets:
                checked = services.import_preview(actor=actor, kind=key, rows=rows, pending=pending)
                done += checked.total
                found.append(_sheet_preview(key, title, checked))
                if progress is not None:
                    progress(done, total)
            preview = {"errors": [], "sheets": found, "left_out": left_out}
    run.preview = preview
    run.progress_total = sum(sheet["total"] for sheet in preview["sheets"])
    # A file with bad rows is not waiting for anyone: nothing of it will be imported, and the
    # corrected file is a new run. Its preview stays, for the page to show every bad row.
    run.status = ImportRun.Status.CHECKED if preview_ok(preview) else ImportRun.Status.FAILED
    run.save(update_fields=["preview_text", "progress_total", "status", "updated_at"])
    if run.status == ImportRun.Status.FAILED:
        discard_file(run)
    return preview


def _sheet_preview(key, title, checked) -> dict:
    return {
        "kind": key,
        "label": str(get(key).label),
        "sheet": title,
        "total": checked.total,
        "good": checked.good,
        "problems": [[problem.row, problem.reasons] for problem in checked.problems],
        "duplicates": [[d.row, d.identity, d.record] for d in checked.duplicates],
    }


def preview_ok(preview: dict) -> bool:
    sheets = preview.get("sheets") or []
    return (
        not preview.get("errors")
        and any(sheet["total"] for sheet in sheets)
        and not any(sheet["problems"] for sheet in sheets)
    )


# The commit


def import_run_confirm(*, actor, run: ImportRun, on_duplicate: str) -> bool:
    """The person confirms a checked run: it is written now (True) or queued for the worker
    (False, for more than IMPORT_INLINE_ROWS rows). Only its own person confirms, once."""
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run.pk)
        if run.started_by_id != actor.pk or run.status != ImportRun.Status.CHECKED or not run.stored_file:
            raise ActionNotAllowed(_("This file is no longer waiting to be imported; upload it again."))
        run.on_duplicate = on_duplicate
        run.status = ImportRun.Status.QUEUED
        run.save(update_fields=["on_duplicate", "status", "updated_at"])
    if run.progress_total > settings.IMPORT_INLINE_ROWS:
        from .tasks import import_run_task

        transaction.on_commit(lambda: import_run_task.apply_async((str(run.pk),), task_id=str(run.pk)))
        return False
    import_run_execute(run_id=run.pk)
    return True


def import_run_execute(*, run_id, background: bool = False, progress=None) -> ImportRun | None:
    """Write a queued run: every sheet in one transaction, all or nothing, each record kept as
    the run's ImportedRecord; then the run says what was written or why nothing was, its file is
    deleted, the audit log has one row for the run, and (in the background) its person is told.
    Safe to run twice: a run no longer queued is left as it is."""
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().select_related("started_by").filter(pk=run_id).first()
        if run is None or run.status != ImportRun.Status.QUEUED:
            return None
        run.status = ImportRun.Status.RUNNING
        run.save(update_fields=["status", "updated_at"])
    actor = run.started_by
    counts = {"created": 0, "updated": 0, "skipped": 0}
    with translation.override(actor.language) if background else nullcontext():
        try:
            sheets, _left_out = _allowed_sheets(
                actor, _sheets(run, background=background), workbook=run.register == WORKBOOK
            )
            with transaction.atomic():
                pending, done = {}, 0
                for key, title, rows in sheets:
                    before = done
                    recorder = services.import_commit(
                        actor=actor,
                        kind=key,
                        rows=services.consumed(rows),
                        on_duplicate=run.on_duplicate,
                        run=run,
                        sheet=title or str(get(key).sheet_names[0] if get(key).sheet_names else ""),
                        pending=pending,
                        progress=(lambda n, base=before: progress(base + n, run.progress_total))
                        if progress
                        else None,
                    )
                    done += recorder.created_count + recorder.updated_count + recorder.skipped_count
                    counts["created"] += recorder.created_count
                    counts["updated"] += recorder.updated_count
                    counts["skipped"] += recorder.skipped_count
                _keep_parts(run)
                _finish(run, ImportRun.Status.DONE, counts=counts, problems=[])
                audit_record(
                    actor=actor,
                    action="import.run",
                    target=run,
                    summary=f"{run.register}: {counts['created']} created, {counts['updated']} updated",
                    changes={"register": run.register, **counts},
                )
        except ValidationError as error:
            _finish(run, ImportRun.Status.FAILED, counts={}, problems=list(error.messages))
        except Exception:
            _finish(
                run,
                ImportRun.Status.FAILED,
                counts={},
                problems=[_("The import failed; nothing was written.")],
            )
            discard_file(run)
            raise
        discard_file(run)
        if background:
            _tell(run)
    return run


def _keep_parts(run: ImportRun) -> None:
    """Keep as the run's the rows its services wrote beside its records (a case's clients and first
    status change, a worker's caseload entry, a session's attendance): rows without a time of their
    own that undoing would otherwise take for something built on the run since."""
    created = selectors.created_by(run)
    ours = {(ct.model_class(), str(pk)) for ct, pks in created.items() for pk in pks}
    parts = {
        (obj._meta.model, str(obj.pk))
        for content_type, pks in created.items()
        for obj, _parent in selectors.rows_beside(content_type.model_class(), pks, ours)
    }
    ImportedRecord.objects.bulk_create(
        [
            ImportedRecord(
                run=run, content_type=ContentType.objects.get_for_model(model), object_id=pk,
                sheet="", row=0, action=ImportedRecord.Action.CREATED,
            )
            for model, pk in parts
        ],
        batch_size=CHUNK,
    )  # fmt: skip


def _finish(run: ImportRun, status, *, counts: dict, problems: list[str]) -> None:
    run.status = status
    run.created_count = counts.get("created", 0)
    run.updated_count = counts.get("updated", 0)
    run.skipped_count = counts.get("skipped", 0)
    run.problems = problems
    run.progress_current = run.progress_total if status == ImportRun.Status.DONE else run.progress_current
    run.finished_at = timezone.now()
    run.save()


def _tell(run: ImportRun) -> None:
    if run.status == ImportRun.Status.DONE:
        title = _("Your import of %(file)s is done") % {"file": run.file_name}
        body = _("%(created)d records created, %(updated)d updated, %(skipped)d rows skipped.") % {
            "created": run.created_count,
            "updated": run.updated_count,
            "skipped": run.skipped_count,
        }
    else:
        title = _("Your import of %(file)s wrote nothing") % {"file": run.file_name}
        body = _("%(count)d rows stopped it; the import page lists them.") % {"count": len(run.problems)}
    notification_send(
        user=run.started_by,
        kind=notifications.IMPORT_FINISHED,
        key=f"import:{run.pk}",
        title=title,
        body=body,
        url=reverse("positions:import_run", args=[run.pk]),
    )


# Undo

# Sent inside an undo's transaction before it deletes what the run created, with `run` and
# `created` ({model: [pk, ...]}). A receiver may return a function, called once they are deleted:
# an app whose kept tables derive from those records (casework's caseloads and tallies) puts
# them right that way.
undoing = Signal()


def import_undo(*, actor, run: ImportRun) -> None:
    """Undo a run as a whole: delete every record it created (the last created first) and give
    every record it updated its values from before, in one transaction, with one audit row. Only
    its person or a district administrator, within IMPORT_UNDO_DAYS, and only when nothing has
    been built on it since (`selectors.undo_blockers`, raised as the ValidationError's messages)."""
    action_require(selectors.actions_for(actor, run), "undo")
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run.pk)
        blockers = selectors.undo_blockers(run)
        if blockers:
            raise ValidationError(blockers, code="undo_blocked")
        created = {ct.model_class(): pks for ct, pks in selectors.created_by(run).items()}
        afterwards = [
            then for _receiver, then in undoing.send(sender=ImportRun, run=run, created=created) if then
        ]
        records = run.records.select_related("content_type").order_by("-pk")
        deleted = restored = 0
        group, group_type = [], None
        for record in records.iterator(chunk_size=CHUNK):
            if record.action == ImportedRecord.Action.UPDATED:
                _restore(record)
                restored += 1
                continue
            if record.content_type_id != group_type or len(group) >= CHUNK:
                deleted += _delete(group_type, group)
                group, group_type = [], record.content_type_id
            group.append(record.object_id)
        deleted += _delete(group_type, group)
        for then in afterwards:
            then()
        run.status = ImportRun.Status.UNDONE
        run.undone_at = timezone.now()
        run.undone_by = actor
        run.save(update_fields=["status", "undone_at", "undone_by", "updated_at"])
        audit_record(
            actor=actor,
            action="import.undo",
            target=run,
            summary=f"{run.register}: {deleted} deleted, {restored} restored",
            changes={"register": run.register, "deleted": deleted, "restored": restored},
        )


def _delete(content_type_id, pks) -> int:
    if not pks:
        return 0
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    objs = list(model._base_manager.filter(pk__in=pks))
    collector = Collector(using=model._base_manager.db)
    try:
        collector.collect(objs)
    except (ProtectedError, RestrictedError) as error:
        raise ValidationError(
            _("%(kind)s cannot be deleted: other records depend on them.")
            % {"kind": model._meta.verbose_name_plural}
        ) from error
    collector.delete()
    return len(objs)


def _restore(record: ImportedRecord) -> None:
    model = record.content_type.model_class()
    obj = model._base_manager.filter(pk=record.object_id).first()
    before = record.before
    if obj is None or before is None:
        return
    fields = {field.attname: field for field in model._meta.concrete_fields if not field.primary_key}
    names = []
    for attname, value in before.items():
        field = fields.get(attname)
        if field is None or attname == "updated_at":
            continue
        setattr(obj, attname, field.to_python(value) if value is not None else None)
        names.append(field.name)
    obj.save(update_fields=names + (["updated_at"] if "updated_at" in fields else []))
