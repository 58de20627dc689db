"""The admin of project evaluations: read-only, scoped by the same selectors as the pages (the
district edits schemes on their page, whose service checks the weights)."""

from django.contrib import admin

from projects.models import (
    Evaluation,
    EvaluationDomain,
    EvaluationIndicator,
    EvaluationScheme,
    IndicatorScore,
    RectificationItem,
)
from projects.selectors.evaluations import evaluations_visible_to, schemes_visible_to
from socialwork.admin_base import ReadOnlyAdmin


class SchemeScoped(admin.ModelAdmin):
    scheme_path = "scheme"

    def get_queryset(self, request):
        schemes = schemes_visible_to(user=request.user).values("pk")
        return super().get_queryset(request).filter(**{f"{self.scheme_path}__in": schemes})


class EvaluationScoped(admin.ModelAdmin):
    evaluation_path = "evaluation"

    def get_queryset(self, request):
        evaluations = evaluations_visible_to(user=request.user).values("pk")
        return super().get_queryset(request).filter(**{f"{self.evaluation_path}__in": evaluations})


@admin.register(EvaluationScheme)
class EvaluationSchemeAdmin(ReadOnlyAdmin, SchemeScoped):
    scheme_path = "pk"
    list_display = ("title", "call", "year", "excellent_from", "good_from", "fair_from")
    list_filter = ("year",)
    list_select_related = ("call",)
    search_fields = ("title",)


@admin.register(EvaluationDomain)
class EvaluationDomainAdmin(ReadOnlyAdmin, SchemeScoped):
    list_display = ("name", "scheme", "weight", "position")
    list_select_related = ("scheme",)


@admin.register(EvaluationIndicator)
class EvaluationIndicatorAdmin(ReadOnlyAdmin, SchemeScoped):
    scheme_path = "domain__scheme"
    list_display = ("name", "domain", "full_score")
    list_select_related = ("domain",)


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdmin, EvaluationScoped):
    evaluation_path = "pk"
    list_display = ("project", "stage", "evaluating_organization", "status", "due_on", "score", "grade")
    list_filter = ("stage", "status", "grade")
    list_select_related = ("project", "evaluating_organization")
    search_fields = ("project__title",)
    raw_id_fields = ("project",)


@admin.register(IndicatorScore)
class IndicatorScoreAdmin(ReadOnlyAdmin, EvaluationScoped):
    list_display = ("evaluation", "indicator", "score", "scored_by", "scored_at")
    list_select_related = ("evaluation__project", "indicator", "scored_by")


@admin.register(RectificationItem)
class RectificationItemAdmin(ReadOnlyAdmin, EvaluationScoped):
    list_display = ("evaluation", "due_on", "status", "responded_at")
    list_filter = ("status",)
    list_select_related = ("evaluation__project",)
