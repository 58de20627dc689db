"""Bulk import pages: upload a file, see every bad row with its reasons, confirm to write all."""

from uuid import uuid4

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from positions.forms_imports import ConfirmForm, ImportForm, kinds_for
from socialwork.imports import reading, services
from socialwork.imports.registry import get

SESSION_KEY = "positions_import"
FOLDER = "imports"


def import_page(request):
    """GET: the upload form. POST with a file: the preview. POST with a token: the import."""
    if not kinds_for(request.user):
        raise PermissionDenied
    if request.method == "POST" and "token" in request.POST:
        return _confirm(request)
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    preview, confirm = None, None
    if request.method == "POST" and form.is_valid():
        kind, upload = form.cleaned_data["kind"], form.cleaned_data["file"]
        try:
            rows = reading.read_rows(upload, kind=kind)
            preview = services.import_preview(actor=request.user, kind=kind, rows=rows)
        except ValidationError as error:
            form.add_error("file", error)
        else:
            if preview.ok:
                confirm = ConfirmForm(initial={"token": _keep_upload(request, kind=kind, upload=upload)})
    return render(
        request,
        "positions/imports/import.html",
        {"form": form, "preview": preview, "confirm": confirm, "kinds": kinds_for(request.user)},
    )


def _confirm(request):
    form = ConfirmForm(request.POST)
    kept = request.session.get(SESSION_KEY)
    if not form.is_valid() or not kept or kept["token"] != form.cleaned_data["token"]:
        messages.error(request, _("This file is no longer waiting to be imported; upload it again."))
        return redirect("positions:import")
    kind = kept["kind"]
    if not get(kind).allowed(request.user):
        raise PermissionDenied
    name = _stored_name(kept)
    try:
        with default_storage.open(name) as stored:
            upload = ContentFile(stored.read(), name=f"upload{kept['ext']}")
    except FileNotFoundError:
        _discard_upload(request)
        messages.error(request, _("This file is no longer waiting to be imported; upload it again."))
        return redirect("positions:import")
    try:
        saved = services.import_commit(
            actor=request.user,
            kind=kind,
            rows=reading.read_rows(upload, kind=kind),
            on_duplicate=form.cleaned_data["on_duplicate"],
        )
    except ValidationError as error:
        _discard_upload(request)
        return render(
            request,
            "positions/imports/import.html",
            {
                "form": ImportForm(user=request.user, initial={"kind": kind}),
                "rejected": error.messages,
                "kinds": kinds_for(request.user),
            },
        )
    _discard_upload(request)
    messages.success(
        request,
        _("%(count)d rows were imported as %(kind)s.")
        % {"count": len(saved.created) + len(saved.updated), "kind": get(kind).label},
    )
    return redirect("positions:import")


def _stored_name(kept: dict) -> str:
    # Built from our own random token and extension only, never from what the person sent.
    return f"{FOLDER}/{kept['token']}{kept['ext']}"


def _keep_upload(request, *, kind: str, upload) -> str:
    """Store the checked file under a random name until the person confirms; return the token."""
    _discard_upload(request)
    token = uuid4().hex
    ext = ".xlsx" if upload.name.lower().endswith(".xlsx") else ".csv"
    upload.seek(0)
    default_storage.save(f"{FOLDER}/{token}{ext}", upload)
    request.session[SESSION_KEY] = {"token": token, "kind": kind, "ext": ext}
    return token


def _discard_upload(request) -> None:
    kept = request.session.pop(SESSION_KEY, None)
    if kept:
        default_storage.delete(_stored_name(kept))


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
]
