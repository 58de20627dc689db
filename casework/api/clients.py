"""/api/v1/clients/: the people served. Reads go through casework.selectors, so a client outside the
person's reach is a 404 on every route; writes go through casework.services. Lists show ID and
phone numbers masked, a client's own record shows them in full; both are written to the audit log."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import decorators, serializers, status, viewsets
from rest_framework.response import Response

from casework import selectors, services
from casework.filters import ClientApiFilter
from casework.masking import mask_id_number, mask_phone
from casework.models import Client, HouseholdMember, VulnerabilityCategory
from casework.services.conflicts import edit_checked
from positions.models import Region
from socialwork.lists import ListSelectorMixin

WRITE_METHODS = ["get", "post", "put", "patch", "head", "options"]


class ScopedDetailMixin:
    """What a person cannot see does not exist for them. On a detail route the record is looked up
    in their scope before their permissions are asked, so a hidden record answers 404 to every
    method, never a 403 that would tell them it exists."""

    def check_permissions(self, request):
        if request.user.is_authenticated and self.kwargs.get(self.lookup_url_kwarg or self.lookup_field):
            self.get_object()
        super().check_permissions(request)

    def get_object(self):
        if not hasattr(self, "_object"):
            self._object = super().get_object()
        return self._object


def audit_page(request, model, action: str, page) -> None:
    """One audit row for a page of a list: who listed which records."""
    services.access_record(actor=request.user, target=model(), action=action, ids=[obj.pk for obj in page])


class HouseholdMemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = HouseholdMember
        fields = ["name", "relation", "birth_date", "situation"]


class ClientListSerializer(serializers.ModelSerializer):
    """A row of the list: ID and phone numbers masked."""

    id_number = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()
    community_name = serializers.CharField(source="community.name", read_only=True)
    station_name = serializers.CharField(source="station.name", read_only=True)

    class Meta:
        model = Client
        fields = [
            "id", "name", "gender", "birth_date", "id_number", "phone", "community", "community_name", "station",
            "station_name", "categories", "known_elsewhere", "created_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_id_number(self, client) -> str:
        return mask_id_number(client.id_number) if client.id_number else ""

    def get_phone(self, client) -> str:
        return mask_phone(client.phone)


class ClientSerializer(serializers.ModelSerializer):
    """A client's own record, in full. Writing it registers or changes the client through the
    services (consent to the processing of their data is required; the ID number is checked)."""

    community = serializers.PrimaryKeyRelatedField(queryset=Region.objects.all())
    community_name = serializers.CharField(source="community.name", read_only=True)
    station_name = serializers.CharField(source="station.name", read_only=True)
    categories = serializers.PrimaryKeyRelatedField(
        queryset=VulnerabilityCategory.objects.filter(active=True), many=True, required=False
    )
    household = HouseholdMemberSerializer(many=True, required=False)
    cases = serializers.SerializerMethodField()
    # The version the caller read: a change sent with an older one is checked field by field and
    # answered 409 with each conflicting field's values (casework.services.conflicts).
    version = serializers.IntegerField(required=False, min_value=1)
    base = serializers.DictField(
        child=serializers.CharField(allow_blank=True), required=False, write_only=True,
        help_text=gettext_lazy("The values the caller read, by field, as this API gave them (with `version`)."),
    )  # fmt: skip

    class Meta:
        model = Client
        fields = [
            "id", "name", "gender", "birth_date", "id_number", "phone", "address", "community", "community_name",
            "station", "station_name", "categories", "household", "consents_to_services",
            "consents_to_data_processing", "consent_recorded_on", "known_elsewhere", "cases", "created_at",
            "updated_at", "version", "base",
        ]  # fmt: skip
        read_only_fields = ["station", "known_elsewhere", "created_at", "updated_at"]
        # Read from the ID number when not given, checked against it when given (the services).
        extra_kwargs = {"gender": {"required": False, "allow_blank": True}}

    def get_cases(self, client) -> list[dict]:
        """The client's cases the person sees (and only those)."""
        cases = selectors.cases_visible_to(user=self.context["request"].user).filter(
            case_clients__client=client
        )
        return [{"id": case.pk, "number": case.number, "status": case.status} for case in cases]

    def create(self, validated_data):
        validated_data.pop("version", None)
        validated_data.pop("base", None)
        return services.client_register(actor=self.context["request"].user, **validated_data)

    def update(self, client, validated_data):
        version, base = validated_data.pop("version", None), validated_data.pop("base", {})
        extra = {
            name: validated_data.pop(name) for name in ("categories", "household") if name in validated_data
        }
        outcome = edit_checked(
            actor=self.context["request"].user, record=client, version=version, base=base, mine=validated_data,
            extra=extra,
        )  # fmt: skip
        self.conflicts = outcome.conflicts
        return outcome.record


