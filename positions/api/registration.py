"""/api/v1/registration-periods/ and outside-training/: a worker's registration periods with their
hours ledger, renewal (POST .../renew/ on a worker's latest period), and outside training hours
with their certificate (multipart POST), the pages' rules as JSON."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import decorators, mixins, permissions, serializers, viewsets
from rest_framework.response import Response

from positions.api.network import ScopedRelatedField
from positions.forms_registration import validate_certificate
from positions.models import OutsideTraining, RegistrationPeriod
from positions.selectors import registration as selectors
from positions.selectors.workforce import workers_visible_to
from positions.services import registration as services


class RegistrationPeriodSerializer(serializers.ModelSerializer):
    worker_name = serializers.CharField(source="worker.name", read_only=True)
    hours = serializers.SerializerMethodField()
    required = serializers.SerializerMethodField()
    short = serializers.SerializerMethodField()

    class Meta:
        model = RegistrationPeriod
        fields = [
            "id",
            "worker",
            "worker_name",
            "number",
            "starts_on",
            "ends_on",
            "renewed_from",
            "hours",
            "required",
            "short",
        ]
        read_only_fields = fields

    def _ledger(self, period):
        return self.context["ledgers"][period.pk]

    def get_hours(self, period) -> str:
        return str(self._ledger(period).total)

    def get_required(self, period) -> str | None:
        required = self._ledger(period).required
        return None if required is None else str(required)

    def get_short(self, period) -> str:
        return str(self._ledger(period).short)


class RenewSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")


class RegistrationPeriodViewSet(viewsets.ReadOnlyModelViewSet):
    """Registration periods of the workers the person sees, each with its hours, the requirement
    and what is short. POST .../renew/ renews the worker's registration from this period."""

    serializer_class = RegistrationPeriodSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_fields = ["worker"]

    def get_queryset(self):
        return selectors.periods_visible_to(user=self.request.user).order_by("worker__name", "-ends_on", "pk")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["ledgers"] = self._ledgers
        return context

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = list(page if page is not None else queryset)
        self._ledgers = selectors.ledgers_of(rows)
        data = self.get_serializer(rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request, *args, **kwargs):
        period = self.get_object()
        self._ledgers = selectors.ledgers_of([period])
        return Response(self.get_serializer(period).data)

    @decorators.action(detail=True, methods=["post"], serializer_class=RenewSerializer)
    def renew(self, request, pk=None):
        period = get_object_or_404(self.get_queryset(), pk=pk)
        data = RenewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if not selectors.may_manage_registration(user=request.user, worker=period.worker):
            self.permission_denied(request)
        renewed = services.registration_renew(actor=request.user, worker=period.worker, **data.validated_data)
        self._ledgers = selectors.ledgers_of([renewed])
        return Response(
            RegistrationPeriodSerializer(renewed, context=self.get_serializer_context()).data, status=201
        )


class OutsideTrainingSerializer(serializers.ModelSerializer):
    worker = ScopedRelatedField(workers_visible_to)
    certificate = serializers.FileField(validators=[validate_certificate], write_only=True)
    checked = serializers.BooleanField(source="is_checked", read_only=True)
    worker_name = serializers.CharField(source="worker.name", read_only=True)

    class Meta:
        model = OutsideTraining
        fields = [
            "id",
            "worker",
            "worker_name",
            "title",
            "organizer",
            "held_on",
            "hours",
            "certificate",
            "checked",
            "checked_at",
        ]
        read_only_fields = ["checked_at"]


class OutsideTrainingViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Outside training hours of the workers the person sees. POST (multipart, with the certificate)
    records hours: the worker for themself, or their station manager or the district; POST
    .../check/ checks a worker's own record."""

    serializer_class = OutsideTrainingSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_fields = ["worker"]

    def get_queryset(self):
        return selectors.outside_training_visible_to(user=self.request.user).order_by("-held_on", "-pk")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        worker = data.pop("worker")
        serializer.instance = services.outside_training_record(actor=self.request.user, worker=worker, **data)

    @extend_schema(request=None, responses=OutsideTrainingSerializer)
    @decorators.action(detail=True, methods=["post"], serializer_class=serializers.Serializer)
    def check(self, request, pk=None):
        record = get_object_or_404(self.get_queryset(), pk=pk)
        if not selectors.may_manage_registration(user=request.user, worker=record.worker):
            self.permission_denied(request)
        record = services.outside_training_check(actor=request.user, record=record)
        return Response(OutsideTrainingSerializer(record, context={"request": request}).data)


def register(router) -> None:
    router.register("registration-periods", RegistrationPeriodViewSet, basename="registration-period")
    router.register("outside-training", OutsideTrainingViewSet, basename="outside-training")
