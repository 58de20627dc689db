"""The import page: upload a file of one register or a workbook of several, see every bad row
with its reasons and every row already on record, confirm; a large file is checked and written
in the background with a progress bar. The person's runs are listed, each undoable for a time."""

from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerError

from socialwork.exceptions import BackgroundUnavailable
from socialwork.models import ImportRun
from socialwork.pages import confirmation

from . import reading, runs, selectors
from .cells import listing
from .forms import ConfirmForm, ImportForm, kinds_for
from .registry import get
from .tasks import import_preview_task, progress_of

# Read errors that a larger, background reading of the same file gets past.
TOO_LARGE_HERE = {"too_many_rows", "too_large_dimension", "too_large", "too_large_unpacked", "too_slow"}
RECENT_RUNS = 20


@dataclass
class Problem:
    row: int
    reasons: list[str]


@dataclass
class SheetPreview:
    kind: str
    label: str
    sheet: str
    total: int
    good: int
    problems: list[Problem] = field(default_factory=list)
    duplicates: list[tuple] = field(default_factory=list)


@dataclass
class Preview:
    """A run's preview as the page shows it: each sheet's rows, bad rows and duplicates."""

    sheets: list[SheetPreview]
    errors: list[str]
    left_out: list[str] = field(default_factory=list)  # sheets of registers for others to import

    @classmethod
    def of(cls, run: ImportRun) -> "Preview":
        data = run.preview
        sheets = [
            SheetPreview(
                kind=sheet["kind"], label=sheet["label"], sheet=sheet["sheet"], total=sheet["total"],
                good=sheet["good"], problems=[Problem(row, reasons) for row, reasons in sheet["problems"]],
                duplicates=[tuple(duplicate) for duplicate in sheet["duplicates"]],
            )
            for sheet in data.get("sheets", [])
        ]  # fmt: skip
        return cls(sheets=sheets, errors=data.get("errors", []), left_out=data.get("left_out", []))

    @property
    def left_out_text(self) -> str:
        return listing(self.left_out)

    @property
    def total(self) -> int:
        return sum(sheet.total for sheet in self.sheets)

    @property
    def good(self) -> int:
        return sum(sheet.good for sheet in self.sheets)

    @property
    def problems(self) -> list[Problem]:
        return [problem for sheet in self.sheets for problem in sheet.problems]

    @property
    def duplicates(self) -> list[tuple]:
        return [duplicate for sheet in self.sheets for duplicate in sheet.duplicates]

    @property
    def ok(self) -> bool:
        return not self.errors and self.total > 0 and not self.problems


WAITING = (ImportRun.Status.CHECKING, ImportRun.Status.QUEUED, ImportRun.Status.RUNNING)


def _page(request, *, form=None, run=None, confirm=None, **context):
    checked = run is not None and run.status in (ImportRun.Status.CHECKED, ImportRun.Status.FAILED)
    preview = Preview.of(run) if checked and run.preview_text else None
    if (
        confirm is None
        and preview is not None
        and preview.ok
        and run.status == ImportRun.Status.CHECKED
        and run.started_by_id == request.user.pk
    ):
        confirm = ConfirmForm(initial={"token": run.pk.hex}, duplicates=bool(preview.duplicates))
    return render(
        request,
        "imports/import.html",
        {
            "form": form or ImportForm(user=request.user),
            "run": run,
            "preview": preview,
            "confirm": confirm,
            "kinds": kinds_for(request.user),
            "runs": [
                (item, _label(item)) for item in selectors.runs_visible_to(user=request.user)[:RECENT_RUNS]
            ],
            **context,
        },
    )


def import_page(request):
    """GET: the upload form and the person's runs. POST with a file: the preview (or, for a large
    file, the run's page while the worker checks it). POST with a token: the import."""
    if not kinds_for(request.user):
        raise PermissionDenied
    if request.method == "POST" and "token" in request.POST:
        return _confirm(request)
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if not (request.method == "POST" and form.is_valid()):
        return _page(request, form=form)
    upload = form.cleaned_data["file"]
    run = runs.import_run_create(actor=request.user, register=form.cleaned_data["kind"], upload=upload)
    try:
        if upload.size <= reading.MAX_BYTES:
            try:
                runs.import_run_preview(run=run)
            except ValidationError as error:
                if not TOO_LARGE_HERE.intersection(item.code for item in error.error_list):
                    raise
            else:
                # The form keeps what was chosen, for the corrected file.
                chosen = ImportForm(user=request.user, initial={"kind": run.register})
                return _page(request, form=chosen, **_run_context(request, run))
        runs.background_precheck(run)  # too large for the request: the worker reads it, if it may
    except ValidationError as error:
        runs.discard_file(run)
        run.delete()
        form.add_error("file", error)
        return _page(request, form=form)
    try:
        import_preview_task.apply_async((str(run.pk),), task_id=f"{run.pk}-preview")
    except BrokerError as error:
        runs.discard_file(run)
        run.delete()
        raise BackgroundUnavailable from error
    return redirect("positions:import_run", run.pk)


