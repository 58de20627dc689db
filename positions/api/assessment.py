"""/api/v1/assessments/ and /api/v1/assessment-schemes/: the assessment pages' rules, as JSON.

Assessments are listed where their subject is visible; a district administrator records one
with POST (scoring the same subject again replaces its assessment). Schemes are read only here.
"""

import django_filters
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers, status, viewsets
from rest_framework.response import Response

from positions.api.network import ScopedRelatedField
from positions.models import Assessment, AssessmentCriterion, AssessmentScheme, Grade, GradeRule
from positions.selectors import assessment as selectors
from positions.selectors.network import units_visible_to
from positions.selectors.workforce import positions_visible_to, workers_visible_to
from positions.services import assessment as services


class AssessmentFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(field_name="scheme__year", label="year of the scheme")
    subject = django_filters.ChoiceFilter(
        field_name="scheme__subject", choices=AssessmentScheme.Subject.choices, label="who is assessed"
    )

    class Meta:
        model = Assessment
        fields = ["scheme", "year", "grade", "subject", "worker", "unit", "position"]


class SchemeFilter(django_filters.FilterSet):
    class Meta:
        model = AssessmentScheme
        fields = ["year", "subject"]


class CriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = AssessmentCriterion
        fields = ["id", "name", "weight", "source", "full_marks_at"]


class GradeRuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = GradeRule
        fields = ["grade", "min_score", "pay_consequence", "pay_adjustment"]


class AssessmentSchemeSerializer(serializers.ModelSerializer):
    criteria = CriterionSerializer(many=True, read_only=True)
    grade_rules = GradeRuleSerializer(many=True, read_only=True)

    # The owner: a district's own scheme, or its city's default (own/adopt: /api/v1/local-rules/assessment_scheme/).
    region = serializers.CharField(source="region.name", read_only=True, default=None)
    region_code = serializers.CharField(source="region.code", read_only=True, default=None)

    class Meta:
        model = AssessmentScheme
        fields = ["id", "year", "subject", "title", "region", "region_code", "criteria", "grade_rules"]


class AssessmentSerializer(serializers.ModelSerializer):
    """Read: the assessment with its subject's name. Write: the scheme, exactly one subject of
    the scheme's kind inside the person's place, a score per criterion id, and a comment."""

    scheme = ScopedRelatedField(selectors.schemes_visible_to)  # never the district beside's
    worker = ScopedRelatedField(workers_visible_to, required=False, allow_null=True)
    unit = ScopedRelatedField(units_visible_to, required=False, allow_null=True)
    position = ScopedRelatedField(positions_visible_to, required=False, allow_null=True)
    scores = serializers.DictField(
        child=serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100),
        allow_empty=False,
    )
    year = serializers.IntegerField(source="scheme.year", read_only=True)
    subject_name = serializers.SerializerMethodField()
    grade_label = serializers.SerializerMethodField()
    assessor_name = serializers.CharField(source="assessor.get_full_name", read_only=True)

    class Meta:
        model = Assessment
        fields = [
            "id",
            "scheme",
            "year",
            "worker",
            "unit",
            "position",
            "subject_name",
            "scores",
            "total",
            "grade",
            "grade_label",
            "pay_consequence",
            "pay_adjustment",
            "assessor",
            "assessor_name",
            "comment",
            "created_at",
            "updated_at",
        ]
        # One assessment per subject and scheme is the service's business: scoring again updates.
        validators = []
        read_only_fields = [
            "total",
            "grade",
            "pay_consequence",
            "pay_adjustment",
            "assessor",
            "created_at",
            "updated_at",
        ]

    def get_subject_name(self, assessment) -> str:
        return str(assessment.subject)

    def get_grade_label(self, assessment) -> str:
        return str(Grade(assessment.grade).label)

    def validate(self, attrs):
        given = [name for name in ("worker", "unit", "position") if attrs.get(name) is not None]
        expected = selectors.subject_field(attrs["scheme"])
        if given != [expected]:
            raise serializers.ValidationError(
                {expected: [_("Give exactly one subject, the kind this scheme assesses.")]}
            )
        attrs["subject"] = attrs.pop(expected)
        return attrs

    def create(self, validated_data):
        return services.assessment_record(
            actor=self.context["request"].user,
            scheme=validated_data["scheme"],
            subject=validated_data["subject"],
            scores=validated_data["scores"],
            comment=validated_data.get("comment", ""),
        )


class AssessmentViewSet(viewsets.ModelViewSet):
    serializer_class = AssessmentSerializer
    filterset_class = AssessmentFilter
    search_fields = ["worker__name", "unit__name", "position__title", "position__code"]
    ordering_fields = ["total", "subject_name", "updated_at"]
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return selectors.assessments_visible_to(user=self.request.user).order_by(
            "-scheme__year", "-total", "pk"
        )

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        scheme, subject = serializer.validated_data["scheme"], serializer.validated_data["subject"]
        # Scoring a subject again replaces its assessment: 200 then, 201 for a new one.
        existed = selectors.assessment_for(user=request.user, scheme=scheme, subject=subject) is not None
        assessment = serializer.save()
        answer = status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        return Response(self.get_serializer(assessment).data, status=answer)


class AssessmentSchemeViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AssessmentSchemeSerializer
    filterset_class = SchemeFilter
    search_fields = ["title"]
    ordering_fields = ["year"]

    def get_queryset(self):
        return selectors.schemes_visible_to(user=self.request.user).order_by("-year", "subject")


def register(router) -> None:
    router.register("assessments", AssessmentViewSet, basename="assessment")
    router.register("assessment-schemes", AssessmentSchemeViewSet, basename="assessment-scheme")
