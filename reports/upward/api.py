"""/api/v1/statistical-forms/ and /api/v1/statistical-returns/: the forms a place works with, its
returns, and their steps as POST actions (fill, figures, submit, return, approve, reopen). A
refusal is a 400 with field errors or a 403, as everywhere (socialwork's exception handler)."""

from drf_spectacular.utils import extend_schema
from rest_framework import decorators, exceptions, mixins, permissions, serializers, status, viewsets
from rest_framework.response import Response

from reports.models import StatisticalForm, StatisticalReturn, StatisticalReturnStep

from . import figures, selectors, services


class StatisticalFormSerializer(serializers.ModelSerializer):
    figures = serializers.ListField(
        child=serializers.ChoiceField(choices=list(figures.FIGURES)), min_length=1
    )

    class Meta:
        model = StatisticalForm
        fields = ["id", "owner", "name", "period", "figures", "created_at"]
        read_only_fields = ["owner", "created_at"]


class StepSerializer(serializers.ModelSerializer):
    actor = serializers.StringRelatedField()

    class Meta:
        model = StatisticalReturnStep
        fields = ["action", "actor", "comment", "at"]


class StatisticalReturnSerializer(serializers.ModelSerializer):
    steps = StepSerializer(many=True, read_only=True)
    differences = serializers.SerializerMethodField()

    class Meta:
        model = StatisticalReturn
        fields = [
            "id", "form", "region", "period_start", "period_end", "status", "figures", "version", "filled_at",
            "submitted_at", "approved_at", "steps", "differences",
        ]  # fmt: skip
        read_only_fields = fields

    def get_differences(self, statistical_return) -> list[dict]:
        """For a locked return read alone: the figures the records no longer bear out."""
        if not self.context.get("with_differences"):
            return []
        return [
            {"figure": d.key, "approved": d.approved, "now": d.now}
            for d in selectors.differences(statistical_return=statistical_return)
        ]


class StartSerializer(serializers.Serializer):
    form = serializers.PrimaryKeyRelatedField(queryset=StatisticalForm.objects.none())
    year = serializers.IntegerField()
    quarter = serializers.IntegerField(required=False, allow_null=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")  # the schema generator has none
        if request is not None:
            self.fields["form"].queryset = selectors.forms_visible_to(user=request.user)


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, allow_null=True)


class FigureEntrySerializer(serializers.Serializer):
    value = serializers.CharField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class FiguresSerializer(VersionSerializer):
    figures = serializers.DictField(child=FigureEntrySerializer())


