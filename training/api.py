"""/api/v1/training/series/, sessions/, trainers/, enrolments/ and certificates/: the pages'
rules, as JSON. Reads are scoped by the selectors; writes go through the services."""

import django_filters
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import decorators, mixins, permissions, serializers, status, viewsets
from rest_framework.response import Response

from positions.api.network import ScopedRelatedField
from positions.selectors import workforce as workforce_selectors
from socialwork.api import IdField
from socialwork.ids import IdFilter
from socialwork.lists import ListSelectorMixin
from socialwork.scoping import NOTHING
from training import selectors, services, workflow
from training.filters import TrainerFilter, TrainingSeriesFilter
from training.models import Certificate, Enrolment, Trainer, TrainingSeries, TrainingSession
from training.pdf import certificate_pdf

# Filters


class SessionFilter(django_filters.FilterSet):
    series = IdFilter(field_name="series", label=_("series id"))
    date = django_filters.DateFilter(field_name="starts_at", lookup_expr="date", label=_("day it starts"))

    class Meta:
        model = TrainingSession
        fields = ["series", "date"]


class EnrolmentFilter(django_filters.FilterSet):
    session = IdFilter(field_name="session", label=_("session id"))

    class Meta:
        model = Enrolment
        fields = ["session", "status"]


class CertificateFilter(django_filters.FilterSet):
    series = IdFilter(field_name="series", label=_("series id"))
    year = django_filters.NumberFilter(field_name="series__year", label=_("year"))

    class Meta:
        model = Certificate
        fields = ["series", "year"]


def _own(user) -> Q:
    """A worker's own enrolments and certificates, whatever their place."""
    return Q(worker__user=user) if user.is_authenticated else NOTHING


def _require(request, permission: str, view) -> None:
    if not request.user.has_perm(permission):
        view.permission_denied(request)


# Series, sessions and trainers (a series' action returns the certificates it issues)


class CertificateSerializer(serializers.ModelSerializer):
    series_title = serializers.CharField(source="series.title", read_only=True)
    year = serializers.IntegerField(source="series.year", read_only=True)
    participant_name = serializers.CharField(read_only=True)

    class Meta:
        model = Certificate
        fields = [
            "id", "number", "series", "series_title", "year", "worker", "participant_name", "outside_unit",
            "issued_on", "attended_sessions", "total_sessions",
        ]  # fmt: skip


class SeriesSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = TrainingSeries
        fields = ["id", "title", "category", "year", "unit", "unit_name", "organizer", "completion_share"]


class SeriesViewSet(ListSelectorMixin, viewsets.ReadOnlyModelViewSet):
    """Series the person sees. POST .../certificates/ issues the completion certificates due."""

    serializer_class = SeriesSerializer
    filterset_class = TrainingSeriesFilter
    list_selector = selectors.series_list
    search_fields = ["title"]

    def get_queryset(self):
        return selectors.series_visible_to(user=self.request.user).order_by("-year", "title", "pk")

    @extend_schema(request=None, responses={201: CertificateSerializer(many=True)})
    @decorators.action(detail=True, methods=["post"], pagination_class=None)  # one plain list
    def certificates(self, request, pk=None):
        series = get_object_or_404(self.get_queryset(), pk=pk)
        _require(request, "training.add_certificate", self)
        issued = services.certificates_issue(actor=request.user, series=series)
        data = CertificateSerializer(issued, many=True, context={"request": request}).data
        return Response(data, status=status.HTTP_201_CREATED)


class SessionSerializer(serializers.ModelSerializer):
    series_title = serializers.CharField(source="series.title", read_only=True)
    host_unit_name = serializers.CharField(source="host_unit.name", read_only=True)
    confirmed = serializers.IntegerField(read_only=True)
    waiting = serializers.IntegerField(read_only=True)

    class Meta:
        model = TrainingSession
        fields = [
            "id", "series", "series_title", "topic", "starts_at", "ends_at", "venue", "host_unit",
            "host_unit_name", "capacity", "minimum", "confirmed", "waiting", "credit_hours", "trainers",
        ]  # fmt: skip


class SessionDetailSerializer(SessionSerializer):
    actions = serializers.SerializerMethodField()

    class Meta(SessionSerializer.Meta):
        fields = [*SessionSerializer.Meta.fields, "actions"]

    def get_actions(self, session) -> list[str]:
        """What the person may do to this session now, as its page offers: enrol, take_attendance."""
        return list(workflow.session_actions_for(self.context["request"].user, session))


class AttendanceSerializer(serializers.Serializer):
    present = serializers.ListField(
        child=IdField(), allow_empty=True, help_text=_("Ids of the enrolments present.")
    )


class AttendanceResultSerializer(serializers.Serializer):
    attended = serializers.IntegerField()


