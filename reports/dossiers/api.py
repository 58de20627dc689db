"""/api/v1/dossiers/: the dossiers a person may download; asking for one; its figures and files."""

from django.http import Http404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import decorators, mixins, permissions, serializers, status, viewsets
from rest_framework.response import Response

from positions.api.network import ScopedRelatedField
from reports.api import PdfRenderer, XlsxRenderer
from reports.models import Dossier
from reports.views.dossiers import CONTENT_TYPES
from socialwork.files import file_response

from . import selectors, services


class DossierSerializer(serializers.ModelSerializer):
    project = ScopedRelatedField(selectors.projects_for_dossier, allow_null=True, required=False)
    station = ScopedRelatedField(selectors.stations_for_dossier, allow_null=True, required=False)
    downloads = serializers.SerializerMethodField()

    class Meta:
        model = Dossier
        fields = [
            "id", "kind", "project", "station", "year", "status", "progress", "error", "downloads",
            "requested_by", "created_at", "finished_at",
        ]  # fmt: skip
        read_only_fields = [
            "kind",
            "status",
            "progress",
            "error",
            "requested_by",
            "created_at",
            "finished_at",
        ]

    def get_downloads(self, dossier) -> dict[str, str]:
        if dossier.status != Dossier.Status.DONE:
            return {}
        base = self.context["request"].build_absolute_uri(
            reverse("dossier-download", kwargs={"pk": dossier.pk})
        )
        return {kind: f"{base}?format={kind}" for kind in ("pdf", "xlsx")}

    def create(self, validated_data):
        return services.dossier_request(
            actor=self.context["request"].user,
            project=validated_data.get("project"),
            station=validated_data.get("station"),
            year=validated_data.get("year"),
        )


class DossierDetailSerializer(DossierSerializer):
    class Meta(DossierSerializer.Meta):
        fields = [*DossierSerializer.Meta.fields, "figures"]
        read_only_fields = [*DossierSerializer.Meta.read_only_fields, "figures"]


class DossierViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Dossiers (台账): a project's evaluation dossier (`project`) or a station's yearly one
    (`station` and `year`). Creating one builds it in the background; follow `status` and
    `progress`. One dossier carries its `figures`, each with the address it came from."""

    permission_classes = [permissions.IsAuthenticated]  # who may build which is the service's rule
    filterset_fields = ["kind", "status"]

    def get_serializer_class(self):
        return DossierDetailSerializer if self.action == "retrieve" else DossierSerializer

    def get_queryset(self):
        if not self.request.user.is_authenticated:  # the schema generator asks anonymously
            return Dossier.objects.none()
        return selectors.dossiers_visible_to(user=self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        dossier = serializer.save()
        return Response(
            DossierSerializer(dossier, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        parameters=[OpenApiParameter("format", str, enum=["pdf", "xlsx"])],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    @decorators.action(detail=True, url_path="download", renderer_classes=[PdfRenderer, XlsxRenderer])
    def download(self, request, pk=None):
        kind = request.query_params.get("format", "pdf")
        dossier = services.dossier_for_download(user=request.user, pk=pk, kind=kind)
        if dossier is None:
            raise Http404
        return file_response(
            getattr(dossier, kind).name,
            filename=f"dossier-{dossier.pk}.{kind}",
            content_type=CONTENT_TYPES[kind],
        )


def register(router) -> None:
    router.register("dossiers", DossierViewSet, basename="dossier")
