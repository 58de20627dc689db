"""Exports of the list pages as CSV or Excel, inline or in the background, and their API.

/reports/export/<key>.<csv|xlsx>?<the list's own filters>: a short list is written during the
request; a long one (over EXPORT_INLINE_LIMIT rows) is handed to a worker and the page shows its
progress, then the download link, which only the person who asked can follow, until the file
expires (EXPORT_RETENTION_HOURS after it is written) and is deleted. Filters the list
page would mark as errors refuse the export: a 400 page naming them, or the API's 400.
"""

import uuid

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, QueryDict, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path, re_path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django_filters.utils import translate_validation
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from reports import exports
from reports.archive.services import ARCHIVE_KEY
from reports.export_tasks import ExportExpired, export_for_download, export_start, requests_of
from socialwork.exceptions import RETRY_AFTER, BackgroundUnavailable
from socialwork.files import file_response
from socialwork.progress import task_state


def _export_or_404(key: str, user) -> exports.Export:
    export = exports.get(key)
    if export is None:
        raise Http404
    if not export.allowed(user):
        raise PermissionDenied
    return export


def _query(params: QueryDict) -> str:
    """The list's filters without its page number."""
    params = params.copy()
    params.pop("page", None)
    return params.urlencode()


def _invalid(request, export: exports.Export, invalid: exports.InvalidFilters):
    """The filters' errors, with a way back to the list they came from."""
    back = request.headers.get("referer", "")
    safe = url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    context = {"export": export, "form": invalid.form, "back": back if safe else ""}
    return render(request, "reports/export_invalid.html", context, status=400)


def export(request, key: str, fmt: str):
    export = _export_or_404(key, request.user)
    try:
        queryset = export.rows_to_write(user=request.user, params=request.GET)
    except exports.InvalidFilters as invalid:
        return _invalid(request, export, invalid)
    count = queryset.count()
    if count > exports.inline_limit():
        try:
            task_id = export_start(user=request.user, key=key, fmt=fmt, query=_query(request.GET))
        except BackgroundUnavailable as unavailable:
            response = render(
                request,
                "reports/export_unavailable.html",
                {"export": export, "message": str(unavailable)},
                status=503,
            )
            response["Retry-After"] = str(RETRY_AFTER)
            return response
        return render(
            request,
            "reports/export_started.html",
            {"export": export, "count": count, "task": task_state(task_id), "format": fmt},
        )
    queryset = exports.export_audit(
        export=export, user=request.user, queryset=queryset, count=count, fmt=fmt, params=request.GET
    )
    rows = exports.rows_of(export, queryset)
    if fmt == "csv":
        response = StreamingHttpResponse(exports.csv_chunks(rows), content_type=exports.FORMATS["csv"])
        response["Content-Disposition"] = f'attachment; filename="{export.filename(fmt)}"'
        return response
    return FileResponse(
        exports.xlsx_file(rows, title=str(export.title)),
        as_attachment=True,
        filename=export.filename(fmt),
        content_type=exports.FORMATS["xlsx"],
    )


def export_status(request, task_id):
    """The progress bar, then the download link (htmx polls this until the export is done).
    Someone else's export does not exist, finished or not."""
    requested = get_object_or_404(requests_of(request.user), pk=task_id)
    return render(
        request,
        "reports/export_status.html",
        {"task": task_state(str(task_id)), "requested": requested, **_download_of(requested)},
    )


def _download_of(requested) -> dict:
    """The download link and until when it holds, once written; whether it expired."""
    written = requested.status == requested.Status.DONE and bool(requested.file)
    if not written or requested.expired:
        return {"download": "", "expires_at": None, "expired": written}
    download = "reports:archive_download" if requested.key == ARCHIVE_KEY else "reports:export_download"
    return {
        "download": reverse(download, args=[requested.pk]),
        "expires_at": requested.expires_at,
        "expired": False,
    }


def export_download(request, task_id):
    """The written file, to its owner alone, until it expires (then 410 saying so)."""
    try:
        requested = export_for_download(user=request.user, request_id=task_id)
    except ExportExpired as expired:
        return render(request, "reports/export_expired.html", {"requested": expired.request}, status=410)
    if requested is None:
        raise Http404
    export = exports.get(requested.key)
    finished = timezone.localtime(requested.finished_at)
    return file_response(
        requested.file.name,
        filename=f"{export.title}-{finished:%Y%m%d-%H%M}.{requested.format}",
        content_type=exports.FORMATS[requested.format],
    )


urlpatterns = [
    re_path(r"^export/(?P<key>[\w-]+)\.(?P<fmt>csv|xlsx)$", export, name="export"),
    path("export/tasks/<uuid:task_id>/", export_status, name="export_status"),
    path("export/tasks/<uuid:task_id>/download/", export_download, name="export_download"),
]


# API: POST /api/v1/exports/ starts a background export; GET /api/v1/exports/<task id>/ reads it.


class ExportRequestSerializer(serializers.Serializer):
    key = serializers.CharField()
    format = serializers.ChoiceField(choices=list(exports.FORMATS))
    filters = serializers.DictField(
        child=serializers.CharField(allow_blank=True), required=False, default=dict
    )


class ExportStartedSerializer(serializers.Serializer):
    task_id = serializers.CharField()
    status_url = serializers.CharField()


class ExportStateSerializer(serializers.Serializer):
    task_id = serializers.CharField()
    state = serializers.CharField()
    percent = serializers.IntegerField()
    download_url = serializers.CharField(allow_null=True)
    expires_at = serializers.DateTimeField(allow_null=True, help_text="The file is deleted then.")


class ExportViewSet(viewsets.ViewSet):
    """Exports of the list pages, always written in the background."""

    lookup_value_regex = "[0-9a-f-]{36}"
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=ExportRequestSerializer,
        responses={
            202: ExportStartedSerializer,
            503: OpenApiResponse(
                description="The background service is down; retry after Retry-After seconds."
            ),
        },
    )
    def create(self, request):
        serializer = ExportRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        export = exports.get(data["key"])
        if export is None:
            raise NotFound
        if not export.allowed(request.user):
            raise ApiPermissionDenied
        query = QueryDict(mutable=True)
        query.update(data["filters"])
        try:
            export.queryset(user=request.user, params=query)  # checks the filters; reads nothing
        except exports.InvalidFilters as invalid:
            # The list endpoints' 400 for the same filters (DjangoFilterBackend), under "filters".
            raise ApiValidationError({"filters": translate_validation(invalid.form.errors).detail}) from None
        task_id = export_start(user=request.user, key=export.key, fmt=data["format"], query=query.urlencode())
        return Response(
            {"task_id": task_id, "status_url": reverse("report-export-detail", args=[task_id])},
            status=status.HTTP_202_ACCEPTED,
        )

    @extend_schema(
        parameters=[OpenApiParameter("id", str, OpenApiParameter.PATH)], responses=ExportStateSerializer
    )
    def retrieve(self, request, pk=None):
        """The export's state; its download link once written. Someone else's export does not
        exist, finished or not."""
        try:
            requested = requests_of(request.user).filter(pk=uuid.UUID(pk)).first()
        except ValueError:  # the route takes 36 hex digits and dashes, not all of them make an id
            requested = None
        if requested is None:
            raise NotFound
        state = task_state(pk)
        download = _download_of(requested)
        return Response(
            {
                "task_id": pk,
                "state": state["state"],
                "percent": state["percent"],
                "download_url": download["download"] or None,
                "expires_at": download["expires_at"],
            }
        )


def register(router) -> None:
    router.register("exports", ExportViewSet, basename="report-export")
