"""/api/v1/organizations/, calls/, projects/, contracts/ and payments/: the pages' rules, as JSON.
Reads are scoped by projects.selectors; writes go through projects.services."""

from decimal import Decimal

from django.db.models import DecimalField, Exists, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import decorators, exceptions, mixins, serializers, status, viewsets
from rest_framework.response import Response

from positions.api.network import ScopedRelatedField
from positions.models import Region, Studio
from projects import selectors, services, workflow
from projects.api import evaluations
from projects.filters import CallFilter, OrganizationFilter, ProjectApiFilter
from projects.models import (
    Acceptance,
    BudgetLine,
    Call,
    Contract,
    ContractAmendment,
    Milestone,
    Payment,
    Project,
    Review,
    ServiceArea,
    SocialOrganization,
)
from socialwork.lists import ListSelectorMixin
from socialwork.money import yuan

WRITE_METHODS = ["get", "post", "put", "patch", "head", "options"]


# Organizations and calls


class OrganizationSerializer(serializers.ModelSerializer):
    # A list of service areas, as the form offers them: never null, whatever the content type.
    service_areas = serializers.ListField(
        child=serializers.ChoiceField(choices=ServiceArea.choices), required=False
    )

    class Meta:
        model = SocialOrganization
        fields = [
            "id", "name", "credit_code", "kind", "registration", "registered_on", "region", "grade",
            "grade_year", "service_areas", "legal_representative", "contact_person", "phone", "address",
        ]  # fmt: skip
        validators = []  # the service and the model's full_clean give the messages

    def create(self, validated_data):
        return services.organization_save(actor=self.context["request"].user, **validated_data)

    def update(self, organization, validated_data):
        return services.organization_save(
            actor=self.context["request"].user, organization=organization, **validated_data
        )


class OrganizationViewSet(ListSelectorMixin, viewsets.ModelViewSet):
    """Social organizations: district-wide people see all, staff their own. District administrators
    register and change them."""

    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilter
    list_selector = selectors.organizations_list
    search_fields = ["name", "credit_code"]
    http_method_names = WRITE_METHODS

    def get_queryset(self):
        if not self.request.user.is_authenticated:  # the schema generator asks anonymously
            return SocialOrganization.objects.none()
        return selectors.organizations_visible_to(user=self.request.user).order_by("name", "pk")


class CallSerializer(serializers.ModelSerializer):
    class Meta:
        model = Call
        fields = [
            "id", "year", "kind", "title", "budget_ceiling", "opens_on", "closes_on",
            "min_applications_per_community",
        ]  # fmt: skip
        validators = []

    def create(self, validated_data):
        return services.call_save(actor=self.context["request"].user, **validated_data)

    def update(self, call, validated_data):
        return services.call_save(actor=self.context["request"].user, call=call, **validated_data)


class CallViewSet(ListSelectorMixin, viewsets.ModelViewSet):
    """Calls for projects, open to everyone to read; district administrators open and change them."""

    serializer_class = CallSerializer
    filterset_class = CallFilter
    list_selector = selectors.calls_list
    search_fields = ["title"]
    http_method_names = WRITE_METHODS

    def get_queryset(self):
        return selectors.calls_visible_to(user=self.request.user).order_by("-year", "-opens_on", "pk")


# Projects


class BudgetLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = BudgetLine
        fields = ["item", "amount"]


