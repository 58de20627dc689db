"""/api/v1/review-panels/: review panels, as their pages show them. The district sets one up
(POST); a member declares any conflict of interest (POST .../declare/) and scores (POST
.../score/, a second score with a reason); GET .../results/ gives each application's scores,
average, spread, conflicts and recommendation (a reviewer: their own row only). Reads are scoped
by projects.selectors.panels; writes go through projects.services.panels."""

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import decorators, exceptions, mixins, permissions, serializers, status, viewsets
from rest_framework.response import Response

from projects.models import ConflictDeclaration, Project, Review, ReviewPanel, ReviewRevision
from projects.selectors import panels as selectors
from projects.selectors import projects_visible_to
from projects.services import panels as services


class PanelSerializer(serializers.ModelSerializer):
    members = serializers.PrimaryKeyRelatedField(many=True, queryset=selectors.eligible_members())
    applications = serializers.SerializerMethodField()
    call_title = serializers.CharField(source="call.title", read_only=True)

    class Meta:
        model = ReviewPanel
        fields = ["id", "name", "call", "call_title", "threshold", "members", "applications", "created_at"]
        read_only_fields = ["created_at"]
        validators = []
        extra_kwargs = {"threshold": {"validators": []}}

    def get_applications(self, panel) -> list[int]:
        return [entry.project_id for entry in panel.entries.all()]


class PanelCreateSerializer(PanelSerializer):
    applications = serializers.PrimaryKeyRelatedField(many=True, queryset=Project.objects.none())

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            fields["applications"].child_relation.queryset = projects_visible_to(user=request.user)
        return fields

    def create(self, validated_data):
        return services.panel_save(actor=self.context["request"].user, **validated_data)


class DeclarationSerializer(serializers.ModelSerializer):
    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.none())

    class Meta:
        model = ConflictDeclaration
        fields = ["id", "project", "reviewer", "has_conflict", "reason", "created_at", "updated_at"]
        read_only_fields = ["reviewer", "created_at", "updated_at"]
        validators = []


class RevisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReviewRevision
        fields = [
            "previous_score",
            "previous_comment",
            "score",
            "comment",
            "reason",
            "revised_by",
            "revised_at",
        ]


class PanelScoreSerializer(serializers.ModelSerializer):
    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.none())
    reason = serializers.CharField(required=False, allow_blank=True, default="", write_only=True)
    revisions = RevisionSerializer(many=True, read_only=True)

    class Meta:
        model = Review
        fields = [
            "id",
            "project",
            "reviewer",
            "score",
            "comment",
            "reason",
            "revisions",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["reviewer", "created_at", "updated_at"]
        validators = []
        extra_kwargs = {"score": {"validators": []}}


class RowSerializer(serializers.Serializer):
    reviewer = serializers.IntegerField(source="reviewer.pk")
    reviewer_name = serializers.SerializerMethodField()
    declared = serializers.SerializerMethodField()
    has_conflict = serializers.BooleanField(source="withdrawn")
    conflict_reason = serializers.SerializerMethodField()
    score = serializers.DecimalField(
        source="review.score", max_digits=5, decimal_places=1, default=None, allow_null=True
    )
    comment = serializers.CharField(source="review.comment", default="")
    counted = serializers.BooleanField()
    revisions = serializers.SerializerMethodField()

    def get_reviewer_name(self, row) -> str:
        return row.reviewer.get_full_name() or row.reviewer.username

    def get_declared(self, row) -> bool:
        return row.declaration is not None

    def get_conflict_reason(self, row) -> str:
        return row.declaration.reason if row.withdrawn else ""

    @extend_schema_field(RevisionSerializer(many=True))
    def get_revisions(self, row):
        return RevisionSerializer(row.revisions, many=True).data


class ResultSerializer(serializers.Serializer):
    project = serializers.IntegerField(source="project.pk")
    title = serializers.CharField(source="project.title")
    status = serializers.CharField(source="project.status")
    rows = RowSerializer(many=True)
    average = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    lowest = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    highest = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    spread = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    deviation = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    recommended = serializers.BooleanField(allow_null=True)


class ReviewPanelViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Review panels: district-wide people see all, a reviewer the panels they sit on."""

    serializer_class = PanelSerializer
    search_fields = ["name"]

    def get_queryset(self):
        return selectors.panels_list(user=self.request.user).prefetch_related("memberships", "entries")

    def get_serializer_class(self):
        return PanelCreateSerializer if self.action == "create" else super().get_serializer_class()

    def perform_create(self, serializer):
        serializer.instance = self.get_queryset().get(pk=serializer.save().pk)

    @extend_schema(responses=ResultSerializer(many=True))
    @decorators.action(detail=True, methods=["get"], pagination_class=None)  # one plain list
    def results(self, request, pk=None):
        panel = self.get_object()
        results = selectors.application_results(
            panel=panel, projects=selectors.panel_applications(user=request.user, panel=panel)
        )
        if not request.user.is_district_wide:
            for result in results:
                result.rows = [row for row in result.rows if row.reviewer.pk == request.user.pk]
        return Response(ResultSerializer(results, many=True).data)

    def _member_body(self, request, serializer_class):
        """The panel (404 outside the person's), and the body read against the panel's applications."""
        panel = self.get_object()
        if not selectors.sits_on(user=request.user, panel=panel):
            raise exceptions.PermissionDenied  # before the body is read: a member's step
        data = serializer_class(data=request.data)
        data.fields["project"].queryset = selectors.panel_applications(user=request.user, panel=panel)
        data.is_valid(raise_exception=True)
        return panel, data.validated_data

    @extend_schema(request=DeclarationSerializer, responses={201: DeclarationSerializer})
    @decorators.action(
        detail=True, methods=["post"], serializer_class=DeclarationSerializer,
        permission_classes=[permissions.IsAuthenticated],  # the service decides: a member's step
    )  # fmt: skip
    def declare(self, request, pk=None):
        panel, data = self._member_body(request, DeclarationSerializer)
        declaration = services.conflict_declare(actor=request.user, panel=panel, **data)
        return Response(DeclarationSerializer(declaration).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PanelScoreSerializer, responses={201: PanelScoreSerializer})
    @decorators.action(
        detail=True, methods=["post"], serializer_class=PanelScoreSerializer,
        permission_classes=[permissions.IsAuthenticated],
    )  # fmt: skip
    def score(self, request, pk=None):
        panel, data = self._member_body(request, PanelScoreSerializer)
        review = services.review_score(actor=request.user, panel=panel, **data)
        return Response(PanelScoreSerializer(review).data, status=status.HTTP_201_CREATED)


def register(router) -> None:
    router.register("review-panels", ReviewPanelViewSet, basename="review-panel")
