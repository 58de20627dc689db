"""/api/v1/groups/: group work, as on the pages. A group's members and sessions come nested and
read-only in a group's record; POST .../members/ adds a member, .../members/{id}/leave/ records
that one left, .../sessions/ plans a session, .../sessions/{id}/record/ records a held one with
its attendance, and .../evaluate/ ends the group. The list names no client; reading a group, which
does, is written to the audit log."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import decorators, serializers, status, viewsets
from rest_framework.response import Response

from casework import selectors, services
from casework.forms_groups import GroupApiFilter
from casework.models import Group, GroupMember, GroupSession, VulnerabilityCategory
from positions.api.network import ScopedRelatedField
from positions.models import Region
from socialwork.api import IdField
from socialwork.ids import ID_PATTERN
from socialwork.lists import ListSelectorMixin
from socialwork.models import User

GROUP_FIELDS = [
    "id", "name", "kind", "category", "aims", "station", "station_name", "community", "worker", "worker_name",
    "supervisor", "starts_on", "ends_on", "status", "evaluation", "aims_met",
]  # fmt: skip


class GroupMemberSerializer(serializers.ModelSerializer):
    client = ScopedRelatedField(selectors.clients_visible_to)
    client_name = serializers.SerializerMethodField(
        help_text="The client's name; null for a client labelled sensitive whom the caller does not see."
    )

    class Meta:
        model = GroupMember
        fields = ["id", "client", "client_name", "joined_on", "left_on"]
        read_only_fields = ["left_on"]
        extra_kwargs = {"joined_on": {"required": False}}

    def get_client_name(self, member) -> str | None:
        if not member.client.sensitive:
            return member.client.name
        user = self.context["request"].user
        visible = selectors.clients_visible_to(user=user).filter(pk=member.client_id).exists()
        return member.client.name if visible else None


class GroupSessionSerializer(serializers.ModelSerializer):
    present = serializers.SerializerMethodField()

    class Meta:
        model = GroupSession
        fields = ["id", "number", "planned_on", "theme", "plan", "held_on", "record", "present"]
        read_only_fields = ["number", "held_on", "record"]

    def get_present(self, session) -> list[int]:
        return [mark.member_id for mark in session.attendance.all() if mark.present]


class GroupSummarySerializer(serializers.ModelSerializer):
    station_name = serializers.CharField(source="station.name", read_only=True)
    worker_name = serializers.StringRelatedField(source="worker")
    member_count = serializers.IntegerField(read_only=True)
    session_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Group
        fields = [*GROUP_FIELDS, "member_count", "session_count"]
        read_only_fields = fields


class GroupSerializer(serializers.ModelSerializer):
    category = serializers.PrimaryKeyRelatedField(
        queryset=VulnerabilityCategory.objects.all(), allow_null=True, required=False
    )
    community = serializers.PrimaryKeyRelatedField(
        queryset=Region.objects.all(), allow_null=True, required=False
    )
    worker = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False)
    supervisor = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), allow_null=True, required=False
    )
    station_name = serializers.CharField(source="station.name", read_only=True)
    worker_name = serializers.StringRelatedField(source="worker")
    members = GroupMemberSerializer(many=True, read_only=True)
    sessions = GroupSessionSerializer(many=True, read_only=True)

    class Meta:
        model = Group
        fields = [*GROUP_FIELDS, "members", "sessions"]
        read_only_fields = ["station", "status", "evaluation", "aims_met"]
        validators = []  # the service gives the messages

    def create(self, validated_data):
        return services.group_create(actor=self.context["request"].user, **validated_data)

    def update(self, group, validated_data):
        return services.group_update(actor=self.context["request"].user, group=group, **validated_data)


class MemberLeaveSerializer(serializers.Serializer):
    left_on = serializers.DateField(required=False, allow_null=True)


class SessionRecordSerializer(serializers.Serializer):
    held_on = serializers.DateField()
    record = serializers.CharField()
    present = serializers.ListField(child=IdField(), required=False, default=list)


class GroupEvaluateSerializer(serializers.Serializer):
    evaluation = serializers.CharField()
    aims_met = serializers.BooleanField()
    ends_on = serializers.DateField(required=False, allow_null=True)


class GroupViewSet(ListSelectorMixin, viewsets.ModelViewSet):
    """Groups the person sees: their worker, supervisor and the station manager of their station.
    Others' groups are 404. POST starts a group at the person's station; PUT/PATCH change it (its
    worker or station manager)."""

    serializer_class = GroupSerializer
    filterset_class = GroupApiFilter
    search_fields = ["name"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    @staticmethod
    def list_selector(*, user, params):
        return selectors.groups_list(user=user, params=params, filters=GroupApiFilter)

    def get_queryset(self):
        if not self.request.user.is_authenticated:  # the schema generator asks anonymously
            return Group.objects.none()
        groups = selectors.groups_visible_to(user=self.request.user).order_by("-starts_on", "pk")
        return groups.prefetch_related(
            Prefetch(
                "members", queryset=GroupMember.objects.select_related("client").order_by("joined_on", "pk")
            ),
            Prefetch(
                "sessions", queryset=GroupSession.objects.prefetch_related("attendance").order_by("number")
            ),
        )

    def get_serializer_class(self):
        return GroupSummarySerializer if self.action == "list" else super().get_serializer_class()

    def _fresh(self, group, status_code=status.HTTP_200_OK):
        group = self.get_queryset().get(pk=group.pk)
        return Response(
            GroupSerializer(group, context=self.get_serializer_context()).data, status=status_code
        )

    def retrieve(self, request, *args, **kwargs):
        group = self.get_object()
        services.access_record(
            actor=request.user,
            target=group,
            action="group.view",
            ids=[member.client_id for member in group.members.all()],
        )
        return Response(self.get_serializer(group).data)

    def perform_create(self, serializer):
        serializer.instance = self.get_queryset().get(pk=serializer.save().pk)

    def perform_update(self, serializer):
        serializer.instance = self.get_queryset().get(pk=serializer.save().pk)

    @extend_schema(request=GroupMemberSerializer, responses={201: GroupMemberSerializer})
    @decorators.action(detail=True, methods=["post"], serializer_class=GroupMemberSerializer)
    def members(self, request, pk=None):
        group = self.get_object()
        data = GroupMemberSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        member = services.member_add(actor=request.user, group=group, **data.validated_data)
        return Response(GroupMemberSerializer(member, context=self.get_serializer_context()).data, status=201)

    @extend_schema(request=MemberLeaveSerializer, responses=GroupMemberSerializer)
    @decorators.action(
        detail=True,
        methods=["post"],
        url_path=rf"members/(?P<member_pk>{ID_PATTERN})/leave",
        serializer_class=MemberLeaveSerializer,
    )
    def leave(self, request, pk=None, member_pk=None):
        group = self.get_object()
        member = get_object_or_404(GroupMember, pk=member_pk, group=group)
        data = MemberLeaveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        member = services.member_leave(
            actor=request.user, member=member, left_on=data.validated_data.get("left_on")
        )
        return Response(GroupMemberSerializer(member, context=self.get_serializer_context()).data)

    @extend_schema(request=GroupSessionSerializer, responses={201: GroupSessionSerializer})
    @decorators.action(detail=True, methods=["post"], serializer_class=GroupSessionSerializer)
    def sessions(self, request, pk=None):
        group = self.get_object()
        data = GroupSessionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        session = services.session_plan(actor=request.user, group=group, **data.validated_data)
        return Response(GroupSessionSerializer(session).data, status=201)

    @extend_schema(request=SessionRecordSerializer, responses=GroupSessionSerializer)
    @decorators.action(
        detail=True,
        methods=["post"],
        url_path=rf"sessions/(?P<session_pk>{ID_PATTERN})/record",
        serializer_class=SessionRecordSerializer,
    )
    def record(self, request, pk=None, session_pk=None):
        group = self.get_object()
        session = get_object_or_404(GroupSession, pk=session_pk, group=group)
        data = SessionRecordSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        session = services.session_record(actor=request.user, session=session, **data.validated_data)
        return Response(GroupSessionSerializer(session).data)

    @extend_schema(request=GroupEvaluateSerializer, responses=GroupSerializer)
    @decorators.action(detail=True, methods=["post"], serializer_class=GroupEvaluateSerializer)
    def evaluate(self, request, pk=None):
        group = self.get_object()
        data = GroupEvaluateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        group = services.group_evaluate(actor=request.user, group=group, **data.validated_data)
        return self._fresh(group)


def register(router) -> None:
    router.register("groups", GroupViewSet, basename="group")