class ProjectSerializer(serializers.ModelSerializer):
    call = ScopedRelatedField(selectors.calls_visible_to)
    community = serializers.PrimaryKeyRelatedField(queryset=Region.objects.all())
    organization = ScopedRelatedField(selectors.organizations_visible_to, allow_null=True, required=False)
    studio = serializers.PrimaryKeyRelatedField(
        queryset=Studio.objects.all(), allow_null=True, required=False
    )
    budget_lines = BudgetLineSerializer(many=True)
    call_title = serializers.CharField(source="call.title", read_only=True)
    community_name = serializers.CharField(source="community.name", read_only=True)
    organization_name = serializers.CharField(
        source="organization.name", read_only=True, default=None, allow_null=True
    )
    provider_name = serializers.CharField(
        source="provider.name", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = Project
        fields = [
            "id", "call", "call_title", "year", "title", "service_area", "community", "community_name",
            "organization", "organization_name", "studio", "beneficiaries", "beneficiary_count", "summary",
            "budget_lines", "requested_amount", "approved_amount", "provider", "provider_name", "status",
            "created_at",
        ]  # fmt: skip
        read_only_fields = ["year", "requested_amount", "approved_amount", "provider", "status", "created_at"]

    def _save(self, project, validated_data):
        lines = validated_data.pop("budget_lines", None)
        if project is not None:
            current = {
                "call": project.call,
                "title": project.title,
                "service_area": project.service_area,
                "community": project.community,
                "organization": project.organization,
                "studio": project.studio,
                "beneficiaries": project.beneficiaries,
                "beneficiary_count": project.beneficiary_count,
                "summary": project.summary,
            }
            validated_data = {**current, **validated_data}
            if lines is None:
                lines = [{"item": line.item, "amount": line.amount} for line in project.budget_lines.all()]
        return services.project_save(
            actor=self.context["request"].user,
            project=project,
            budget_lines=[(line["item"], line["amount"]) for line in lines or []],
            **validated_data,
        )

    def create(self, validated_data):
        return self._save(None, validated_data)

    def update(self, project, validated_data):
        return self._save(project, validated_data)


class ProjectDetailSerializer(ProjectSerializer):
    """A project with the actions its reader may take on it now (workflow.actions_for): the names
    its page marks with data-action."""

    actions = serializers.SerializerMethodField()

    class Meta(ProjectSerializer.Meta):
        fields = [*ProjectSerializer.Meta.fields, "actions"]

    def get_actions(self, project) -> list[str]:
        return list(workflow.actions_for(self.context["request"].user, project))


class MoveSerializer(serializers.Serializer):
    move = serializers.ChoiceField(
        choices=[name for name, move in workflow.MOVES.items() if move.direct and name != "approve"]
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class DecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ReviewSerializer(serializers.ModelSerializer):
    # Only when changing a score given before: the earlier one is kept with the reason.
    reason = serializers.CharField(required=False, allow_blank=True, default="", write_only=True)

    class Meta:
        model = Review
        fields = ["id", "project", "reviewer", "score", "comment", "reason", "created_at"]
        read_only_fields = ["project", "reviewer", "created_at"]
        validators = []


class ProjectViewSet(ListSelectorMixin, viewsets.ModelViewSet):
    """Projects the person sees. POST creates a draft; PUT/PATCH change it while it is a draft;
    POST .../move/ takes a workflow step, .../decide/ approves or rejects, .../review/ records a
    score."""

    serializer_class = ProjectSerializer
    filterset_class = ProjectApiFilter
    search_fields = ["title", "beneficiaries"]
    http_method_names = WRITE_METHODS

    @staticmethod
    def list_selector(*, user, params):
        return selectors.projects_list(user=user, params=params, filters=ProjectApiFilter)

    def list_queryset(self, queryset):
        return queryset.prefetch_related("budget_lines")

    def get_queryset(self):
        return (
            selectors.projects_visible_to(user=self.request.user)
            .prefetch_related("budget_lines")
            .order_by("-year", "-created_at", "pk")  # as the list page: the latest call's first
        )

    def _project(self, pk, *by: str):
        """The project the person sees (else 404); with `by`, only for who holds one of these
        workflow roles on it (else 403), before the body is read."""
        project = get_object_or_404(self.get_queryset(), pk=pk)
        if by and not workflow.roles_of(self.request.user, project) & set(by):
            raise exceptions.PermissionDenied
        return project

    def get_serializer_class(self):
        return ProjectDetailSerializer if self.action == "retrieve" else super().get_serializer_class()

    def _fresh(self, project):
        return ProjectDetailSerializer(
            self.get_queryset().get(pk=project.pk), context={"request": self.request}
        ).data

    @extend_schema(request=MoveSerializer, responses=ProjectSerializer)
    @decorators.action(detail=True, methods=["post"], serializer_class=MoveSerializer)
    def move(self, request, pk=None):
        project = self._project(pk, workflow.APPLICANT, workflow.DISTRICT)
        data = MoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        project = services.project_move(actor=request.user, project=project, **data.validated_data)
        return Response(self._fresh(project))

    @extend_schema(request=DecisionSerializer, responses=ProjectSerializer)
    @decorators.action(detail=True, methods=["post"], serializer_class=DecisionSerializer)
    def decide(self, request, pk=None):
        project = self._project(pk, workflow.DISTRICT)
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        project = services.project_decide(actor=request.user, project=project, **data.validated_data)
        return Response(self._fresh(project))

    @extend_schema(request=ReviewSerializer, responses={201: ReviewSerializer})
    @decorators.action(detail=True, methods=["post"], serializer_class=ReviewSerializer)
    def review(self, request, pk=None):
        project = self._project(pk, workflow.DISTRICT)
        data = ReviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        review = services.review_record(actor=request.user, project=project, **data.validated_data)
        return Response(ReviewSerializer(review).data, status=status.HTTP_201_CREATED)


# Contracts and payments


class MilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "title", "due_on", "amount", "completed_on"]
        read_only_fields = ["completed_on"]
        extra_kwargs = {"amount": {"required": False}}


class AmendmentSerializer(serializers.ModelSerializer):
    """A supplementary agreement: give the new amount and/or term (left out: unchanged)."""

    amount = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)
    starts_on = serializers.DateField(required=False, allow_null=True)
    ends_on = serializers.DateField(required=False, allow_null=True)

    class Meta:
        model = ContractAmendment
        fields = [
            "id", "amount", "starts_on", "ends_on", "previous_amount", "previous_starts_on", "previous_ends_on",
            "reason", "signed_on", "recorded_by", "created_at",
        ]  # fmt: skip
        read_only_fields = [
            "previous_amount", "previous_starts_on", "previous_ends_on", "recorded_by", "created_at",
        ]  # fmt: skip


