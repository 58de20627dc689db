"""The admin for projects. Every list goes through the selectors, so a person sees here no more
than on the pages. Organizations, calls, budgets, projects and everything of their workflow are
read-only here (their services write them, on the pages); the year's budget and the
organizations' service teams and stationed workers, which no service keeps, are edited here and
audited."""

from django.contrib import admin
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from socialwork.admin_base import AuditedAdmin, LocalRuleAdmin, ReadOnlyAdmin

from .models import (
    Acceptance,
    Award,
    Bid,
    BudgetLine,
    Call,
    Contract,
    ContractAmendment,
    Honour,
    Milestone,
    Payment,
    Procurement,
    ProgressReport,
    Project,
    Review,
    ServiceTeam,
    SocialOrganization,
    Stationing,
    SupervisionVisit,
    TeamMember,
    Transition,
    YearBudget,
)
from .selectors import DOCUMENTS, calls_visible_to, organizations_visible_to, projects_visible_to


class OrganizationScoped(admin.ModelAdmin):
    """Rows of the organizations the person sees, reached through `organization_path`."""

    organization_path = "organization"

    def get_queryset(self, request):
        organizations = organizations_visible_to(user=request.user).values("pk")
        return super().get_queryset(request).filter(**{f"{self.organization_path}__in": organizations})


class ProjectScoped(admin.ModelAdmin):
    """Rows of the projects the person sees, reached through `project_path`."""

    project_path = "project"

    def get_queryset(self, request):
        projects = projects_visible_to(user=request.user).values("pk")
        return super().get_queryset(request).filter(**{f"{self.project_path}__in": projects})


class DocumentAdmin(admin.ModelAdmin):
    """A record with an attached document (`document_kind`, see projects.selectors.DOCUMENTS).
    The document is not uploaded here (the project's page checks what is uploaded) and is linked
    to its download view, which checks and audits, never to its place in the storage."""

    document_kind = ""

    def get_exclude(self, request, obj=None):
        return (*(super().get_exclude(request, obj) or ()), DOCUMENTS[self.document_kind][1])

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), "document")

    @admin.display(description=_("document"))
    def document(self, obj):
        if obj is None or not obj.pk or not getattr(obj, DOCUMENTS[self.document_kind][1]):
            return "—"
        url = reverse("projects:project_document", args=[self.document_kind, obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download"))


class ServiceTeamInline(admin.TabularInline):
    model = ServiceTeam
    extra = 0


@admin.register(SocialOrganization)
class SocialOrganizationAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ("name", "credit_code", "kind", "registration", "grade", "grade_year", "region")
    list_filter = ("kind", "registration", "grade")
    list_select_related = ("region",)
    search_fields = ("name", "credit_code", "contact_person")
    raw_id_fields = ("region",)
    inlines = [ServiceTeamInline]

    def get_queryset(self, request):
        organizations = organizations_visible_to(user=request.user).values("pk")
        return super().get_queryset(request).filter(pk__in=organizations)


class TeamMemberInline(admin.TabularInline):
    model = TeamMember
    extra = 0
    raw_id_fields = ("worker",)


@admin.register(ServiceTeam)
class ServiceTeamAdmin(AuditedAdmin, OrganizationScoped):
    list_display = ("name", "organization", "speciality")
    list_filter = ("speciality",)
    list_select_related = ("organization",)
    search_fields = ("name", "speciality", "organization__name")
    raw_id_fields = ("organization",)
    inlines = [TeamMemberInline]


@admin.register(TeamMember)
class TeamMemberAdmin(AuditedAdmin, OrganizationScoped):
    organization_path = "team__organization"
    list_display = ("name", "role", "team", "worker")
    list_filter = (("team__organization", admin.RelatedOnlyFieldListFilter),)  # those the list holds
    list_select_related = ("team", "worker")
    search_fields = ("name", "role", "team__name", "worker__name")
    raw_id_fields = ("team", "worker")


@admin.register(Stationing)
class StationingAdmin(AuditedAdmin, OrganizationScoped):
    list_display = ("worker", "organization", "kind", "starts_on", "ends_on")
    list_filter = ("kind", "starts_on")
    list_select_related = ("worker", "organization")
    search_fields = ("worker__name", "organization__name")
    raw_id_fields = ("worker", "organization")


@admin.register(YearBudget)
class YearBudgetAdmin(LocalRuleAdmin, AuditedAdmin, admin.ModelAdmin):
    """The year's budget for purchased services, each district's own (contract_sign reads the
    project's district's): a district administrator sets their district's, a city administrator
    the city's own and sees its districts' (read only). A budget is the owner's money: nobody
    follows another's, so there is no default and no notice."""

    list_display = ("year", "amount")
    list_filter = ("year",)
    search_fields = ("year",)

    def get_queryset(self, request):
        from socialwork.local_rules import rule_place

        rows = admin.ModelAdmin.get_queryset(self, request).select_related("region")
        place = rule_place(request.user)
        if place is None:
            return rows if request.user.is_superuser else rows.none()
        mine = Q(region__path__startswith=place.path)
        if place.depth == 1:  # the root also keeps the rows without an owner
            mine |= Q(region__isnull=True)
        return rows.filter(mine)

    def save_model(self, request, obj, form, change):
        from socialwork.local_rules import rule_place

        if not change and obj.region_id is None:
            obj.region = rule_place(request.user)
        AuditedAdmin.save_model(self, request, obj, form, change)


@admin.register(Call)
class CallAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ("title", "year", "kind", "region", "budget_ceiling", "opens_on", "closes_on")
    list_filter = ("year", "kind")
    list_select_related = ("region",)
    search_fields = ("title",)
    date_hierarchy = "opens_on"

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=calls_visible_to(user=request.user).values("pk"))


class BudgetLineInline(admin.TabularInline):
    model = BudgetLine
    extra = 0


class TransitionInline(admin.TabularInline):
    model = Transition
    extra = 0
    can_delete = False
    fields = ("at", "from_status", "to_status", "actor", "reason")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Project)
