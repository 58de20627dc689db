from django.contrib import admin

from socialwork.accounts.selectors import place_lookup_scope
from socialwork.scoping import region_scope, unit_scope

from .forms import RegionForm, ServiceUnitForm
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
    Position,
    Region,
    ServiceUnit,
    SocialWorker,
    Studio,
    StudioProject,
)
from .selectors.workforce import worker_scope
from .services import network as services


class PlaceFormMixin:
    """Admin forms are the pages' forms, given the person so choices stay in their place."""

    place_form = None

    def get_form(self, request, obj=None, **kwargs):
        kwargs["form"] = self.place_form
        kwargs["fields"] = None
        base = super().get_form(request, obj, **kwargs)

        class PlaceForm(base):
            def __init__(self, *args, **form_kwargs):
                super().__init__(*args, user=request.user, **form_kwargs)

        return PlaceForm

    def get_fieldsets(self, request, obj=None):
        return [(None, {"fields": list(self.get_form(request, obj).base_fields)})]

    @staticmethod
    def _adopt(obj, saved) -> None:
        # The admin redirects using the object it passed in; give it the saved row's identity.
        obj.pk, obj.path, obj.depth, obj.numchild = saved.pk, saved.path, saved.depth, saved.numchild


@admin.register(Region)
class RegionAdmin(PlaceFormMixin, admin.ModelAdmin):
    place_form = RegionForm
    list_display = ("name", "code", "level", "depth")
    list_filter = ("level",)
    search_fields = ("name", "code")
    ordering = ("path",)

    def get_queryset(self, request):
        # Placing an account (the user admin's autocomplete), the account administrator reads the
        # network of their region; otherwise a person's own place.
        scope = place_lookup_scope(request, "region")
        return super().get_queryset(request).filter(region_scope(request.user) if scope is None else scope)

    def get_fieldsets(self, request, obj=None):
        # A region keeps its place once made: only its name and code are edited.
        fields = ["name", "code"] if obj else ["name", "code", "level", "parent"]
        return [(None, {"fields": fields})]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            services.region_update(actor=request.user, region=obj, name=data["name"], code=data["code"])
        else:
            self._adopt(obj, services.region_create(actor=request.user, **data))


@admin.register(ServiceUnit)
class ServiceUnitAdmin(PlaceFormMixin, admin.ModelAdmin):
    place_form = ServiceUnitForm
    list_display = ("name", "code", "level", "region", "host", "established_on", "is_model")
    list_filter = ("level", "is_model", "region__level")
    list_select_related = ("region",)
    search_fields = ("name", "code", "host", "address")
    ordering = ("path",)
    date_hierarchy = "established_on"

    def get_queryset(self, request):
        scope = place_lookup_scope(request, "serviceunit")
        return super().get_queryset(request).filter(unit_scope(request.user) if scope is None else scope)

    def save_model(self, request, obj, form, change):
        kwargs = form.service_kwargs()
        if change:
            services.unit_update(actor=request.user, unit=obj, **kwargs)
        else:
            self._adopt(obj, services.unit_create(actor=request.user, **kwargs))


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
class HostInstitutionAdmin(admin.ModelAdmin):
    search_fields = ("name",)


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "unit", "host", "category", "setup_mode", "quota", "status")
    list_filter = ("category", "setup_mode", "status", "host", "required_level")
    list_select_related = ("unit", "host")
    search_fields = ("code", "title", "unit__name")
    autocomplete_fields = ("unit",)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(unit_scope(request.user, via="unit"))


@admin.register(SocialWorker)
class SocialWorkerAdmin(admin.ModelAdmin):
    list_display = ("name", "gender", "certificate_level", "certificate_number", "employer_unit", "status")
    list_filter = ("certificate_level", "status", "is_supervisor", "education", "gender")
    list_select_related = ("employer_unit",)
    search_fields = ("name", "certificate_number", "registration_number", "id_number")
    autocomplete_fields = ("employer_unit", "user")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(worker_scope(request.user))


@admin.register(Appointment)
class AppointmentAdmin(WorkerScopedAdmin):
    scope_via = "worker"
    list_display = ("worker", "position", "starts_on", "ends_on")
    list_filter = ("position__category", "ends_on")
    list_select_related = ("worker", "position")
    search_fields = ("worker__name", "position__code", "position__title")
    raw_id_fields = ("worker", "position")


@admin.register(Exam)
class ExamAdmin(WorkerScopedAdmin):
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
class AssessmentSchemeAdmin(admin.ModelAdmin):
    list_display = ("title", "year", "subject")
    list_filter = ("year", "subject")
    search_fields = ("title",)
    inlines = [CriterionInline, GradeRuleInline]


@admin.register(Assessment)
class AssessmentAdmin(WorkerScopedAdmin):
    list_display = ("scheme", "worker", "unit", "position", "total", "grade", "assessor")
    list_filter = ("scheme__year", "grade")
    list_select_related = ("scheme", "worker", "unit", "position", "assessor")
    search_fields = ("worker__name", "unit__name", "position__code")
    raw_id_fields = ("worker", "unit", "position", "assessor")


@admin.register(AllowancePolicy)
class AllowancePolicyAdmin(admin.ModelAdmin):
    list_display = ("level", "monthly_amount", "effective_from")
    list_filter = ("level",)
    search_fields = ("level",)


class AllowanceLineInline(admin.TabularInline):
    model = AllowanceLine
    extra = 0
    raw_id_fields = ("worker",)


@admin.register(AllowanceRoll)
class AllowanceRollAdmin(admin.ModelAdmin):
    list_display = ("month", "status", "worker_count", "total", "generated_at", "closed_at")
    list_filter = ("status",)
    search_fields = ("month",)
    date_hierarchy = "month"


@admin.register(Award)
class AwardAdmin(WorkerScopedAdmin):
    scope_via = "worker"
    list_display = ("name", "level", "year", "worker")
    list_filter = ("level", "year")
    list_select_related = ("worker",)
    search_fields = ("name", "worker__name")
    raw_id_fields = ("worker",)


class StudioProjectInline(admin.TabularInline):
    model = StudioProject
    extra = 0


@admin.register(Studio)
class StudioAdmin(admin.ModelAdmin):
    list_display = ("name", "leader", "unit", "established_on")
    list_select_related = ("leader", "unit")
    search_fields = ("name", "leader__name")
    raw_id_fields = ("leader", "unit")
    inlines = [StudioProjectInline]
