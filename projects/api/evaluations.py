"""/api/v1/evaluations/, evaluation-schemes/ and rectification-items/: the evaluation pages'
rules, as JSON. Reads are scoped by projects.selectors.evaluations; writes go through
projects.services.evaluations, which refuse what the person may not do now."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import decorators, exceptions, permissions, serializers, viewsets
from rest_framework.response import Response

from projects.models import (
    Evaluation,
    EvaluationDomain,
    EvaluationIndicator,
    EvaluationScheme,
    IndicatorScore,
    RectificationItem,
)
from projects.selectors import evaluations as selectors
from projects.services import evaluations as services


class IndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = EvaluationIndicator
        fields = ["id", "name", "full_score", "guidance"]


class DomainSerializer(serializers.ModelSerializer):
    indicators = IndicatorSerializer(many=True, read_only=True)

    class Meta:
        model = EvaluationDomain
        fields = ["id", "name", "weight", "indicators"]


class SchemeSerializer(serializers.ModelSerializer):
    domains = DomainSerializer(many=True, read_only=True)

    class Meta:
        model = EvaluationScheme
        fields = ["id", "title", "call", "year", "excellent_from", "good_from", "fair_from", "domains"]


class SchemeViewSet(viewsets.ReadOnlyModelViewSet):
    """Evaluation schemes: the district reads every one; an evaluator those of their evaluations.
    The district edits them on their page (the weights rule is its service's)."""

    serializer_class = SchemeSerializer

    def get_queryset(self):
        return (
            selectors.schemes_visible_to(user=self.request.user)
            .prefetch_related(
                Prefetch(
                    "domains",
                    queryset=EvaluationDomain.objects.prefetch_related("indicators").order_by(
                        "position", "pk"
                    ),
                )
            )
            .order_by("-year", "title", "pk")
        )


class ScoreSerializer(serializers.ModelSerializer):
    class Meta:
        model = IndicatorScore
        fields = ["indicator", "score", "comment"]


class RectificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = RectificationItem
        fields = ["id", "evaluation", "problem", "required", "due_on", "status", "response", "responded_at"]
        read_only_fields = ["evaluation", "status", "response", "responded_at"]


class EvaluationSerializer(serializers.ModelSerializer):
    project_title = serializers.CharField(source="project.title", read_only=True)
    scores = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    class Meta:
        model = Evaluation
        fields = [
            "id", "project", "project_title", "scheme", "stage", "status", "evaluating_organization", "due_on",
            "score", "grade", "findings", "conclusion", "concluded_on", "scores", "actions",
        ]  # fmt: skip

    def _sees_scores(self, evaluation) -> bool:
        sides = selectors.evaluation_sides(self.context["request"].user, evaluation)
        return bool(sides & {"district", "evaluator"}) or evaluation.status == Evaluation.Status.CONCLUDED

    def get_scores(self, evaluation) -> list[dict]:
        if not self._sees_scores(evaluation):
            return []
        return ScoreSerializer(evaluation.scores.all(), many=True).data

    def get_actions(self, evaluation) -> list[str]:
        return sorted(selectors.evaluation_actions(self.context["request"].user, evaluation))

    def to_representation(self, evaluation):
        data = super().to_representation(evaluation)
        if not self._sees_scores(evaluation):
            data["score"], data["grade"] = None, ""
        return data


class ScoresInSerializer(serializers.Serializer):
    scores = ScoreSerializer(many=True)
    findings = serializers.CharField(required=False, allow_blank=True)


class ConcludeSerializer(serializers.Serializer):
    conclusion = serializers.CharField()


class ResponseSerializer(serializers.Serializer):
    response = serializers.CharField()


class RectificationReviewSerializer(serializers.Serializer):
    accept = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True)


