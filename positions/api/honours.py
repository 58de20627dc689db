"""/api/v1/awards/ and /api/v1/studios/: the honours register's pages, as JSON."""

from rest_framework import decorators, serializers, status, viewsets
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from positions.api.network import ScopedRelatedField
from positions.filters import AwardFilter, StudioFilter
from positions.models import Award, Studio, StudioProject
from positions.selectors import network as network_selectors
from positions.selectors import workforce as selectors
from positions.services import honours as services
from socialwork.lists import ListSelectorMixin


class AwardSerializer(serializers.ModelSerializer):
    worker = ScopedRelatedField(selectors.workers_visible_to)
    worker_name = serializers.CharField(source="worker.name", read_only=True)

    class Meta:
        model = Award
        fields = ["id", "name", "level", "year", "worker", "worker_name", "awarded_by"]

    def create(self, validated_data):
        return services.award_save(actor=self.context["request"].user, **validated_data)

    def update(self, award, validated_data):
        return services.award_save(actor=self.context["request"].user, award=award, **validated_data)


class AwardViewSet(ListSelectorMixin, viewsets.ModelViewSet):
    """Awards of the workers the person sees. POST records one, PUT/PATCH change it (the
    district, and a station manager for their station's people)."""

    serializer_class = AwardSerializer
    filterset_class = AwardFilter
    list_selector = selectors.awards_list
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.awards_visible_to(user=self.request.user).order_by("-year", "name", "pk")


class StudioProjectSerializer(serializers.ModelSerializer):
    class Meta:
        model = StudioProject
        fields = ["id", "name", "year"]


class StudioSerializer(serializers.ModelSerializer):
    leader = ScopedRelatedField(selectors.workers_visible_to)
    unit = ScopedRelatedField(network_selectors.units_visible_to)
    leader_name = serializers.CharField(source="leader.name", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    projects = StudioProjectSerializer(many=True, read_only=True)

    class Meta:
        model = Studio
        fields = [
            "id", "name", "leader", "leader_name", "unit", "unit_name", "established_on", "description",
            "projects",
        ]  # fmt: skip

    def create(self, validated_data):
        return services.studio_save(actor=self.context["request"].user, **validated_data)

    def update(self, studio, validated_data):
        return services.studio_save(actor=self.context["request"].user, studio=studio, **validated_data)


class StudioViewSet(ListSelectorMixin, viewsets.ModelViewSet):
    """Brand studios the person sees, with their projects. POST sets one up, PUT/PATCH change it,
    POST .../{id}/projects/ adds a project (the district)."""

    serializer_class = StudioSerializer
    filterset_class = StudioFilter
    list_selector = selectors.studios_list
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.studios_visible_to(user=self.request.user).order_by("name", "pk")

    def perform_create(self, serializer):
        serializer.instance = serializer.save()
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)  # with its projects

    def perform_update(self, serializer):
        self.perform_create(serializer)

    @decorators.action(detail=True, methods=["post"], serializer_class=StudioProjectSerializer)
    def projects(self, request, pk=None):
        studio = get_object_or_404(self.get_queryset(), pk=pk)
        if not request.user.has_perm("positions.change_studio"):
            self.permission_denied(request)
        data = StudioProjectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        project = services.studio_project_add(actor=request.user, studio=studio, **data.validated_data)
        return Response(StudioProjectSerializer(project).data, status=status.HTTP_201_CREATED)


def register(router) -> None:
    router.register("awards", AwardViewSet, basename="award")
    router.register("studios", StudioViewSet, basename="studio")
