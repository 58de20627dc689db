"""The admin for case records.

Every list goes through casework.selectors, so a district administrator or a superuser with no
part in a case sees no row of it, finds nothing of it by search, and meets the admin's "does not
exist" on its page. Case records, groups, community work, advocacy and the case records policy
are changed on their own pages, where every change goes through the services and is audited:
here they are read-only (socialwork.admin_base), and opening a case's or a client's page is
written to the audit log like any other view. The district edits the vulnerability categories
here, each change audited; it revokes access grants (they are made on the grants page).
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from socialwork.admin_base import AuditedAdmin, LocalRuleAdmin, ReadOnlyAdmin

from . import services
from .masking import mask_id_number, mask_phone
from .models import (
    AccessGrant,
    AdvocacyRecord,
    Assessment,
    AssessmentDomain,
    Attachment,
    BreakGlass,
    Case,
    CaseClient,
    CaseTransition,
    CaseworkPolicy,
    Client,
    ClientConsent,
    ClientMerge,
    Closing,
    CommunityActivity,
    EvaluationSample,
    FollowUp,
    Group,
    GroupAttendance,
    GroupMember,
    GroupSession,
    HomeVisit,
    HouseholdMember,
    LabelChange,
    PlanGoal,
    PlanTask,
    Referral,
    SatisfactionAnswer,
    SatisfactionQuestion,
    ServiceNote,
    ServicePlan,
    SubjectRequest,
    SubjectRequestPolicy,
    SubjectRequestStep,
    SupervisorReview,
    Transfer,
    Volunteer,
    VolunteerHours,
    VolunteerPairing,
    VulnerabilityCategory,
)
from .selectors import (
    activities_visible_to,
    advocacy_visible_to,
    cases_visible_to,
    clients_visible_to,
    grants_visible_to,
    groups_visible_to,
    subject_requests_visible_to,
    volunteers_visible_to,
)

# Shown, never changed here: the pages change these through the services.
ReadOnly = ReadOnlyAdmin


class ReadOnlyInline(admin.TabularInline):
    """An inline of a read-only record (ReadOnlyAdmin makes it read-only)."""

    extra = 0


class ScopedAdmin(ReadOnly, admin.ModelAdmin):
    """Rows reached through `scope_path` from a record the person sees by `selector`."""

    selector = None
    scope_path = "pk"

    def get_queryset(self, request):
        visible = type(self).selector(user=request.user).values("pk")
        return super().get_queryset(request).filter(**{f"{self.scope_path}__in": visible})


class CaseScoped(ScopedAdmin):
    selector = cases_visible_to
    scope_path = "case"


class AuditedViews:
    """Opening a record's page, or listing them, is written to the audit log."""

    view_action = ""
    list_action = ""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and request.method == "GET":
            services.access_record(actor=request.user, target=obj, action=self.view_action)
        return super().change_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            ids = [obj.pk for obj in changelist.result_list]
            services.access_record(actor=request.user, target=self.model(), action=self.list_action, ids=ids)
        return response


# Clients


class HouseholdInline(ReadOnlyInline):
    model = HouseholdMember


@admin.register(Client)
class ClientAdmin(AuditedViews, ScopedAdmin):
    selector = clients_visible_to
    view_action, list_action = "client.view", "client.list"
    list_display = (
        "name",
        "gender",
        "birth_date",
        "masked_id_number",
        "masked_phone",
        "community",
        "station",
    )
    list_filter = ("gender", "known_elsewhere", "categories")
    list_select_related = ("community", "station")
    search_fields = ("name",)  # the numbers are encrypted; the pages find a person by ID number
    exclude = ("removed_at", "removed_by", "removal_reason")
    inlines = [HouseholdInline]

    @admin.display(description=_("ID number"))
    def masked_id_number(self, client):
        return mask_id_number(client.id_number) if client.id_number else ""

    @admin.display(description=_("phone"))
    def masked_phone(self, client):
        return mask_phone(client.phone)


@admin.register(HouseholdMember)
class HouseholdMemberAdmin(ScopedAdmin):
    selector = clients_visible_to
    scope_path = "client"
    list_display = ("name", "relation", "client")
    list_filter = ("relation",)
    list_select_related = ("client",)
    search_fields = ("name", "client__name")


