from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from positions.selectors.allowance import allowance_rolls_visible_to
from socialwork.accounts.selectors import account_places_scope
from socialwork.admin_base import AuditedAdmin, LocalRuleAdmin, ReadOnlyAdmin
from socialwork.crypto.fields import digest_q
from socialwork.scoping import region_scope, unit_scope

from .models import (
    AllowanceLine,
    AllowancePolicy,
    AllowanceRoll,
    Appointment,
    Assessment,
    AssessmentCriterion,
    AssessmentScheme,
    Award,
    Exam,
    GradeRule,
    HostInstitution,
    OutsideTraining,
    Position,
    Region,
    RegistrationHoursPolicy,
    RegistrationPeriod,
    ServiceUnit,
    SocialWorker,
    Studio,
    StudioProject,
)
from .selectors.workforce import (
    awards_visible_to,
    can_see_full_id_number,
    can_see_full_id_numbers,
    studios_visible_to,
    worker_scope,
)


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Regions are made and renamed on the network page (positions.services.network)."""

    fields = ("name", "code", "level")
    list_display = ("name", "code", "level", "tree_depth")
    list_filter = ("level",)
    search_fields = ("name", "code")
    ordering = ("path",)

    @admin.display(description=_("depth in the tree"), ordering="depth")
    def tree_depth(self, region) -> int:
        return region.depth

    def get_queryset(self, request):
        # Placing an account (the user admin's autocomplete), the account administrator reads the
        # network of their region; otherwise a person's own place.
        scope = account_places_scope(request.user, "region")
        return super().get_queryset(request).filter(region_scope(request.user) if scope is None else scope)


@admin.register(ServiceUnit)
class ServiceUnitAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Units are set up and changed on the network page (positions.services.network)."""

    exclude = ("path", "depth", "numchild")
    list_display = ("name", "code", "level", "region", "host", "established_on", "is_model")
    list_filter = ("level", "is_model", "region__level")
    list_select_related = ("region",)
    search_fields = ("name", "code", "host", "address")
    ordering = ("path",)
    date_hierarchy = "established_on"

    def get_queryset(self, request):
        scope = account_places_scope(request.user, "serviceunit")
        return super().get_queryset(request).filter(unit_scope(request.user) if scope is None else scope)


class WorkerScopedAdmin(admin.ModelAdmin):
    """Rows reach the admin through the same scoping as the pages."""

    scope_via = ""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if not self.scope_via:
            return queryset
        workers = SocialWorker.objects.filter(worker_scope(request.user))
        return queryset.filter(**{f"{self.scope_via}__in": workers})


@admin.register(HostInstitution)
class HostInstitutionAdmin(AuditedAdmin, admin.ModelAdmin):
    search_fields = ("name",)


@admin.register(Position)
class PositionAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ("code", "title", "unit", "host", "category", "setup_mode", "quota", "status")
    list_filter = ("category", "setup_mode", "status", "host", "required_level")
    list_select_related = ("unit", "host")
    search_fields = ("code", "title", "unit__name")
    autocomplete_fields = ("unit",)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(unit_scope(request.user, via="unit"))


@admin.register(SocialWorker)
class SocialWorkerAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """The ID number shows as on the worker's page: in full only to those who may see it."""

    fields = (
        "name", "gender", "birth_date", "shown_id_number", "phone", "education", "major", "employer_unit",
        "employer_organization", "certificate_level", "certificate_number", "certificate_year",
        "registration_number", "registered_on", "registration_valid_until", "professional_title",
        "is_supervisor", "status", "user",
    )  # fmt: skip
    readonly_fields = ("shown_id_number",)
    list_display = ("name", "gender", "certificate_level", "certificate_number", "employer_unit", "status")
    list_filter = ("certificate_level", "status", "is_supervisor", "education", "gender")
    list_select_related = ("employer_unit",)
    search_fields = ("name", "certificate_number", "registration_number")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(worker_scope(request.user))

    def get_search_results(self, request, queryset, search_term):
        # A search by ID number that finds someone says who holds it: only for those who see it.
        # The number is encrypted: a whole number is found by its digest.
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        number = search_term.strip()
        if can_see_full_id_numbers(request.user) and len(number) == 18:
            found |= queryset.filter(digest_q(SocialWorker, "id_number_digest", number))
        return found, may_have_duplicates

    def get_object(self, request, object_id, from_field=None):
        worker = super().get_object(request, object_id, from_field)
        if worker is not None and can_see_full_id_number(request.user, worker):
            worker.id_number_shown = worker.id_number
        return worker

    @admin.display(description=_("ID number"))
    def shown_id_number(self, worker):
        return getattr(worker, "id_number_shown", worker.masked_id_number)


