"""/api/v1/allowance-rolls/: the monthly qualification allowance rolls; `generate/` builds a
month's roll in the background and `<id>/close/` closes one (district administrators). A roll's
detail lists under `actions` what the person may do to it now (positions.workflow)."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from positions.models import AllowanceLine, AllowanceRoll
from positions.selectors import allowance as selectors
from positions.services import allowance as services
from positions.workflow import actions_for


class AllowanceLineSerializer(serializers.ModelSerializer):
    worker_name = serializers.CharField(source="worker.name", read_only=True)
    level_display = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = AllowanceLine
        fields = ["worker", "worker_name", "level", "level_display", "amount", "unit_name"]
        read_only_fields = fields


def month_text(month) -> str:
    """`2026-05`, the year in four digits whatever it is (strftime wrote the year 643 as `643-04`)."""
    return f"{month.year:04d}-{month.month:02d}"


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-(0[1-9]|1[0-2])$", "example": "2026-05"})
class MonthField(serializers.DateField):
    """A roll's month as the pages write it, `2026-05` (a date, to the schema, would be a lie)."""

    def to_representation(self, value):
        return None if value is None else month_text(value)


class AllowanceRollSerializer(serializers.ModelSerializer):
    """A roll with the totals the person may see (of their own lines, for a station manager)."""

    month = MonthField(read_only=True)
    total = serializers.DecimalField(max_digits=14, decimal_places=2, source="shown_total", read_only=True)
    worker_count = serializers.IntegerField(source="shown_count", read_only=True)

    class Meta:
        model = AllowanceRoll
        fields = ["id", "month", "status", "total", "worker_count", "generated_at", "closed_at"]
        read_only_fields = fields


class AllowanceRollDetailSerializer(AllowanceRollSerializer):
    lines = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    class Meta(AllowanceRollSerializer.Meta):
        fields = [*AllowanceRollSerializer.Meta.fields, "lines", "actions"]
        read_only_fields = fields

    def get_actions(self, roll) -> list[str]:
        """What the person may do to this roll now, as the page's buttons: generate, close, export."""
        return list(actions_for(self.context["request"].user, roll))

    def get_lines(self, roll) -> list[dict]:
        lines = selectors.allowance_lines_visible_to(user=self.context["request"].user, roll=roll)
        return AllowanceLineSerializer(lines, many=True).data


class GenerateSerializer(serializers.Serializer):
    month = serializers.DateField(input_formats=["%Y-%m", "iso-8601"], help_text="2026-05")


class AllowancePermission(permissions.BasePermission):
    """Reading: district-wide people with the view permission, and station managers. Generating:
    whoever may generate a month not generated yet (the service checks the month asked for)."""

    def has_permission(self, request, view):
        if view.action == "generate":
            return "generate" in actions_for(request.user, AllowanceRoll())
        return selectors.can_view_allowances(request.user)


class AllowanceRollViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [permissions.IsAuthenticated, AllowancePermission]
    filterset_fields = ["status"]
    ordering_fields = ["month"]

    def get_queryset(self):
        return selectors.allowance_rolls_visible_to(user=self.request.user).order_by("-month")

    def get_serializer_class(self):
        if self.action in ("retrieve", "close"):
            return AllowanceRollDetailSerializer
        if self.action == "generate":
            return GenerateSerializer
        return AllowanceRollSerializer

    @extend_schema(
        request=GenerateSerializer,
        responses={
            202: inline_serializer(
                "AllowanceGenerateAccepted",
                {
                    "task_id": serializers.UUIDField(),
                    "month": serializers.CharField(),
                    "progress_url": serializers.CharField(),
                },
            )
        },
    )
    @action(detail=False, methods=["post"])
    def generate(self, request):
        """Generate a month's roll in the background; follow it at `progress_url`."""
        serializer = GenerateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        month = serializer.validated_data["month"]
        task_id = services.allowance_roll_schedule(actor=request.user, month=month)
        return Response(
            {
                "task_id": task_id,
                "month": month_text(month),
                "progress_url": reverse("task_progress", args=[task_id]),
            },
            status=status.HTTP_202_ACCEPTED,
        )

    @extend_schema(request=None, responses=AllowanceRollDetailSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close a draft roll: from then on it never changes (403 when `close` is not in its actions)."""
        roll = services.allowance_roll_close(actor=request.user, roll=self.get_object())
        roll = self.get_queryset().get(pk=roll.pk)
        return Response(AllowanceRollDetailSerializer(roll, context={"request": request}).data)


def register(router) -> None:
    router.register("allowance-rolls", AllowanceRollViewSet, basename="allowance-roll")