class EvaluationViewSet(viewsets.ReadOnlyModelViewSet):
    """Evaluations: an evaluator's own, the district's of its projects, a provider's of its
    projects (scores only once concluded)."""

    serializer_class = EvaluationSerializer
    # Who may score, list or conclude is evaluation_actions' rule per evaluation, not a model permission.
    permission_classes = [permissions.IsAuthenticated]
    filterset_fields = ["stage", "status", "project"]

    def get_queryset(self):
        return (
            selectors.evaluations_visible_to(user=self.request.user)
            .prefetch_related("evaluators", "scores")
            .order_by("due_on", "-created_at", "pk")
        )

    def _refuse_unless(self, evaluation, action):
        if action not in selectors.evaluation_actions(self.request.user, evaluation):
            raise exceptions.PermissionDenied

    @extend_schema(request=ScoresInSerializer, responses={200: EvaluationSerializer})
    @decorators.action(detail=True, methods=["post"], serializer_class=ScoresInSerializer)
    def score(self, request, pk=None):
        """Score indicators (0 to each one's full score) and record the findings."""
        evaluation = self.get_object()
        self._refuse_unless(evaluation, "score")
        data = ScoresInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        scores = {
            row["indicator"].pk: (row["score"], row.get("comment", ""))
            for row in data.validated_data["scores"]
        }
        services.evaluation_score(
            actor=request.user,
            evaluation=evaluation,
            scores=scores,
            findings=data.validated_data.get("findings"),
        )
        return Response(
            EvaluationSerializer(self.get_queryset().get(pk=evaluation.pk), context={"request": request}).data
        )

    @extend_schema(request=RectificationSerializer, responses={201: RectificationSerializer})
    @decorators.action(detail=True, methods=["post"], serializer_class=RectificationSerializer)
    def rectify(self, request, pk=None):
        """Add a rectification item with its deadline; the provider's staff are told."""
        evaluation = self.get_object()
        self._refuse_unless(evaluation, "rectification_add")
        data = RectificationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = services.rectification_add(actor=request.user, evaluation=evaluation, **data.validated_data)
        return Response(RectificationSerializer(item).data, status=201)

    @extend_schema(request=ConcludeSerializer, responses={200: EvaluationSerializer})
    @decorators.action(detail=True, methods=["post"], serializer_class=ConcludeSerializer)
    def conclude(self, request, pk=None):
        """Conclude: every indicator scored and every rectification item accepted."""
        evaluation = self.get_object()
        self._refuse_unless(evaluation, "conclude")
        data = ConcludeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.evaluation_conclude(actor=request.user, evaluation=evaluation, **data.validated_data)
        return Response(
            EvaluationSerializer(self.get_queryset().get(pk=evaluation.pk), context={"request": request}).data
        )


class RectificationViewSet(viewsets.ReadOnlyModelViewSet):
    """Rectification items of the evaluations the person sees; the provider responds, the
    evaluator accepts or returns."""

    serializer_class = RectificationSerializer
    permission_classes = [permissions.IsAuthenticated]  # evaluation_actions decides who answers or reviews
    filterset_fields = ["evaluation", "status"]

    def get_queryset(self):
        evaluations = selectors.evaluations_visible_to(user=self.request.user).values("pk")
        return RectificationItem.objects.filter(evaluation__in=evaluations).order_by("due_on", "pk")

    def _evaluation(self, item, action):
        evaluation = (
            selectors.evaluations_visible_to(user=self.request.user)
            .prefetch_related("evaluators")
            .get(pk=item.evaluation_id)
        )
        if action not in selectors.evaluation_actions(self.request.user, evaluation):
            raise exceptions.PermissionDenied

    @extend_schema(request=ResponseSerializer, responses={200: RectificationSerializer})
    @decorators.action(detail=True, methods=["post"], serializer_class=ResponseSerializer)
    def respond(self, request, pk=None):
        """The provider's staff say what was done."""
        item = self.get_object()
        self._evaluation(item, "rectification_respond")
        data = ResponseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = services.rectification_respond(actor=request.user, item=item, **data.validated_data)
        return Response(RectificationSerializer(item).data)

    @extend_schema(request=RectificationReviewSerializer, responses={200: RectificationSerializer})
    @decorators.action(detail=True, methods=["post"], serializer_class=RectificationReviewSerializer)
    def review(self, request, pk=None):
        """The evaluator accepts the response or returns it with a reason."""
        item = self.get_object()
        self._evaluation(item, "rectification_review")
        data = RectificationReviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = services.rectification_review(actor=request.user, item=item, **data.validated_data)
        return Response(RectificationSerializer(item).data)


def register(router) -> None:
    router.register("evaluation-schemes", SchemeViewSet, basename="evaluation-scheme")
    router.register("evaluations", EvaluationViewSet, basename="evaluation")
    router.register("rectification-items", RectificationViewSet, basename="rectification-item")