@admin.register(Appointment)
class AppointmentAdmin(ReadOnlyAdmin, WorkerScopedAdmin):
    scope_via = "worker"
    list_display = ("worker", "position", "starts_on", "ends_on")
    list_filter = ("position__category", "ends_on")
    list_select_related = ("worker", "position")
    search_fields = ("worker__name", "position__code", "position__title")
    raw_id_fields = ("worker", "position")


@admin.register(Exam)
class ExamAdmin(ReadOnlyAdmin, WorkerScopedAdmin):
    scope_via = "worker"
    list_display = ("worker", "year", "level", "passed", "score")
    list_filter = ("year", "level", "passed")
    list_select_related = ("worker",)
    search_fields = ("worker__name", "worker__certificate_number")
    raw_id_fields = ("worker",)


class CriterionInline(admin.TabularInline):
    model = AssessmentCriterion
    extra = 0


class GradeRuleInline(admin.TabularInline):
    model = GradeRule
    extra = 0


@admin.register(AssessmentScheme)
class AssessmentSchemeAdmin(LocalRuleAdmin, ReadOnlyAdmin, admin.ModelAdmin):
    # The person's place's schemes, the defaults above it and (a city's) its districts' own.
    list_display = ("title", "year", "subject")
    list_filter = ("year", "subject")
    search_fields = ("title",)
    inlines = [CriterionInline, GradeRuleInline]


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin, WorkerScopedAdmin):
    list_display = ("scheme", "worker", "unit", "position", "total", "grade", "assessor")
    list_filter = ("scheme__year", "grade")
    list_select_related = ("scheme", "worker", "unit", "position", "assessor")
    search_fields = ("worker__name", "unit__name", "position__code")
    raw_id_fields = ("worker", "unit", "position", "assessor")


@admin.register(AllowancePolicy)
class AllowancePolicyAdmin(LocalRuleAdmin, ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ("level", "monthly_amount", "effective_from")
    list_filter = ("level",)
    search_fields = ("level",)


class AllowanceLineInline(admin.TabularInline):
    model = AllowanceLine
    extra = 0
    raw_id_fields = ("worker",)


@admin.register(AllowanceRoll)
class AllowanceRollAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ("month", "region", "status", "worker_count", "total", "generated_at", "closed_at")
    list_select_related = ("region",)

    def get_queryset(self, request):
        return allowance_rolls_visible_to(user=request.user)

    list_filter = ("status",)
    search_fields = ("month",)
    date_hierarchy = "month"


@admin.register(Award)
class AwardAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Awards are recorded and changed on their pages (positions.services.honours)."""

    list_display = ("name", "level", "year", "worker")
    list_filter = ("level", "year")
    search_fields = ("name", "worker__name")

    def get_queryset(self, request):
        return awards_visible_to(user=request.user)


class StudioProjectInline(admin.TabularInline):
    model = StudioProject
    extra = 0


@admin.register(Studio)
class StudioAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Studios and their projects are kept on their pages (positions.services.honours), and reach
    the admin through the pages' scoping."""

    list_display = ("name", "leader", "unit", "established_on")
    search_fields = ("name", "leader__name")
    inlines = [StudioProjectInline]

    def get_queryset(self, request):
        return studios_visible_to(user=request.user)


@admin.register(RegistrationHoursPolicy)
class RegistrationHoursPolicyAdmin(LocalRuleAdmin, AuditedAdmin, admin.ModelAdmin):
    """The continuing-education hours a registration period requires, per certificate level."""

    list_display = ("level", "hours")


@admin.register(RegistrationPeriod)
class RegistrationPeriodAdmin(ReadOnlyAdmin, WorkerScopedAdmin):
    """Periods follow the worker's registration fields and renewal (positions.services.registration)."""

    scope_via = "worker"
    list_display = ("worker", "number", "starts_on", "ends_on", "renewed_from")
    list_select_related = ("worker", "renewed_from")
    search_fields = ("worker__name", "number")
    date_hierarchy = "ends_on"


@admin.register(OutsideTraining)
class OutsideTrainingAdmin(ReadOnlyAdmin, WorkerScopedAdmin):
    """Recorded and checked on the worker's page (positions.services.registration)."""

    scope_via = "worker"
    exclude = ("certificate",)  # downloaded from the worker's page, where it is audited
    list_display = ("worker", "title", "organizer", "held_on", "hours", "checked_at")
    list_select_related = ("worker",)
    search_fields = ("worker__name", "title", "organizer")