class SessionViewSet(viewsets.ReadOnlyModelViewSet):
    """Sessions the person sees, with confirmed and waiting counts (a session's detail lists its
    `actions`). POST .../attendance/ takes attendance and credits the hours."""

    serializer_class = SessionSerializer
    filterset_class = SessionFilter
    search_fields = ["topic", "venue"]

    def get_serializer_class(self):
        return SessionDetailSerializer if self.action == "retrieve" else super().get_serializer_class()

    def get_queryset(self):
        return (
            selectors.sessions_visible_to(user=self.request.user)
            .prefetch_related("trainers")
            .order_by("starts_at", "pk")
        )

    @extend_schema(request=AttendanceSerializer, responses=AttendanceResultSerializer)
    # Who may take attendance is the session's declared action (training.workflow), which the
    # service checks: not a model permission.
    @decorators.action(
        detail=True,
        methods=["post"],
        serializer_class=AttendanceSerializer,
        permission_classes=[permissions.IsAuthenticated],
    )
    def attendance(self, request, pk=None):
        session = get_object_or_404(self.get_queryset(), pk=pk)
        # Refused before the body is read: a 400 would tell a non-organizer the step exists.
        workflow.session_require(request.user, session, "take_attendance")
        data = AttendanceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        attended = services.attendance_record(
            actor=request.user, session=session, present=set(data.validated_data["present"])
        )
        return Response({"attended": attended})


class TrainerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Trainer
        fields = ["id", "name", "affiliation", "affiliation_kind", "title", "expertise"]


class TrainerViewSet(ListSelectorMixin, viewsets.ReadOnlyModelViewSet):
    """The district's trainers: one list for everyone who organizes training."""

    serializer_class = TrainerSerializer
    filterset_class = TrainerFilter
    list_selector = selectors.trainers_list
    search_fields = ["name", "affiliation", "expertise"]

    def get_queryset(self):
        return selectors.trainers_visible_to(user=self.request.user).order_by("name", "pk")


# Enrolments


class EnrolmentSerializer(serializers.ModelSerializer):
    session = ScopedRelatedField(selectors.sessions_visible_to)
    worker = ScopedRelatedField(workforce_selectors.workers_visible_to, allow_null=True, required=False)
    participant_name = serializers.CharField(read_only=True)

    class Meta:
        model = Enrolment
        fields = [
            "id", "session", "worker", "participant_name", "outside_name", "outside_unit", "outside_kind",
            "status", "attended", "hours_credited", "created_at",
        ]  # fmt: skip
        read_only_fields = ["status", "attended", "hours_credited", "created_at"]
        validators = []  # the service decides who may enrol, once, with a clear message

    def create(self, validated_data):
        return services.enrolment_create(actor=self.context["request"].user, **validated_data)


class EnrolmentDetailSerializer(EnrolmentSerializer):
    actions = serializers.SerializerMethodField()

    class Meta(EnrolmentSerializer.Meta):
        fields = [*EnrolmentSerializer.Meta.fields, "actions"]

    def get_actions(self, enrolment) -> list[str]:
        """What the person may do to this enrolment now, as the session's page offers: cancel."""
        return list(workflow.actions_for(self.context["request"].user, enrolment))


class EnrolmentCancelSerializer(serializers.Serializer):
    cancelled = EnrolmentSerializer()
    promoted = EnrolmentSerializer(allow_null=True)


class EnrolmentViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Enrolments in sessions the person sees, and their own. POST enrols a worker or an outside
    person (confirmed while places are free, else on the waiting list); POST .../cancel/ frees
    the place for the first person waiting."""

    serializer_class = EnrolmentSerializer
    filterset_class = EnrolmentFilter
    # Enrolling and cancelling are the declared actions of the session and the enrolment
    # (training.workflow), which the services check: not a model permission.
    permission_classes = [permissions.IsAuthenticated]

    def get_serializer_class(self):
        return EnrolmentDetailSerializer if self.action == "retrieve" else super().get_serializer_class()

    def get_queryset(self):
        user = self.request.user
        sessions = selectors.sessions_visible_to(user=user).values("pk")
        return (
            Enrolment.objects.filter(Q(session__in=sessions) | _own(user))
            .select_related("worker", "session")
            .order_by("created_at", "pk")
        )

    @extend_schema(request=None, responses=EnrolmentCancelSerializer)
    @decorators.action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        enrolment = get_object_or_404(self.get_queryset(), pk=pk)
        promoted = services.enrolment_cancel(actor=request.user, enrolment=enrolment)
        enrolment.refresh_from_db()
        context = {"request": request}
        return Response(
            {
                "cancelled": EnrolmentSerializer(enrolment, context=context).data,
                "promoted": EnrolmentSerializer(promoted, context=context).data if promoted else None,
            }
        )


# Certificates


class CertificateViewSet(viewsets.ReadOnlyModelViewSet):
    """Certificates of the series the person sees, and their own. GET .../pdf/ downloads one."""

    serializer_class = CertificateSerializer
    filterset_class = CertificateFilter
    search_fields = ["number", "worker__name", "outside_name"]

    def get_queryset(self):
        return selectors.certificates_visible_to(user=self.request.user).order_by("number")

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @decorators.action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        certificate = self.get_object()
        response = HttpResponse(certificate_pdf(certificate), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.number}.pdf"'
        return response


def register(router) -> None:
    router.register("training/series", SeriesViewSet, basename="training-series")
    router.register("training/sessions", SessionViewSet, basename="training-session")
    router.register("training/trainers", TrainerViewSet, basename="training-trainer")
    router.register("training/enrolments", EnrolmentViewSet, basename="training-enrolment")
    router.register("training/certificates", CertificateViewSet, basename="training-certificate")