# Cases


class CaseClientInline(ReadOnlyInline):
    model = CaseClient


class TransitionInline(ReadOnlyInline):
    model = CaseTransition
    fields = ("at", "from_status", "to_status", "actor", "reason")
    readonly_fields = fields


@admin.register(Case)
class CaseAdmin(AuditedViews, ScopedAdmin):
    selector = cases_visible_to
    view_action, list_action = "case.view", "case.list"
    list_display = (
        "number", "status", "risk_level", "category", "station", "worker", "supervisor", "intake_on",
        "last_note_on",
    )  # fmt: skip
    list_filter = ("status", "risk_level", "source", "category")
    list_select_related = ("category", "station", "worker", "supervisor")
    search_fields = ("number", "case_clients__client__name")
    date_hierarchy = "intake_on"
    exclude = ("clients", "removed_at")
    inlines = [CaseClientInline, TransitionInline]


@admin.register(CaseClient)
class CaseClientAdmin(CaseScoped):
    list_display = ("case", "client", "primary")
    list_select_related = ("case", "client")
    search_fields = ("case__number", "client__name")


@admin.register(CaseTransition)
class CaseTransitionAdmin(CaseScoped):
    list_display = ("case", "from_status", "to_status", "actor", "at")
    list_filter = ("to_status",)
    list_select_related = ("case", "actor")
    search_fields = ("case__number", "reason")


class DomainInline(ReadOnlyInline):
    model = AssessmentDomain


@admin.register(Assessment)
class AssessmentAdmin(CaseScoped):
    list_display = ("case", "assessed_on", "risk_level", "author")
    list_filter = ("risk_level",)
    list_select_related = ("case", "author")
    search_fields = ("case__number",)  # the summary is encrypted
    inlines = [DomainInline]


@admin.register(AssessmentDomain)
class AssessmentDomainAdmin(CaseScoped):
    scope_path = "assessment__case"
    list_display = ("assessment", "domain", "risk")
    list_filter = ("domain", "risk")
    list_select_related = ("assessment__case",)
    search_fields = ("assessment__case__number",)  # needs and strengths are encrypted


class GoalInline(ReadOnlyInline):
    model = PlanGoal


class TaskInline(ReadOnlyInline):
    model = PlanTask


@admin.register(ServicePlan)
class ServicePlanAdmin(CaseScoped):
    list_display = ("case", "version", "status", "author", "submitted_at", "decided_at")
    list_filter = ("status",)
    list_select_related = ("case", "author")
    search_fields = ("case__number",)
    inlines = [GoalInline, TaskInline]


@admin.register(PlanGoal)
class PlanGoalAdmin(CaseScoped):
    scope_path = "plan__case"
    list_display = ("description", "plan", "measure", "before_value", "after_value", "outcome")
    list_filter = ("outcome", "measure_kind")
    list_select_related = ("plan__case",)
    search_fields = ("plan__case__number", "description")


@admin.register(PlanTask)
class PlanTaskAdmin(CaseScoped):
    scope_path = "plan__case"
    list_display = ("description", "plan", "owner", "due_on", "done_on")
    list_filter = ("due_on", "done_on")
    list_select_related = ("plan__case",)
    search_fields = ("plan__case__number", "description", "owner")


@admin.register(ServiceNote)
class ServiceNoteAdmin(CaseScoped):
    list_display = ("case", "noted_on", "method", "minutes", "author")
    list_filter = ("method", "noted_on")
    list_select_related = ("case", "author")
    search_fields = ("case__number",)  # the note is encrypted
    date_hierarchy = "noted_on"


@admin.register(Attachment)
class AttachmentAdmin(CaseScoped):
    """What each attachment is and who added it; never its bytes (opened from the case page, where
    each opening is audited) nor where they are stored."""

    list_display = ("case", "content_type", "size", "uploaded_by", "created_at")
    list_filter = ("content_type",)
    list_select_related = ("case", "uploaded_by")
    search_fields = ("case__number",)  # the file's name is encrypted
    exclude = ("stored",)


