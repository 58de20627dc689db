"""/api/v1/regions/ and /api/v1/units/: the pages' rules, as JSON."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets

from positions.filters import RegionFilter, ServiceUnitFilter
from positions.models import Region, ServiceUnit
from positions.selectors import network as selectors
from positions.services import network as services


@extend_schema_field(OpenApiTypes.INT)
class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """A related id that must lie inside the requesting person's place."""

    def __init__(self, selector, **kwargs):
        self.selector = selector
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.selector(user=self.context["request"].user)


def _parent_pk(node) -> int | None:
    """The parent's id: annotated on lists (one query for the page), looked up after a write."""
    if hasattr(node, "parent_id"):
        return node.parent_id
    parent = type(node).objects.get_parent(node)
    return parent.pk if parent else None


class RegionSerializer(serializers.ModelSerializer):
    parent = ScopedRelatedField(selectors.regions_visible_to, allow_null=True, required=False)

    class Meta:
        model = Region
        fields = ["id", "name", "code", "level", "parent", "depth"]
        read_only_fields = ["depth"]

    def to_representation(self, region):
        return {**super().to_representation(region), "parent": _parent_pk(region)}

    def create(self, validated_data):
        validated_data.setdefault("parent", None)  # left out: a district, which stands alone
        return services.region_create(actor=self.context["request"].user, **validated_data)

    def update(self, region, validated_data):
        return services.region_update(
            actor=self.context["request"].user,
            region=region,
            name=validated_data.get("name", region.name),
            code=validated_data.get("code", region.code),
        )


class ServiceUnitSerializer(serializers.ModelSerializer):
    parent = ScopedRelatedField(selectors.units_visible_to, allow_null=True)
    region = ScopedRelatedField(selectors.regions_visible_to)
    region_name = serializers.CharField(source="region.name", read_only=True)

    class Meta:
        model = ServiceUnit
        fields = [
            "id",
            "name",
            "code",
            "level",
            "parent",
            "region",
            "region_name",
            "host",
            "address",
            "phone",
            "established_on",
            "is_model",
            "depth",
        ]
        read_only_fields = ["depth"]

    def to_representation(self, unit):
        return {**super().to_representation(unit), "parent": _parent_pk(unit)}

    def create(self, validated_data):
        return services.unit_create(actor=self.context["request"].user, **validated_data)

    def update(self, unit, validated_data):
        parent = validated_data.pop("parent", ServiceUnit.objects.get_parent(unit))
        return services.unit_update(
            actor=self.context["request"].user, unit=unit, parent=parent, **validated_data
        )


class RegionViewSet(viewsets.ModelViewSet):
    serializer_class = RegionSerializer
    filterset_class = RegionFilter
    search_fields = ["name", "code"]
    ordering_fields = ["path", "name", "code"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.with_parent_id(selectors.regions_visible_to(user=self.request.user)).order_by("path")


class ServiceUnitViewSet(viewsets.ModelViewSet):
    serializer_class = ServiceUnitSerializer
    filterset_class = ServiceUnitFilter
    search_fields = ["name", "code", "host", "address"]
    ordering_fields = ["path", "name", "code", "established_on"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.with_parent_id(selectors.units_visible_to(user=self.request.user)).order_by("path")


def register(router) -> None:
    router.register("regions", RegionViewSet, basename="region")
    router.register("units", ServiceUnitViewSet, basename="unit")