def conflict_answer(conflicts) -> dict:
    """The 409's body: each field kept for a choice, with the value read, the value saved meanwhile
    (who, when) and the one sent; the page where the choice is made."""
    return {
        "detail": _("Someone else changed this record meanwhile: choose which values to keep."),
        "url": conflicts[0].get_absolute_url(),
        "conflicts": {
            c.field: {
                "base": c.base_value, "theirs": c.theirs_value, "mine": c.mine_value,
                "theirs_by": str(c.theirs_by) if c.theirs_by else "",
                "theirs_at": c.theirs_at.isoformat() if c.theirs_at else "", "id": c.pk,
            }
            for c in conflicts
        },
    }  # fmt: skip


class ClientRemoveSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class ClientViewSet(ListSelectorMixin, ScopedDetailMixin, viewsets.ModelViewSet):
    """Clients the person sees. POST registers one at the person's station; PUT/PATCH change the
    record; POST .../remove/ removes one (with a reason): there is no DELETE."""

    filterset_class = ClientApiFilter
    search_fields = ["name"]
    ordering_fields = ["name", "birth_date", "created_at"]
    http_method_names = WRITE_METHODS

    @staticmethod
    def list_selector(*, user, params):
        return selectors.clients_list(user=user, params=params, filters=ClientApiFilter)

    def get_queryset(self):
        if not self.request.user.is_authenticated:  # the schema generator asks anonymously
            return Client.objects.none()
        return selectors.clients_in_list_order(user=self.request.user).prefetch_related("categories")

    def get_serializer_class(self):
        return ClientListSerializer if self.action == "list" else ClientSerializer

    def list(self, request, *args, **kwargs):
        clients = self.listed()
        self.paginator.counted = selectors.caseload_counted(user=request.user, clients=clients)
        page = self.paginate_queryset(clients)
        audit_page(request, Client, "client.list", page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        client = self.get_object()
        services.access_record(actor=request.user, target=client, action="client.view")
        return Response(self.get_serializer(client).data)

    def perform_create(self, serializer):
        serializer.instance = self._fresh(serializer.save())

    def perform_update(self, serializer):
        serializer.instance = self._fresh(serializer.save())

    def update(self, request, *args, **kwargs):
        """PUT/PATCH; with `version` (and `base`), fields someone else changed meanwhile are not
        applied: 409 with their values, the others applied."""
        serializer = self.get_serializer(
            self.get_object(), data=request.data, partial=kwargs.pop("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        self.perform_update(serializer)
        conflicts = getattr(serializer, "conflicts", None)
        if conflicts:
            return Response(conflict_answer(conflicts), status=status.HTTP_409_CONFLICT)
        return Response(serializer.data)

    def _fresh(self, client):
        return self.get_queryset().get(pk=client.pk)

    @extend_schema(request=ClientRemoveSerializer, responses={204: None})
    @decorators.action(detail=True, methods=["post"], serializer_class=ClientRemoveSerializer)
    def remove(self, request, pk=None):
        client = self.get_object()
        data = ClientRemoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.client_remove(actor=request.user, client=client, reason=data.validated_data["reason"])
        return Response(status=status.HTTP_204_NO_CONTENT)


def register(router) -> None:
    router.register("clients", ClientViewSet, basename="client")