class ContractMoneySerializer(serializers.Serializer):
    final_share = serializers.DecimalField(max_digits=14, decimal_places=2)
    paid = serializers.DecimalField(max_digits=14, decimal_places=2)
    due = serializers.DecimalField(max_digits=14, decimal_places=2)
    awaiting_milestones = serializers.DecimalField(max_digits=14, decimal_places=2)
    held_back = serializers.DecimalField(max_digits=14, decimal_places=2)
    accepted = serializers.BooleanField()


class ContractSerializer(serializers.ModelSerializer):
    project = ScopedRelatedField(selectors.projects_visible_to)
    organization = ScopedRelatedField(selectors.organizations_pickable)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    project_title = serializers.CharField(source="project.title", read_only=True)
    milestones = MilestoneSerializer(many=True, required=False)
    money = serializers.SerializerMethodField()

    class Meta:
        model = Contract
        fields = [
            "id", "project", "project_title", "number", "year", "purchaser", "organization",
            "organization_name", "amount", "starts_on", "ends_on", "signed_on", "deliverables",
            "final_share_percent", "milestones", "money",
        ]  # fmt: skip
        read_only_fields = ["year", "purchaser"]
        validators = []
        # The range is the service's to enforce, with its message.
        extra_kwargs = {"final_share_percent": {"validators": [], "required": False}}

    @extend_schema_field(ContractMoneySerializer)
    def get_money(self, contract):
        """Paid, due now, awaiting milestones and held back until acceptance."""
        return ContractMoneySerializer(
            selectors.contract_money(
                contract=contract,
                milestones=contract.milestones.all(),
                paid=contract.paid_total,
                accepted=contract.accepted,
            )
        ).data

    def create(self, validated_data):
        milestones = [
            (m["title"], m["due_on"], m.get("amount")) for m in validated_data.pop("milestones", [])
        ]
        return services.contract_sign(
            actor=self.context["request"].user, milestones=milestones, **validated_data
        )


class ContractDetailSerializer(ContractSerializer):
    """A contract with its supplementary agreements and the actions its reader may take on it now
    (paying, completing milestones, amending)."""

    amendments = AmendmentSerializer(many=True, read_only=True)
    actions = serializers.SerializerMethodField()

    class Meta(ContractSerializer.Meta):
        fields = [*ContractSerializer.Meta.fields, "amendments", "actions"]

    def get_actions(self, contract) -> list[str]:
        return list(workflow.actions_for(self.context["request"].user, contract))


class ContractViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Contracts of the projects the person sees. POST signs one, within the year's budget."""

    serializer_class = ContractSerializer
    filterset_fields = ["year", "organization", "project"]
    search_fields = ["number", "project__title"]

    def get_queryset(self):
        return (
            selectors.contracts_visible_to(user=self.request.user)
            .select_related("project", "organization")
            .prefetch_related("milestones")
            .annotate(
                paid_total=Coalesce(
                    Subquery(
                        Payment.objects.filter(contract=OuterRef("pk"))
                        .values("contract")
                        .annotate(total=Sum("amount"))
                        .values("total")
                    ),
                    Decimal(0),
                    output_field=DecimalField(max_digits=14, decimal_places=2),
                ),
                accepted=Exists(
                    Acceptance.objects.filter(
                        project=OuterRef("project"), conclusion=Acceptance.Conclusion.PASS
                    )
                ),
            )
            .order_by("-signed_on", "pk")
        )

    def get_serializer_class(self):
        return ContractDetailSerializer if self.action == "retrieve" else super().get_serializer_class()

    def perform_create(self, serializer):
        serializer.instance = self.get_queryset().get(pk=serializer.save().pk)

    @extend_schema(request=AmendmentSerializer, responses={201: AmendmentSerializer})
    @decorators.action(detail=True, methods=["post"], serializer_class=AmendmentSerializer)
    def amend(self, request, pk=None):
        """Record a supplementary agreement: within the approved amount and the year's budget."""
        contract = self.get_object()
        if workflow.DISTRICT not in workflow.roles_of(request.user, contract.project):
            raise exceptions.PermissionDenied  # before the body is read, as a project's steps
        data = AmendmentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        amendment = services.contract_amend(actor=request.user, contract=contract, **data.validated_data)
        return Response(AmendmentSerializer(amendment).data, status=status.HTTP_201_CREATED)


class PaymentSerializer(serializers.ModelSerializer):
    contract = ScopedRelatedField(selectors.contracts_visible_to)
    contract_number = serializers.CharField(source="contract.number", read_only=True)

    class Meta:
        model = Payment
        fields = [
            "id",
            "contract",
            "contract_number",
            "amount",
            "paid_on",
            "note",
            "recorded_by",
            "created_at",
        ]
        read_only_fields = ["recorded_by", "created_at"]

    def create(self, validated_data):
        return services.payment_record(actor=self.context["request"].user, **validated_data)


class PaymentViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Payments under the contracts the person sees. POST records one; payments never exceed the
    contract."""

    serializer_class = PaymentSerializer
    filterset_fields = ["contract"]

    def get_queryset(self):
        contracts = selectors.contracts_visible_to(user=self.request.user).values("pk")
        return (
            Payment.objects.filter(contract__in=contracts)
            .select_related("contract")
            .order_by("paid_on", "pk")
        )


class BudgetRowSerializer(serializers.Serializer):
    region = serializers.CharField(source="label")
    code = serializers.CharField(source="region.code", allow_null=True)
    own = serializers.BooleanField()
    budget = serializers.DecimalField(max_digits=15, decimal_places=2)
    committed = serializers.DecimalField(max_digits=15, decimal_places=2)
    spent = serializers.DecimalField(max_digits=15, decimal_places=2)
    uncommitted = serializers.DecimalField(max_digits=15, decimal_places=2)


class BudgetQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(required=False, min_value=1, max_value=9999, label=_("year"))


class BudgetViewSet(viewsets.ViewSet):
    """GET /api/v1/budgets/?year=: the year's money of the person's place (a district's own
    budget; a city's own and its districts' added up) and, for a city, each district's side by
    side with its own. District-wide people only, as on the overview page."""

    @extend_schema(parameters=[BudgetQuerySerializer], responses={200: OpenApiTypes.OBJECT})
    def list(self, request):
        from positions.selectors.network import figures_place

        if not request.user.is_district_wide:
            raise exceptions.PermissionDenied
        query = BudgetQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        year = query.validated_data.get("year") or timezone.localdate().year
        place = figures_place(user=request.user)
        money = selectors.year_money(year=year, place=place)
        rows = selectors.budgets_side_by_side(year=year, place=place)
        return Response(
            {
                "year": year,
                "region": place.name if place else None,
                **{name: str(yuan(value)) for name, value in money.items()},
                "districts": BudgetRowSerializer(rows, many=True).data,
            }
        )


def register(router) -> None:
    router.register("budgets", BudgetViewSet, basename="budget")
    router.register("organizations", OrganizationViewSet, basename="organization")
    router.register("calls", CallViewSet, basename="call")
    router.register("projects", ProjectViewSet, basename="project")
    router.register("contracts", ContractViewSet, basename="contract")
    router.register("payments", PaymentViewSet, basename="payment")
    evaluations.register(router)
    from projects.api import panels

    panels.register(router)