@admin.register(ClientConsent)
class ClientConsentAdmin(CaseScoped):
    """Who signed, what to, who took it and when, scoped by its case as the case's other records;
    the signature image is in the printed case file."""

    list_display = ("client", "case", "relationship", "consents_to_services", "taken_by", "taken_at")
    list_filter = ("relationship", "consents_to_services")
    list_select_related = ("client", "case", "taken_by")
    search_fields = ("case__number",)
    exclude = ("signature",)


@admin.register(HomeVisit)
class HomeVisitAdmin(CaseScoped):
    list_display = ("case", "visited_on", "author")
    list_filter = ("visited_on",)
    list_select_related = ("case", "author")
    search_fields = ("case__number",)  # what was seen is encrypted
    date_hierarchy = "visited_on"


@admin.register(Referral)
class ReferralAdmin(CaseScoped):
    list_display = (
        "case", "target", "target_kind", "referred_on", "answer_by", "answered_on", "outcome_by", "status", "outcome",
        "amount",
    )  # fmt: skip
    list_filter = ("target_kind", "status", "outcome", "answer_by", "outcome_by")
    list_select_related = ("case",)
    search_fields = ("case__number", "target")  # the request is encrypted


class SatisfactionAnswerInline(admin.TabularInline):
    model = SatisfactionAnswer
    fields = ("wording", "score")
    readonly_fields = fields
    extra = 0


@admin.register(FollowUp)
class FollowUpAdmin(CaseScoped):
    list_display = ("case", "kind", "due_on", "purpose", "done_on", "method", "satisfaction_average")
    list_filter = ("kind", "method", "due_on", "done_on")
    list_select_related = ("case",)
    search_fields = ("case__number", "purpose")
    inlines = [SatisfactionAnswerInline]


@admin.register(SupervisorReview)
class SupervisorReviewAdmin(CaseScoped):
    list_display = ("case", "reviewed_on", "supervisor")
    list_select_related = ("case", "supervisor")
    search_fields = ("case__number", "comments")


@admin.register(Closing)
class ClosingAdmin(CaseScoped):
    list_display = ("case", "reason", "status", "author", "decided_by", "decided_at")
    list_filter = ("reason", "status")
    list_select_related = ("case", "author", "decided_by")
    search_fields = ("case__number",)  # the summary is encrypted


@admin.register(Transfer)
class TransferAdmin(CaseScoped):
    list_display = ("case", "from_station", "to_station", "to_worker", "status", "created_at")
    list_filter = ("status",)
    list_select_related = ("case", "from_station", "to_station", "to_worker")
    search_fields = ("case__number", "reason")


@admin.register(BreakGlass)
class BreakGlassAdmin(CaseScoped):
    """Who opened a labelled case in an emergency, why and until when; written only by
    casework.services.labels.break_glass_open. Seen, like the case, by those who see the case; the
    auditors read the same in the audit log."""

    list_display = ("case", "user", "opened_at", "expires_at")
    list_select_related = ("case", "user")
    search_fields = ("case__number",)


@admin.register(LabelChange)
class LabelChangeAdmin(ReadOnly, admin.ModelAdmin):
    """Security labels set and removed, of the cases and clients the person sees."""

    list_display = ("case", "client", "sensitive", "reason", "actor", "at")
    list_filter = ("sensitive", "reason")
    list_select_related = ("case", "client", "actor")
    search_fields = ("case__number",)

    def get_queryset(self, request):
        cases = cases_visible_to(user=request.user).values("pk")
        clients = clients_visible_to(user=request.user).values("pk")
        return super().get_queryset(request).filter(Q(case__in=cases) | Q(client__in=clients))


