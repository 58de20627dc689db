"""/api/v1/advocacy/: policy advocacy records, as on the pages. The evidence is counts only
(`case_count`, and in a record `evidence`: the total and the counts by category, risk level and
status): no case is ever returned. `cases` is write-only, the ids of cases the writer can see;
it sets the linked cases among those, and leaves linked the ones the writer cannot see.
POST .../submit/ sends the proposal and .../respond/ records the department's response."""

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import decorators, serializers, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from casework import selectors, services
from casework.forms_groups import AdvocacyFilter
from casework.models import AdvocacyRecord
from casework.services.advocacy import RESPONSE_STATUSES
from positions.api.network import ScopedRelatedField
from socialwork.lists import ListSelectorMixin

FIELDS = [
    "id", "title", "problem", "evidence_note", "proposal", "department", "station", "station_name", "author",
    "author_name", "status", "submitted_on", "response", "responded_on", "outcome", "case_count", "created_at",
]  # fmt: skip


class EvidenceCountSerializer(serializers.Serializer):
    label = serializers.CharField()
    count = serializers.IntegerField()


class AdvocacyEvidenceSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    by_category = EvidenceCountSerializer(many=True)
    by_risk = EvidenceCountSerializer(many=True)
    by_status = EvidenceCountSerializer(many=True)


class AdvocacySerializer(serializers.ModelSerializer):
    station_name = serializers.CharField(source="station.name", read_only=True)
    author_name = serializers.StringRelatedField(source="author")
    case_count = serializers.IntegerField(read_only=True)
    cases = serializers.ManyRelatedField(
        child_relation=ScopedRelatedField(selectors.cases_visible_to),
        write_only=True,
        required=False,
        help_text="Ids of cases you can see, linked as evidence. Never returned.",
    )

    class Meta:
        model = AdvocacyRecord
        fields = [*FIELDS, "cases"]
        read_only_fields = [
            "station", "author", "status", "submitted_on", "response", "responded_on", "outcome", "created_at",
        ]  # fmt: skip

    def create(self, validated_data):
        return services.advocacy_save(actor=self.context["request"].user, **validated_data)

    def update(self, record, validated_data):
        return services.advocacy_save(actor=self.context["request"].user, record=record, **validated_data)


class AdvocacyDetailSerializer(AdvocacySerializer):
    evidence = serializers.SerializerMethodField()

    class Meta(AdvocacySerializer.Meta):
        fields = [*FIELDS, "evidence", "cases"]

    @extend_schema_field(AdvocacyEvidenceSerializer)
    def get_evidence(self, record) -> dict:
        evidence = selectors.advocacy_evidence(record)
        return {
            "total": evidence["total"],
            **{
                key: [{"label": label, "count": count} for label, count in evidence[key]]
                for key in ("by_category", "by_risk", "by_status")
            },
        }


class AdvocacySubmitSerializer(serializers.Serializer):
    submitted_on = serializers.DateField(required=False, allow_null=True)


class AdvocacyResponseSerializer(serializers.Serializer):
    response = serializers.CharField()
    responded_on = serializers.DateField()
    status = serializers.ChoiceField(choices=[str(value) for value in RESPONSE_STATUSES])
    outcome = serializers.CharField(required=False, allow_blank=True, default="")


class AdvocacyViewSet(ListSelectorMixin, viewsets.ModelViewSet):
    """Advocacy records across the person's place. POST writes one; PUT/PATCH change it while it is
    drafted (its author or the station manager of its unit)."""

    serializer_class = AdvocacyDetailSerializer
    filterset_class = AdvocacyFilter
    list_selector = selectors.advocacy_list
    search_fields = ["title", "department"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        if not self.request.user.is_authenticated:  # the schema generator asks anonymously
            return AdvocacyRecord.objects.none()
        return selectors.advocacy_list(user=self.request.user).queryset  # the list's, unfiltered

    def get_serializer_class(self):
        return AdvocacySerializer if self.action == "list" else super().get_serializer_class()

    def _fresh(self, record):
        record = self.get_queryset().get(pk=record.pk)
        return AdvocacyDetailSerializer(record, context=self.get_serializer_context()).data

    def perform_create(self, serializer):
        serializer.instance = self.get_queryset().get(pk=serializer.save().pk)

    def perform_update(self, serializer):
        serializer.instance = self.get_queryset().get(pk=serializer.save().pk)

    def _writable(self):
        """The record, when the person may write it: 403 before the body is read otherwise."""
        record = self.get_object()
        if not services.advocacy_may_write(self.request.user, record):
            raise PermissionDenied
        return record

    @extend_schema(request=AdvocacySubmitSerializer, responses=AdvocacyDetailSerializer)
    @decorators.action(detail=True, methods=["post"], serializer_class=AdvocacySubmitSerializer)
    def submit(self, request, pk=None):
        record = self._writable()
        data = AdvocacySubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        record = services.advocacy_submit(
            actor=request.user, record=record, submitted_on=data.validated_data.get("submitted_on")
        )
        return Response(self._fresh(record))

    @extend_schema(request=AdvocacyResponseSerializer, responses=AdvocacyDetailSerializer)
    @decorators.action(detail=True, methods=["post"], serializer_class=AdvocacyResponseSerializer)
    def respond(self, request, pk=None):
        record = self._writable()
        data = AdvocacyResponseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        record = services.advocacy_record_response(actor=request.user, record=record, **data.validated_data)
        return Response(self._fresh(record))


def register(router) -> None:
    router.register("advocacy", AdvocacyViewSet, basename="advocacy")
