"""/api/v1/client-merges/: merging two client records of the same person. Reads go through
casework.merge_selectors (the district's merges for its administrators, a person's own sendings
for them); writes through casework.services.merges. Records are named by number only."""

from drf_spectacular.utils import extend_schema
from rest_framework import decorators, permissions, serializers, status, viewsets
from rest_framework.response import Response

from casework import merge_selectors as selectors
from casework import services
from casework.models import ClientMerge
from casework.models.merges import MERGE_FIELDS
from socialwork.lists import ListSelectorMixin

from .clients import ScopedDetailMixin

FIELDS = [
    "id", "status", "kept", "merged", "merged_ref", "reason", "take_from_merged", "sent_by", "proposed_by",
    "proposed_at", "decided_by", "decided_at", "comment", "undone_by", "undone_at", "undo_reason", "purged_at",
    "created_at",
]  # fmt: skip


class MergeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ClientMerge
        fields = FIELDS
        read_only_fields = FIELDS


class ProposeSerializer(serializers.Serializer):
    kept = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    merged = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    reason = serializers.CharField(max_length=500)
    take_from_merged = serializers.ListField(
        child=serializers.ChoiceField(choices=MERGE_FIELDS), required=False, default=list
    )
    sent = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False)


class SendSerializer(serializers.Serializer):
    client = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    reason = serializers.CharField(max_length=500)


class DecideSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    comment = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class UndoSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class ClientMergeViewSet(ListSelectorMixin, ScopedDetailMixin, viewsets.ReadOnlyModelViewSet):
    """Merges the person sees. POST proposes one (district administrators); POST .../send/ sends a
    client for merging (their station); POST .../{id}/decide/ approves or rejects (a second
    district administrator); POST .../{id}/undo/ undoes a merge."""

    serializer_class = MergeSerializer
    filterset_class = selectors.MergeFilter

    @staticmethod
    def list_selector(*, user, params):
        return selectors.merges_list(user=user, params=params)

    def get_queryset(self):
        if not self.request.user.is_authenticated:
            return ClientMerge.objects.none()
        return selectors.merges_visible_to(user=self.request.user).order_by("-created_at", "-pk")

    def get_permissions(self):
        if self.action == "send":  # a station's manager, without the district's permission
            return [permissions.IsAuthenticated()]
        return super().get_permissions()

    def _answer(self, merge, code=status.HTTP_200_OK):
        return Response(MergeSerializer(merge, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=ProposeSerializer, responses={201: MergeSerializer})
    def create(self, request):
        data = ProposeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        sent = None
        if values.get("sent"):
            sent = self.get_queryset().filter(pk=values["sent"], status=ClientMerge.Status.SENT).first()
            if sent is None:
                raise serializers.ValidationError({"sent": ["No record sent for merging has this number."]})
        merge = services.merge_propose(
            actor=request.user, kept_id=values["kept"], merged_id=values["merged"], reason=values["reason"],
            take_from_merged=values["take_from_merged"], merge=sent,
        )  # fmt: skip
        return self._answer(merge, status.HTTP_201_CREATED)

    @extend_schema(request=SendSerializer, responses={201: MergeSerializer})
    @decorators.action(detail=False, methods=["post"], serializer_class=SendSerializer)
    def send(self, request):
        from casework.selectors import clients_visible_to

        data = SendSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        client = clients_visible_to(user=request.user).filter(pk=data.validated_data["client"]).first()
        if client is None:
            raise serializers.ValidationError({"client": ["No client with this number is in your reach."]})
        merge = services.merge_send(actor=request.user, client=client, reason=data.validated_data["reason"])
        return self._answer(merge, status.HTTP_201_CREATED)

    @extend_schema(request=DecideSerializer, responses=MergeSerializer)
    @decorators.action(detail=True, methods=["post"], serializer_class=DecideSerializer)
    def decide(self, request, pk=None):
        merge = self.get_object()
        data = DecideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._answer(services.merge_decide(actor=request.user, merge=merge, **data.validated_data))

    @extend_schema(request=UndoSerializer, responses=MergeSerializer)
    @decorators.action(detail=True, methods=["post"], serializer_class=UndoSerializer)
    def undo(self, request, pk=None):
        merge = self.get_object()
        data = UndoSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._answer(services.merge_undo(actor=request.user, merge=merge, **data.validated_data))


def register(router) -> None:
    router.register("client-merges", ClientMergeViewSet, basename="client-merge")