@admin.register(AccessGrant)
class AccessGrantAdmin(ReadOnly, admin.ModelAdmin):
    """Grants of the district's cases, read-only: they are asked for, approved and declined on
    the grants page, by the services. The one action, revoke, calls the service too. It names the
    case by number only, as the grants page does; the case itself stays out of the admin's reach."""

    list_display = (
        "case",
        "user",
        "status",
        "reason",
        "expires_on",
        "requested_by",
        "decided_by",
        "revoked_at",
    )
    list_filter = ("status", "expires_on")
    list_select_related = ("case", "user", "requested_by", "decided_by")
    search_fields = ("case__number", "user__username", "user__full_name")
    actions = ["revoke"]

    def get_queryset(self, request):
        return grants_visible_to(user=request.user)

    def has_view_permission(self, request, obj=None):
        return request.user.is_district_wide and super().has_view_permission(request, obj)

    @admin.action(description=_("Revoke the selected grants"))
    def revoke(self, request, queryset):
        try:
            for grant in queryset:
                services.access_revoke(actor=request.user, grant=grant)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return
        count = queryset.count()
        self.message_user(request, ngettext("%d grant revoked.", "%d grants revoked.", count) % count)

    def get_actions(self, request):
        # The revoke action is a change, which the read-only admin otherwise refuses.
        actions = super().get_actions(request)
        if not request.user.has_perm("casework.change_accessgrant"):
            actions.pop("revoke", None)
        return actions


# Groups


class GroupScoped(ScopedAdmin):
    selector = groups_visible_to
    scope_path = "group"


@admin.register(Group)
class GroupAdmin(ScopedAdmin):
    selector = groups_visible_to
    list_display = ("name", "kind", "category", "station", "worker", "starts_on", "ends_on", "status")
    list_filter = ("kind", "status", "category")
    list_select_related = ("category", "station", "worker")
    search_fields = ("name", "aims")


@admin.register(GroupMember)
class GroupMemberAdmin(GroupScoped):
    list_display = ("client", "group", "joined_on", "left_on")
    list_select_related = ("client", "group")
    search_fields = ("group__name", "client__name")


@admin.register(GroupSession)
class GroupSessionAdmin(GroupScoped):
    list_display = ("group", "number", "theme", "planned_on", "held_on")
    list_select_related = ("group",)
    search_fields = ("group__name", "theme")


@admin.register(GroupAttendance)
class GroupAttendanceAdmin(GroupScoped):
    scope_path = "session__group"
    list_display = ("session", "member", "present")
    list_filter = ("present",)
    list_select_related = ("session__group", "member__client")
    search_fields = ("session__group__name",)


# Community work and volunteers


@admin.register(CommunityActivity)
class CommunityActivityAdmin(ScopedAdmin):
    selector = activities_visible_to
    list_display = ("theme", "held_on", "community", "station", "participants", "organizer")
    list_filter = ("held_on",)
    list_select_related = ("community", "station", "organizer")
    search_fields = ("theme", "partners")
    date_hierarchy = "held_on"


@admin.register(Volunteer)
class VolunteerAdmin(ScopedAdmin):
    selector = volunteers_visible_to
    list_display = ("name", "masked_phone", "station", "skills", "registered_on", "active")
    list_filter = ("active",)
    list_select_related = ("station",)
    search_fields = ("name", "skills")

    @admin.display(description=_("phone"))
    def masked_phone(self, volunteer):
        return mask_phone(volunteer.phone)


@admin.register(VolunteerHours)
class VolunteerHoursAdmin(ScopedAdmin):
    selector = volunteers_visible_to
    scope_path = "volunteer"
    list_display = ("volunteer", "served_on", "hours", "activity")
    list_select_related = ("volunteer", "activity")
    search_fields = ("volunteer__name", "description")


@admin.register(VolunteerPairing)
class VolunteerPairingAdmin(ScopedAdmin):
    """A pairing names a client: it needs both the volunteer and the client in sight."""

    selector = volunteers_visible_to
    scope_path = "volunteer"
    list_display = ("volunteer", "client", "purpose", "starts_on", "ends_on")
    list_select_related = ("volunteer", "client")
    search_fields = ("volunteer__name", "purpose")

    def get_queryset(self, request):
        clients = clients_visible_to(user=request.user).values("pk")
        return super().get_queryset(request).filter(client__in=clients)


# Advocacy