def _run(request, pk) -> ImportRun:
    return get_object_or_404(selectors.runs_visible_to(user=request.user), pk=pk)


def _confirm(request):
    token = ConfirmForm(request.POST).fields["token"]
    try:
        run = ImportRun.objects.filter(
            pk=token.clean(request.POST.get("token", "")),
            started_by=request.user,
            status=ImportRun.Status.CHECKED,
        ).first()
    except ValidationError:
        run = None
    if run is None or not run.stored_file or not Preview.of(run).ok:
        messages.error(request, _("This file is no longer waiting to be imported; upload it again."))
        return redirect("positions:import")
    form = ConfirmForm(request.POST, duplicates=bool(Preview.of(run).duplicates))
    if not form.is_valid():  # the rows already on record: nobody chose what becomes of them
        return _page(request, confirm=form, **_run_context(request, run))
    written = runs.import_run_confirm(
        actor=request.user, run=run, on_duplicate=form.cleaned_data["on_duplicate"]
    )
    if not written:
        return redirect("positions:import_run", run.pk)
    run.refresh_from_db()
    if run.status == ImportRun.Status.FAILED:
        return _page(request, rejected=run.problems)
    messages.success(
        request,
        _("Imported (%(kind)s): %(created)d records created, %(updated)d updated, %(skipped)d rows skipped.")
        % {"kind": _label(run), "created": run.created_count, "updated": run.updated_count,
           "skipped": run.skipped_count},
    )  # fmt: skip
    return redirect("positions:import_run", run.pk)


def _label(run: ImportRun):
    return run.register_label


def import_run_page(request, pk):
    """One run: its preview while it waits to be confirmed, its progress while it runs, what it
    wrote (and the undo) once done."""
    if not kinds_for(request.user) and not request.user.is_superuser:
        raise PermissionDenied
    run = _run(request, pk)
    return _page(request, **_run_context(request, run))


def _run_context(request, run: ImportRun) -> dict:
    current, total = progress_of(run)
    percent = run.percent if run.finished or not total else min(100, round(100 * current / total))
    return {
        "run": run,
        "current": current,
        "total": total,
        "percent": percent,
        "polling": run.status in WAITING,
        "actions": selectors.actions_for(request.user, run),
        "label": _label(run),
    }


def import_run_progress(request, pk):
    """The run's block, polled while it waits or runs; once checked, the run's page (its preview)."""
    run = _run(request, pk)
    response = render(request, "imports/_run.html", _run_context(request, run))
    if run.status == ImportRun.Status.CHECKED and request.htmx:
        response["HX-Redirect"] = reverse("positions:import_run", args=[run.pk])
    return response


def import_undo(request, pk):
    """Undo a run, after the person confirms; what depends on it is said instead, when anything does."""
    if request.method != "POST":
        return redirect("positions:import_run", pk)
    run = _run(request, pk)
    actions = selectors.actions_for(request.user, run)
    asked = confirmation(request, actions.get("undo"), subject=run, back=_Back(run))
    if asked is not None:
        return asked
    try:
        runs.import_undo(actor=request.user, run=run)
    except ValidationError as error:
        return _page(request, **_run_context(request, run), blockers=error.messages)
    messages.success(request, _("The import of %(file)s was undone.") % {"file": run.file_name})
    return redirect("positions:import_run", run.pk)


@dataclass
class _Back:
    run: ImportRun

    def get_absolute_url(self):
        return reverse("positions:import_run", args=[self.run.pk])


def import_template(request, kind):
    try:
        register = get(kind)
    except ValidationError:
        raise Http404 from None
    if not register.allowed(request.user):
        raise PermissionDenied
    response = HttpResponse(
        reading.template_workbook(kind=kind),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{kind}-template.xlsx"'
    return response


urlpatterns = [
    path("imports/", import_page, name="import"),
    path("imports/template/<str:kind>.xlsx", import_template, name="import_template"),
    path("imports/runs/<uuid:pk>/", import_run_page, name="import_run"),
    path("imports/runs/<uuid:pk>/progress/", import_run_progress, name="import_run_progress"),
    path("imports/runs/<uuid:pk>/undo/", import_undo, name="import_undo"),
]
