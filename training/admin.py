from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from socialwork.admin_base import AuditedAdmin, LocalRuleAdmin, ReadOnlyAdmin
from socialwork.scoping import place_of, unit_scope

from .models import (
    Certificate,
    Enrolment,
    HoursRequirement,
    PracticeBase,
    Trainer,
    TrainingSeries,
    TrainingSession,
)
from .selectors import series_visible_to, sessions_visible_to, trainers_visible_to


@admin.register(Trainer)
class TrainerAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ("name", "affiliation", "affiliation_kind", "title", "region")
    list_filter = ("affiliation_kind",)
    list_select_related = ("region",)
    search_fields = ("name", "affiliation", "expertise")
    readonly_fields = ("region",)

    def get_queryset(self, request):
        return (
            super().get_queryset(request).filter(pk__in=trainers_visible_to(user=request.user).values("pk"))
        )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.region = place_of(request.user)  # the register of the adder's place
        super().save_model(request, obj, form, change)


@admin.register(PracticeBase)
class PracticeBaseAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ("university", "unit", "agreement_from", "agreement_until")
    list_filter = ("agreement_from",)
    list_select_related = ("unit",)
    search_fields = ("university", "unit__name")
    raw_id_fields = ("unit",)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(unit_scope(request.user, via="unit"))


@admin.register(TrainingSeries)
class TrainingSeriesAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ("title", "year", "category", "unit", "organizer", "completion_share")
    list_filter = ("year", "category")
    list_select_related = ("unit", "organizer")
    search_fields = ("title", "unit__name")
    raw_id_fields = ("unit", "organizer")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=series_visible_to(user=request.user).values("pk"))


@admin.register(TrainingSession)
class TrainingSessionAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ("topic", "series", "starts_at", "venue", "host_unit", "capacity", "credit_hours")
    list_filter = ("series__year", "series__category", "starts_at")
    list_select_related = ("series", "host_unit")
    search_fields = ("topic", "venue", "series__title")
    raw_id_fields = ("series", "host_unit")
    filter_horizontal = ("trainers",)
    date_hierarchy = "starts_at"

    def get_queryset(self, request):
        return (
            super().get_queryset(request).filter(pk__in=sessions_visible_to(user=request.user).values("pk"))
        )


class ParticipantColumn:
    """The participant's name as a column named in the reader's language (the models' property
    has no name of its own)."""

    @admin.display(description=_("Participant"))
    def participant_name(self, record) -> str:
        return record.participant_name


@admin.register(Enrolment)
class EnrolmentAdmin(ParticipantColumn, ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ("participant_name", "session", "status", "attended", "hours_credited")
    list_filter = ("status", "attended", "outside_kind", "session__series__year")
    list_select_related = ("worker", "session")
    search_fields = ("worker__name", "outside_name", "outside_unit", "session__topic")
    raw_id_fields = ("session", "worker")

    def get_queryset(self, request):
        sessions = sessions_visible_to(user=request.user).values("pk")
        return super().get_queryset(request).filter(session__in=sessions)


@admin.register(HoursRequirement)
class HoursRequirementAdmin(LocalRuleAdmin, AuditedAdmin, admin.ModelAdmin):
    list_display = ("year", "hours")
    list_filter = ("year",)
    search_fields = ("year",)


@admin.register(Certificate)
class CertificateAdmin(ParticipantColumn, ReadOnlyAdmin, admin.ModelAdmin):
    list_display = (
        "number",
        "participant_name",
        "series",
        "issued_on",
        "attended_sessions",
        "total_sessions",
    )
    list_filter = ("issued_on", "series__year")
    list_select_related = ("series", "worker")
    search_fields = ("number", "worker__name", "outside_name", "series__title")
    raw_id_fields = ("series", "worker")

    def get_queryset(self, request):
        series = series_visible_to(user=request.user).values("pk")
        return super().get_queryset(request).filter(series__in=series)
