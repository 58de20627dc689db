"""/api/v1/subject-requests/: a client's personal information requests (PIPL). Reads go through
casework.selectors (a request outside the person's reach is a 404 on every route); writes and
steps go through casework.services.subject_requests, which ask casework.workflow first. The client
is named by number; the detail lists the steps open to the caller under `actions`."""

from drf_spectacular.utils import extend_schema
from rest_framework import decorators, serializers, viewsets
from rest_framework.response import Response

from casework import selectors, services, workflow
from casework.deletion_words import report_rows
from casework.filters import SubjectRequestFilter
from casework.models import Client, SubjectRequest, SubjectRequestStep
from socialwork.lists import ListSelectorMixin

from .cases import ACTIVE_PEOPLE
from .clients import ScopedDetailMixin


class SubjectRequestStepSerializer(serializers.ModelSerializer):
    actor_name = serializers.StringRelatedField(source="actor", allow_null=True)

    class Meta:
        model = SubjectRequestStep
        fields = ["action", "actor", "actor_name", "note", "at"]
        read_only_fields = fields


class SubjectRequestSerializer(serializers.ModelSerializer):
    """A request. Posting one registers it (the station manager, for a client of their station):
    client, kind, channel, received_on and details; the due day follows from the policy."""

    client = serializers.PrimaryKeyRelatedField(queryset=Client.objects.none(), write_only=True)
    station_name = serializers.CharField(source="station.name", read_only=True)
    assignee_name = serializers.StringRelatedField(source="assignee", allow_null=True)
    has_copy = serializers.SerializerMethodField()
    deletion_report = serializers.SerializerMethodField()
    steps = SubjectRequestStepSerializer(many=True, read_only=True)
    actions = serializers.SerializerMethodField()

    class Meta:
        model = SubjectRequest
        fields = [
            "id", "client", "client_number", "station", "station_name", "kind", "channel", "received_on", "due_on",
            "details", "status", "registered_by", "assignee", "assignee_name", "answer", "answered_on",
            "refusal_reason", "has_copy", "deletion_report", "steps", "actions", "created_at",
        ]  # fmt: skip
        read_only_fields = [
            "client_number", "station", "due_on", "status", "registered_by", "assignee", "answer", "answered_on",
            "refusal_reason", "created_at",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if "client" in self.fields and request is not None and request.user.is_authenticated:
            self.fields["client"].queryset = selectors.subject_request_clients(user=request.user)

    def get_has_copy(self, subject) -> bool:
        return bool(subject.copy_file)

    def get_deletion_report(self, subject) -> list[dict]:
        return [
            {**row, "what": str(row["what"]), "fate": str(row["fate"])}
            for row in report_rows(subject.deletion_report)
        ]

    def get_actions(self, subject) -> list[str]:
        return sorted(workflow.actions_for(self.context["request"].user, subject))

    def create(self, validated_data):
        return services.subject_request_register(actor=self.context["request"].user, **validated_data)


class SubjectRequestListSerializer(SubjectRequestSerializer):
    class Meta(SubjectRequestSerializer.Meta):
        fields = [
            "id", "client_number", "station", "station_name", "kind", "channel", "received_on", "due_on", "status",
            "assignee", "assignee_name", "answered_on",
        ]  # fmt: skip


class AssignSerializer(serializers.Serializer):
    assignee = serializers.PrimaryKeyRelatedField(queryset=ACTIVE_PEOPLE)


class AnswerSerializer(serializers.Serializer):
    answer = serializers.CharField()


class RefuseSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class CloseSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class SubjectRequestViewSet(ListSelectorMixin, ScopedDetailMixin, viewsets.ModelViewSet):
    """Personal information requests the person sees. POST registers one; POST .../assign/,
    .../answer/, .../refuse/ and .../close/ take a step. No PUT, PATCH or DELETE."""

    filterset_class = SubjectRequestFilter
    http_method_names = ["get", "post", "head", "options"]

    @staticmethod
    def list_selector(*, user, params):
        return selectors.subject_requests_list(user=user, params=params)

    def get_queryset(self):
        if not self.request.user.is_authenticated:
            return SubjectRequest.objects.none()
        return selectors.subject_requests_visible_to(user=self.request.user).order_by("-received_on", "-pk")

    def get_serializer_class(self):
        return SubjectRequestListSerializer if self.action == "list" else SubjectRequestSerializer

    def perform_create(self, serializer):
        serializer.instance = self.get_queryset().get(pk=serializer.save().pk)

    def _step(self, serializer_class, run):
        subject = self.get_object()
        workflow.require(self.request.user, subject, f"request_{self.action}")
        data = serializer_class(data=self.request.data)
        data.is_valid(raise_exception=True)
        run(subject, data.validated_data)
        fresh = self.get_queryset().prefetch_related("steps").get(pk=subject.pk)
        return Response(SubjectRequestSerializer(fresh, context=self.get_serializer_context()).data)

    @extend_schema(request=AssignSerializer, responses=SubjectRequestSerializer)
    @decorators.action(detail=True, methods=["post"], serializer_class=AssignSerializer)
    def assign(self, request, pk=None):
        return self._step(
            AssignSerializer,
            lambda s, data: services.subject_request_assign(actor=request.user, request=s, **data),
        )

    @extend_schema(request=AnswerSerializer, responses=SubjectRequestSerializer)
    @decorators.action(detail=True, methods=["post"], serializer_class=AnswerSerializer)
    def answer(self, request, pk=None):
        return self._step(
            AnswerSerializer,
            lambda s, data: services.subject_request_answer(actor=request.user, request=s, **data),
        )

    @extend_schema(request=RefuseSerializer, responses=SubjectRequestSerializer)
    @decorators.action(detail=True, methods=["post"], serializer_class=RefuseSerializer)
    def refuse(self, request, pk=None):
        return self._step(
            RefuseSerializer,
            lambda s, data: services.subject_request_refuse(actor=request.user, request=s, **data),
        )

    @extend_schema(request=CloseSerializer, responses=SubjectRequestSerializer)
    @decorators.action(detail=True, methods=["post"], serializer_class=CloseSerializer)
    def close(self, request, pk=None):
        return self._step(
            CloseSerializer,
            lambda s, data: services.subject_request_close(actor=request.user, request=s, **data),
        )


def register(router) -> None:
    router.register("subject-requests", SubjectRequestViewSet, basename="subject-request")