class CommentSerializer(VersionSerializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ReasonSerializer(VersionSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class StatisticalFormViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The forms defined at or above my place, and those my place runs. A city's or province's
    administrators define one for their place."""

    serializer_class = StatisticalFormSerializer
    permission_classes = [permissions.IsAuthenticated]  # who may define one is the service's rule

    def get_queryset(self):
        return selectors.forms_visible_to(user=self.request.user).order_by("pk")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        form = services.form_define(
            actor=request.user, owner=request.user.region, name=data["name"],
            period=data.get("period", StatisticalForm.Period.YEARLY), figure_keys=data["figures"],
        )  # fmt: skip
        return Response(self.get_serializer(form).data, status=status.HTTP_201_CREATED)


class StatisticalReturnViewSet(viewsets.ReadOnlyModelViewSet):
    """Returns: a district its own, the city its districts' and its own. `start` opens my place's
    return of a period, filled from the records; each step is a POST on the return."""

    serializer_class = StatisticalReturnSerializer
    permission_classes = [permissions.IsAuthenticated]  # who may take each step is the selectors' rule
    filterset_fields = ["form", "status", "region"]

    def get_queryset(self):
        return (
            selectors.returns_visible_to(user=self.request.user)
            .select_related("form__owner")
            .prefetch_related("steps__actor")
            .order_by("-period_start", "region__path", "pk")
        )

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "with_differences": self.action == "retrieve"}

    def _answer(self, statistical_return, code=status.HTTP_200_OK):
        fresh = self.get_queryset().get(pk=statistical_return.pk)
        context = self.get_serializer_context()
        return Response(StatisticalReturnSerializer(fresh, context=context).data, status=code)

    @extend_schema(request=StartSerializer, responses={201: StatisticalReturnSerializer})
    @decorators.action(detail=False, methods=["post"], serializer_class=StartSerializer)
    def start(self, request):
        data = StartSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        statistical_return = services.return_prepare(
            actor=request.user, form=data.validated_data["form"], region=request.user.region,
            year=data.validated_data["year"], quarter=data.validated_data.get("quarter"),
        )  # fmt: skip
        return self._answer(statistical_return, status.HTTP_201_CREATED)

    def _object_for(self, may) -> StatisticalReturn:
        """The return, once the person may take this kind of step on it (a 403 before any 400)."""
        statistical_return = self.get_object()
        if not may(user=self.request.user, statistical_return=statistical_return):
            raise exceptions.PermissionDenied
        return statistical_return

    def _step(self, request, serializer_class, service, may=selectors.may_fill, **extra):
        statistical_return = self._object_for(may)
        data = serializer_class(data=request.data)
        data.is_valid(raise_exception=True)
        arguments = {name: data.validated_data[name] for name in extra}
        service(
            actor=request.user, statistical_return=statistical_return,
            version=data.validated_data.get("version"), **arguments,
        )  # fmt: skip
        return self._answer(statistical_return)

    @extend_schema(request=VersionSerializer, responses={200: StatisticalReturnSerializer})
    @decorators.action(detail=True, methods=["post"], serializer_class=VersionSerializer)
    def fill(self, request, pk=None):
        """Read the figures again from the records; corrections stay."""
        return self._step(request, VersionSerializer, services.return_fill)

    @extend_schema(request=FiguresSerializer, responses={200: StatisticalReturnSerializer})
    @decorators.action(detail=True, methods=["post"], url_path="figures", serializer_class=FiguresSerializer)
    def review(self, request, pk=None):
        """The district's review: {"figures": {key: {"value", "reason", "note"}}}."""
        statistical_return = self._object_for(selectors.may_fill)
        data = FiguresSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.return_figures_save(
            actor=request.user, statistical_return=statistical_return,
            version=data.validated_data.get("version"), entries=data.validated_data["figures"],
        )  # fmt: skip
        return self._answer(statistical_return)

    @extend_schema(request=VersionSerializer, responses={200: StatisticalReturnSerializer})
    @decorators.action(detail=True, methods=["post"], serializer_class=VersionSerializer)
    def submit(self, request, pk=None):
        return self._step(request, VersionSerializer, services.return_submit)

    @extend_schema(request=CommentSerializer, responses={200: StatisticalReturnSerializer})
    @decorators.action(detail=True, methods=["post"], url_path="return", serializer_class=CommentSerializer)
    def send_back(self, request, pk=None):
        """Return to the district; `comment` is required."""
        return self._step(
            request, CommentSerializer, services.return_send_back, selectors.may_review, comment=True
        )

    @extend_schema(request=CommentSerializer, responses={200: StatisticalReturnSerializer})
    @decorators.action(detail=True, methods=["post"], serializer_class=CommentSerializer)
    def approve(self, request, pk=None):
        """Approve and lock the period."""
        return self._step(
            request, CommentSerializer, services.return_approve, selectors.may_review, comment=True
        )

    @extend_schema(request=ReasonSerializer, responses={200: StatisticalReturnSerializer})
    @decorators.action(detail=True, methods=["post"], serializer_class=ReasonSerializer)
    def reopen(self, request, pk=None):
        """Reopen an approved return; `reason` is required."""
        return self._step(
            request, ReasonSerializer, services.return_reopen, selectors.may_review, reason=True
        )


def register(router) -> None:
    router.register("statistical-forms", StatisticalFormViewSet, basename="statistical-form")
    router.register("statistical-returns", StatisticalReturnViewSet, basename="statistical-return")
