"""/api/v1/positions/, workers/, appointments/ and exams/: the pages' rules, as JSON."""

from django.shortcuts import get_object_or_404
from rest_framework import decorators, mixins, serializers, viewsets
from rest_framework.response import Response

from positions.api.network import ScopedRelatedField
from positions.filters import ExamFilter, PositionFilter, SocialWorkerFilter
from positions.models import Appointment, Exam, HostInstitution, Position, SocialWorker
from positions.selectors import network as network_selectors
from positions.selectors import workforce as selectors
from positions.services import workforce as services
from socialwork.lists import ListSelectorMixin


class PositionSerializer(serializers.ModelSerializer):
    unit = ScopedRelatedField(network_selectors.units_visible_to)
    host = serializers.PrimaryKeyRelatedField(queryset=HostInstitution.objects.all())
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    host_name = serializers.CharField(source="host.name", read_only=True)
    filled = serializers.IntegerField(read_only=True)
    vacant = serializers.IntegerField(read_only=True)

    class Meta:
        model = Position
        fields = [
            "id", "code", "title", "unit", "unit_name", "host", "host_name", "category", "setup_mode", "quota",
            "filled", "vacant", "duties", "required_level", "status", "established_on", "policy_basis",
        ]  # fmt: skip

    def create(self, validated_data):
        return services.position_save(actor=self.context["request"].user, **validated_data)

    def update(self, position, validated_data):
        return services.position_save(actor=self.context["request"].user, position=position, **validated_data)


class PositionViewSet(ListSelectorMixin, viewsets.ModelViewSet):
    serializer_class = PositionSerializer
    filterset_class = PositionFilter
    list_selector = selectors.positions_list
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.positions_visible_to(user=self.request.user).order_by("code")

    def perform_create(self, serializer):
        serializer.instance = serializer.save()
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)  # with filled and vacant

    def perform_update(self, serializer):
        self.perform_create(serializer)


class SocialWorkerSerializer(serializers.ModelSerializer):
    employer_unit = ScopedRelatedField(network_selectors.units_visible_to, allow_null=True, required=False)
    id_number = serializers.CharField(max_length=18)

    class Meta:
        model = SocialWorker
        fields = [
            "id", "name", "gender", "birth_date", "id_number", "phone", "education", "major", "employer_unit",
            "employer_organization", "certificate_level", "certificate_number", "certificate_year",
            "registration_number", "registered_on", "registration_valid_until", "professional_title",
            "is_supervisor", "status",
        ]  # fmt: skip
        # Read from the ID number when not given, checked against it when given (worker_save).
        extra_kwargs = {"gender": {"required": False, "allow_blank": True}}

    def to_representation(self, worker):
        data = super().to_representation(worker)
        if not selectors.can_see_full_id_number(self.context["request"].user, worker):
            data["id_number"] = worker.masked_id_number
        return data

    def create(self, validated_data):
        return services.worker_save(actor=self.context["request"].user, **validated_data)

    def update(self, worker, validated_data):
        return services.worker_save(actor=self.context["request"].user, worker=worker, **validated_data)


class SocialWorkerViewSet(ListSelectorMixin, viewsets.ModelViewSet):
    serializer_class = SocialWorkerSerializer
    filterset_class = SocialWorkerFilter
    list_selector = selectors.workers_list
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.workers_visible_to(user=self.request.user).order_by("name", "pk")


class AppointmentSerializer(serializers.ModelSerializer):
    worker = ScopedRelatedField(selectors.workers_visible_to)
    position = ScopedRelatedField(selectors.positions_visible_to)
    worker_name = serializers.CharField(source="worker.name", read_only=True)
    position_code = serializers.CharField(source="position.code", read_only=True)

    class Meta:
        model = Appointment
        fields = [
            "id",
            "worker",
            "worker_name",
            "position",
            "position_code",
            "starts_on",
            "ends_on",
            "end_reason",
        ]
        read_only_fields = ["ends_on", "end_reason"]

    def create(self, validated_data):
        return services.appointment_create(actor=self.context["request"].user, **validated_data)


class AppointmentEndSerializer(serializers.Serializer):
    ends_on = serializers.DateField()
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class AppointmentViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Appointments of posts the person sees. POST appoints (the quota holds under concurrency);
    POST .../end/ ends one, keeping it in the history."""

    serializer_class = AppointmentSerializer
    filterset_fields = ["worker", "position"]

    def get_queryset(self):
        positions = selectors.positions_visible_to(user=self.request.user)
        return (
            Appointment.objects.filter(position__in=positions)
            .select_related("worker", "position")
            .order_by("-pk")
        )

    @decorators.action(detail=True, methods=["post"], serializer_class=AppointmentEndSerializer)
    def end(self, request, pk=None):
        appointment = get_object_or_404(self.get_queryset(), pk=pk)
        if not request.user.has_perm("positions.change_appointment"):
            self.permission_denied(request)
        data = AppointmentEndSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        appointment = services.appointment_end(
            actor=request.user, appointment=appointment, ends_on=data.validated_data["ends_on"],
            reason=data.validated_data["reason"],
        )  # fmt: skip
        return Response(AppointmentSerializer(appointment, context={"request": request}).data)


class ExamSerializer(serializers.ModelSerializer):
    worker = ScopedRelatedField(selectors.workers_visible_to)
    worker_name = serializers.CharField(source="worker.name", read_only=True)

    class Meta:
        model = Exam
        fields = ["id", "worker", "worker_name", "year", "level", "passed", "score"]
        extra_kwargs = {"passed": {"required": True}}  # a sitting is recorded with its result
        validators = []  # a second record of the same sitting updates it

    def create(self, validated_data):
        return services.exam_record(actor=self.context["request"].user, **validated_data)


class ExamViewSet(ListSelectorMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ExamSerializer
    filterset_class = ExamFilter
    list_selector = selectors.exams_list

    def get_queryset(self):
        return selectors.exams_visible_to(user=self.request.user)


def register(router) -> None:
    router.register("positions", PositionViewSet, basename="position")
    router.register("workers", SocialWorkerViewSet, basename="worker")
    router.register("appointments", AppointmentViewSet, basename="appointment")
    router.register("exams", ExamViewSet, basename="exam")
