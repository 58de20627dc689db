"""/api/v1/organizations/, calls/, projects/, contracts/ and payments/: the pages' rules, as JSON.
Reads are scoped by projects.selectors; writes go through projects.services."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import decorators, exceptions, mixins, serializers, status, viewsets
from rest_framework.response import Response

from positions.api.network import ScopedRelatedField
from positions.models import Region, Studio
from projects import selectors, services, workflow
from projects.filters import CallFilter, OrganizationFilter, ProjectApiFilter
from projects.models import (
    BudgetLine,
    Call,
    Contract,
    Milestone,
    Payment,
    Project,
    Review,
    ServiceArea,
    SocialOrganization,
)
from socialwork.lists import ListSelectorMixin

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
            "grade_year", "service_areas", "contact_person", "phone", "address",
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
    queryset = Call.objects.order_by("-year", "-opens_on", "pk")


# Projects


class BudgetLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = BudgetLine
        fields = ["item", "amount"]


class ProjectSerializer(serializers.ModelSerializer):
    call = serializers.PrimaryKeyRelatedField(queryset=Call.objects.all())
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

    class Meta:
        model = Project
        fields = [
            "id", "call", "call_title", "year", "title", "service_area", "community", "community_name",
            "organization", "organization_name", "studio", "beneficiaries", "beneficiary_count", "summary",
            "budget_lines", "requested_amount", "approved_amount", "status", "created_at",
        ]  # fmt: skip
        read_only_fields = ["year", "requested_amount", "approved_amount", "status", "created_at"]

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
    class Meta:
        model = Review
        fields = ["id", "project", "reviewer", "score", "comment", "created_at"]
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

    def _fresh(self, project):
        return ProjectSerializer(
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
        fields = ["id", "title", "due_on", "completed_on"]
        read_only_fields = ["completed_on"]


class ContractSerializer(serializers.ModelSerializer):
    project = ScopedRelatedField(selectors.projects_visible_to)
    organization = serializers.PrimaryKeyRelatedField(queryset=SocialOrganization.objects.all())
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    project_title = serializers.CharField(source="project.title", read_only=True)
    milestones = MilestoneSerializer(many=True, required=False)

    class Meta:
        model = Contract
        fields = [
            "id", "project", "project_title", "number", "year", "purchaser", "organization",
            "organization_name", "amount", "starts_on", "ends_on", "signed_on", "deliverables", "milestones",
        ]  # fmt: skip
        read_only_fields = ["year", "purchaser"]
        validators = []

    def create(self, validated_data):
        milestones = [(m["title"], m["due_on"]) for m in validated_data.pop("milestones", [])]
        return services.contract_sign(
            actor=self.context["request"].user, milestones=milestones, **validated_data
        )


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
            .order_by("-signed_on", "pk")
        )

    def perform_create(self, serializer):
        serializer.instance = self.get_queryset().get(pk=serializer.save().pk)


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


def register(router) -> None:
    router.register("organizations", OrganizationViewSet, basename="organization")
    router.register("calls", CallViewSet, basename="call")
    router.register("projects", ProjectViewSet, basename="project")
    router.register("contracts", ContractViewSet, basename="contract")
    router.register("payments", PaymentViewSet, basename="payment")