class ProjectAdmin(ReadOnlyAdmin, DocumentAdmin):
    document_kind = "plan"
    list_display = (
        "title", "call", "service_area", "community", "organization", "provider", "requested_amount",
        "approved_amount", "status",
    )  # fmt: skip
    list_filter = ("status", "service_area", "year", "call__kind")
    list_select_related = ("call", "community", "organization", "provider")
    search_fields = ("title", "organization__name", "provider__name", "community__name", "beneficiaries")
    raw_id_fields = ("call", "community", "organization", "provider", "studio", "created_by")
    inlines = [BudgetLineInline, TransitionInline]

    def get_queryset(self, request):
        projects = projects_visible_to(user=request.user).values("pk")
        return super().get_queryset(request).filter(pk__in=projects)


@admin.register(BudgetLine)
class BudgetLineAdmin(ReadOnlyAdmin, ProjectScoped):
    list_display = ("item", "amount", "project")
    list_filter = ("project__call__year",)
    list_select_related = ("project",)
    search_fields = ("item", "project__title")
    raw_id_fields = ("project",)


@admin.register(Transition)
class TransitionAdmin(ReadOnlyAdmin, ProjectScoped):
    list_display = ("project", "from_status", "to_status", "actor", "at")
    list_filter = ("to_status", "from_status", "at")
    list_select_related = ("project", "actor")
    search_fields = ("project__title", "actor__username", "reason")
    raw_id_fields = ("project", "actor")


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin, ProjectScoped):
    list_display = ("project", "reviewer", "score")
    list_filter = ("project__call__year",)
    list_select_related = ("project", "reviewer")
    search_fields = ("project__title", "reviewer__username", "comment")
    raw_id_fields = ("project", "reviewer")


class BidInline(admin.TabularInline):
    model = Bid
    extra = 0
    raw_id_fields = ("organization",)


@admin.register(Procurement)
class ProcurementAdmin(ReadOnlyAdmin, ProjectScoped):
    list_display = ("project", "method")
    list_filter = ("method",)
    list_select_related = ("project",)
    search_fields = ("project__title", "notes")
    raw_id_fields = ("project",)
    inlines = [BidInline]


@admin.register(Bid)
class BidAdmin(ReadOnlyAdmin, ProjectScoped):
    project_path = "procurement__project"
    list_display = ("organization", "procurement", "price", "score", "awarded")
    list_filter = ("awarded", "procurement__method")
    list_select_related = ("organization", "procurement__project")
    search_fields = ("organization__name", "procurement__project__title")
    raw_id_fields = ("procurement", "organization")


@admin.register(Award)
class AwardAdmin(ReadOnlyAdmin, ProjectScoped):
    project_path = "bid__procurement__project"
    list_display = ("bid", "awarded_by", "awarded_at", "rescinded_by", "rescinded_at")
    list_filter = ("awarded_at", "rescinded_at")
    list_select_related = ("bid__organization", "awarded_by", "rescinded_by")
    search_fields = ("bid__organization__name", "bid__procurement__project__title", "rescind_reason")
    raw_id_fields = ("bid", "awarded_by", "previous_provider", "rescinded_by")


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


class AmendmentInline(admin.TabularInline):
    model = ContractAmendment
    extra = 0
    exclude = ("signed_file",)


@admin.register(Contract)
class ContractAdmin(ReadOnlyAdmin, DocumentAdmin, ProjectScoped):
    document_kind = "contract"
    list_display = ("number", "project", "organization", "year", "amount", "final_share_percent", "signed_on")
    list_filter = ("year",)
    list_select_related = ("project", "organization")
    search_fields = ("number", "project__title", "organization__name")
    raw_id_fields = ("project", "organization")
    date_hierarchy = "signed_on"
    inlines = [MilestoneInline, AmendmentInline]