@admin.register(AdvocacyRecord)
class AdvocacyRecordAdmin(ScopedAdmin):
    """The linked cases show as a count: their numbers are for those who see them."""

    selector = advocacy_visible_to
    list_display = ("title", "department", "status", "submitted_on", "station", "linked_cases")
    list_filter = ("status",)
    list_select_related = ("station",)
    search_fields = ("title", "department", "problem", "proposal")
    exclude = ("cases",)
    readonly_fields = ("linked_cases",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(linked=Count("cases"))

    @admin.display(description=_("linked cases"))
    def linked_cases(self, record):
        return record.linked


# The district's settings


@admin.register(SatisfactionQuestion)
class SatisfactionQuestionAdmin(AuditedAdmin, admin.ModelAdmin):
    """The district's satisfaction questions. An answer keeps the wording it was asked in, so
    rewording a question rewrites no answer; an answered question is retired (unticked), not
    deleted."""

    audit_name = "satisfaction_question"
    list_display = ("text", "order", "active")
    list_editable = ("order", "active")
    list_filter = ("active",)
    search_fields = ("text",)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.answers.exists():
            return False
        return super().has_delete_permission(request, obj)


@admin.register(EvaluationSample)
class EvaluationSampleAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Who drew which evaluation's sample, when, with which seed; the sampled cases by number."""

    list_display = ("evaluation", "created_at", "drawn_by", "seed", "current")
    list_filter = ("current",)
    list_select_related = ("evaluation__project", "drawn_by")


@admin.register(VulnerabilityCategory)
class VulnerabilityCategoryAdmin(AuditedAdmin, admin.ModelAdmin):
    """The district adds the groups it serves; the built-in ones keep their code and stay."""

    audit_name = "category"
    list_display = ("__str__", "name", "code", "order", "active")
    list_filter = ("active",)
    search_fields = ("name", "code")
    readonly_fields = ("code",)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and (obj.code or obj.cases.exists() or obj.clients.exists()):
            return False  # in use, or one of the district's built-in groups: retire it instead
        return super().has_delete_permission(request, obj)


@admin.register(CaseworkPolicy)
class CaseworkPolicyAdmin(LocalRuleAdmin, ReadOnlyAdmin, admin.ModelAdmin):
    """Changed on the policy page, through casework.services.policy_update: each district's own,
    and its city's default (a local rule)."""

    list_display = (
        "__str__", "retention_days", "quiet_case_days", "grant_max_days", "referral_answer_days",
        "referral_outcome_days", "referral_escalate_days", "offline_hours",
    )  # fmt: skip


# Personal information requests


class SubjectRequestStepInline(ReadOnlyInline):
    model = SubjectRequestStep
    fields = ("at", "action", "actor", "note")
    readonly_fields = fields
    extra = 0


@admin.register(SubjectRequest)
class SubjectRequestAdmin(ScopedAdmin):
    """Taken step by step on the requests' pages (casework.services.subject_requests). The client
    is named by number, as on the district's pages; the copy of their data is not offered here."""

    selector = subject_requests_visible_to
    list_display = (
        "__str__",
        "client_number",
        "kind",
        "status",
        "received_on",
        "due_on",
        "station",
        "assignee",
    )
    list_filter = ("kind", "status")
    list_select_related = ("station", "assignee")
    exclude = ("client", "copy_file")
    inlines = (SubjectRequestStepInline,)


@admin.register(SubjectRequestPolicy)
class SubjectRequestPolicyAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Changed on the requests policy page, through casework.services.subject_request_policy_update."""

    list_display = ("__str__", "answer_working_days")


# Merges


@admin.register(ClientMerge)
class ClientMergeAdmin(ReadOnly, admin.ModelAdmin):
    """Merges of client records, read-only: sent, proposed, decided and undone on the duplicates
    page, by casework.services.merges. Records are named by number only."""

    list_display = ("__str__", "status", "proposed_by", "decided_by", "decided_at", "undone_at", "purged_at")
    list_filter = ("status",)
    list_select_related = ("proposed_by", "decided_by")
    exclude = ("before_text",)

    def get_queryset(self, request):
        from .merge_selectors import merges_visible_to

        return merges_visible_to(user=request.user)

    def has_view_permission(self, request, obj=None):
        return request.user.is_district_wide and super().has_view_permission(request, obj)
