"""/api/v1/reports/: the annual reports a person may see; starting one; downloading its files."""

from dataclasses import asdict

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import decorators, mixins, permissions, serializers, status, viewsets
from rest_framework.renderers import BaseRenderer
from rest_framework.response import Response

from positions.api.network import ScopedRelatedField
from positions.selectors.network import regions_visible_to
from reports import figures, services
from reports.models import AnnualReport
from reports.views.annual import CONTENT_TYPES, annual_file_response
from socialwork.progress import task_state


class _FileRenderer(BaseRenderer):
    """Lets `?format=xlsx|pdf` through DRF's content negotiation; the view answers with the file."""

    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class XlsxRenderer(_FileRenderer):
    media_type, format = CONTENT_TYPES["xlsx"], "xlsx"


class PdfRenderer(_FileRenderer):
    media_type, format = CONTENT_TYPES["pdf"], "pdf"


class AnnualReportSerializer(serializers.ModelSerializer):
    # A part of the person's place: a district of a city, a town or street of a district.
    part = ScopedRelatedField(regions_visible_to, source="town", allow_null=True, required=False)
    progress = serializers.SerializerMethodField()
    downloads = serializers.SerializerMethodField()

    class Meta:
        model = AnnualReport
        fields = [
            "id", "year", "part", "status", "task_id", "error", "progress", "downloads", "requested_by",
            "created_at", "finished_at",
        ]  # fmt: skip
        read_only_fields = ["status", "task_id", "error", "requested_by", "created_at", "finished_at"]

    def get_progress(self, report) -> int:
        """Percent done: 100 once finished, else the task's own report."""
        if report.is_finished:
            return 100
        if not self.context.get("with_progress") or not report.task_id:
            return 0
        return task_state(report.task_id)["percent"]

    def get_downloads(self, report) -> dict[str, str]:
        if report.status != AnnualReport.Status.DONE:
            return {}
        base = self.context["request"].build_absolute_uri(
            reverse("annual-report-download", kwargs={"pk": report.pk})
        )
        return {kind: f"{base}?format={kind}" for kind in ("xlsx", "pdf")}

    def create(self, validated_data):
        return services.report_request(
            actor=self.context["request"].user, year=validated_data["year"], part=validated_data.get("town")
        )


class AnnualReportViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Annual reports: district-wide people see those of their region, station managers their
    station's. Creating one starts it in the background; follow `progress` and `status`."""

    serializer_class = AnnualReportSerializer
    permission_classes = [permissions.IsAuthenticated]  # who may start one is the service's rule
    filterset_fields = ["year", "status"]

    def get_queryset(self):
        if not self.request.user.is_authenticated:  # the schema generator asks anonymously
            return AnnualReport.objects.none()
        return AnnualReport.objects.visible_to(self.request.user).select_related("town")

    def get_serializer_context(self):
        # The task's progress costs a query each: only for one report, not for a list.
        return {**super().get_serializer_context(), "with_progress": self.action != "list"}

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = serializer.save()
        return Response(self.get_serializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[OpenApiParameter("format", str, enum=["xlsx", "pdf"])],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    @decorators.action(detail=True, url_path="download", renderer_classes=[XlsxRenderer, PdfRenderer])
    def download(self, request, pk=None):
        report = self.get_object()
        kind = request.query_params.get("format", "xlsx")
        if (
            kind not in CONTENT_TYPES
            or report.status != AnnualReport.Status.DONE
            or not getattr(report, kind)
        ):
            raise Http404
        return annual_file_response(report, kind)


class FiguresQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=services.FIRST_YEAR, required=False)
    part = serializers.IntegerField(required=False)

    def validate_year(self, year: int) -> int:
        """A year the records can hold: from FIRST_YEAR to this one, as the annual report asks."""
        if year > timezone.localdate().year:
            raise serializers.ValidationError(
                _("Choose a year from %(first)s to this year.") % {"first": services.FIRST_YEAR}
            )
        return year


class FiguresViewSet(viewsets.ViewSet):
    """The dashboard's figures as data: `GET /api/v1/figures/?year=2015[&part=<region id>]`
    (this year's without `year`), the chapters of the person's place (a city's open with its
    districts side by side) with their headline figures and tables; `part` narrows them to a
    district of a city or a town of a district (`parts` lists the choices)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(parameters=[FiguresQuerySerializer], responses={200: OpenApiTypes.OBJECT})
    def list(self, request):
        from reports.views.dashboard import can_see_dashboard

        if not can_see_dashboard(request.user):
            raise PermissionDenied
        query = FiguresQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        parts = list(figures.parts_for(user=request.user))
        part = next((p for p in parts if p.pk == query.validated_data.get("part")), None)
        if "part" in query.validated_data and part is None:
            raise serializers.ValidationError({"part": [_("This place lies outside yours.")]})
        year = query.validated_data.get("year") or timezone.localdate().year
        chapters = figures.chapters(user=request.user, year=year, part=part)
        return Response(
            {
                "year": year,
                "part": part.pk if part else None,
                "parts": [{"id": p.pk, "name": p.name} for p in parts],
                "chapters": [asdict(chapter) for chapter in chapters],
            }
        )


def register(router) -> None:
    from reports.dossiers import api as dossiers_api
    from reports.upward import api as upward_api

    router.register("reports", AnnualReportViewSet, basename="annual-report")
    router.register("figures", FiguresViewSet, basename="figures")
    dossiers_api.register(router)
    upward_api.register(router)