@admin.register(ContractAmendment)
class ContractAmendmentAdmin(ReadOnlyAdmin, DocumentAdmin, ProjectScoped):
    document_kind = "amendment"
    project_path = "contract__project"
    list_display = (
        "contract",
        "signed_on",
        "previous_amount",
        "amount",
        "starts_on",
        "ends_on",
        "recorded_by",
    )
    list_filter = ("signed_on",)
    list_select_related = ("contract", "recorded_by")
    search_fields = ("contract__number", "contract__project__title", "reason")
    raw_id_fields = ("contract", "recorded_by")
    date_hierarchy = "signed_on"


@admin.register(Milestone)
class MilestoneAdmin(ReadOnlyAdmin, ProjectScoped):
    project_path = "contract__project"
    list_display = ("title", "contract", "due_on", "amount", "completed_on")
    list_filter = ("due_on", "completed_on")
    list_select_related = ("contract",)
    search_fields = ("title", "contract__number")
    raw_id_fields = ("contract",)


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin, ProjectScoped):
    project_path = "contract__project"
    list_display = ("contract", "amount", "paid_on", "recorded_by")
    list_filter = ("contract__year", "paid_on")
    list_select_related = ("contract", "recorded_by")
    search_fields = ("contract__number", "contract__project__title", "note")
    raw_id_fields = ("contract", "recorded_by")
    date_hierarchy = "paid_on"


@admin.register(ProgressReport)
class ProgressReportAdmin(ReadOnlyAdmin, DocumentAdmin, ProjectScoped):
    document_kind = "progress-report"
    list_display = ("project", "period", "submitted_by", "created_at")
    list_filter = ("created_at",)
    list_select_related = ("project", "submitted_by")
    search_fields = ("project__title", "period", "content")
    raw_id_fields = ("project", "submitted_by")


@admin.register(SupervisionVisit)
class SupervisionVisitAdmin(ReadOnlyAdmin, ProjectScoped):
    list_display = ("project", "visited_on", "inspector", "rating")
    list_filter = ("rating", "visited_on")
    list_select_related = ("project",)
    search_fields = ("project__title", "inspector", "findings")
    raw_id_fields = ("project",)


@admin.register(Acceptance)
class AcceptanceAdmin(ReadOnlyAdmin, DocumentAdmin, ProjectScoped):
    document_kind = "acceptance"
    list_display = ("project", "evaluated_on", "evaluator", "score", "conclusion")
    list_filter = ("conclusion", "evaluated_on")
    list_select_related = ("project",)
    search_fields = ("project__title", "evaluator")
    raw_id_fields = ("project",)


@admin.register(Honour)
class HonourAdmin(ReadOnlyAdmin, ProjectScoped):
    list_display = ("name", "project", "awarded_by", "year")
    list_filter = ("year",)
    list_select_related = ("project",)
    search_fields = ("name", "awarded_by", "project__title")
    raw_id_fields = ("project",)


from projects import admin_evaluations  # noqa: E402, F401 (the evaluations' admin)

# Review panels (projects.services.panels writes them): read-only, for district-wide people, as
# the panels' pages show them.
from .models import ConflictDeclaration, ReviewPanel, ReviewRevision  # noqa: E402
from .selectors.panels import panels_visible_to  # noqa: E402


class PanelScoped(admin.ModelAdmin):
    """Rows of the panels the person sees, reached through `panel_path`; district-wide people only
    (a reviewer is not staff, and reads their panels on its pages)."""

    panel_path = "panel"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if not request.user.is_district_wide:
            return queryset.none()
        panels = panels_visible_to(user=request.user).values("pk")
        return queryset.filter(
            **{f"{self.panel_path}__in": panels} if self.panel_path else {"pk__in": panels}
        )


class PanelMemberInline(admin.TabularInline):
    model = ReviewPanel.members.through
    extra = 0
    raw_id_fields = ("user",)


class PanelApplicationInline(admin.TabularInline):
    model = ReviewPanel.applications.through
    extra = 0
    raw_id_fields = ("project",)


@admin.register(ReviewPanel)
class ReviewPanelAdmin(ReadOnlyAdmin, PanelScoped):
    panel_path = ""
    list_display = ("name", "call", "threshold", "created_by", "created_at")
    list_filter = ("call__year",)
    list_select_related = ("call", "created_by")
    search_fields = ("name", "call__title")
    raw_id_fields = ("call", "created_by")
    inlines = [PanelMemberInline, PanelApplicationInline]


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(ReadOnlyAdmin, PanelScoped):
    list_display = ("panel", "project", "reviewer", "has_conflict", "created_at")
    list_filter = ("has_conflict",)
    list_select_related = ("panel", "project", "reviewer")
    search_fields = ("project__title", "reviewer__username", "reason")
    raw_id_fields = ("panel", "project", "reviewer")


@admin.register(ReviewRevision)
class ReviewRevisionAdmin(ReadOnlyAdmin, ProjectScoped):
    project_path = "review__project"
    list_display = ("review", "previous_score", "score", "revised_by", "revised_at")
    list_select_related = ("review__project", "revised_by")
    search_fields = ("review__project__title", "revised_by__username", "reason")
    raw_id_fields = ("review", "revised_by")
