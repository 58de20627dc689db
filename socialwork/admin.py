from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.sessions.models import Session
from django.utils.translation import gettext_lazy as _

from . import tokens
from .models import ApiToken, ApiTokenPolicy, AuditEntry, Notification, NotificationPreference, User
from .roles import Role


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Place in the network"), {"fields": ("full_name", "region", "unit", "language")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Place in the network"), {"fields": ("full_name", "region", "unit", "groups")}),
    )
    list_display = ("username", "full_name", "unit", "region", "is_active", "is_staff")
    list_filter = ("groups", "is_active", "is_staff", "region__level")
    list_select_related = ("unit", "region")
    search_fields = ("username", "full_name", "email", "unit__name")
    autocomplete_fields = ("region", "unit")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            tokens.api_tokens_revoke(user=obj, actor=request.user, reason=tokens.RevokeReason.DEACTIVATION)

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:  # the password was set
            user = self.get_object(request, unquote(id))
            tokens.api_tokens_revoke(
                user=user, actor=request.user, reason=tokens.RevokeReason.PASSWORD_CHANGE
            )
        return response


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("title", "user", "kind", "created_at", "read_at", "emailed_at")
    list_filter = ("kind", "in_app", "created_at")
    list_select_related = ("user",)
    search_fields = ("title", "key", "user__username", "user__full_name")
    readonly_fields = ("key", "created_at", "updated_at")


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "in_app", "email")
    list_filter = ("kind", "in_app", "email")
    list_select_related = ("user",)
    search_fields = ("user__username", "user__full_name", "kind")


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit log is written by services and never edited by anyone.

    Only the audit administrator (the auditor role) reads it, superusers included: under MLPS
    2.0's separation of administrators a system or security administrator, or a superuser
    without the auditor role, does not see the log in the app.
    """

    @staticmethod
    def is_audit_administrator(request) -> bool:
        user = request.user
        return user.is_active and user.has_role(Role.AUDITOR) and user.has_perm("socialwork.view_auditentry")

    def has_module_permission(self, request):
        return self.is_audit_administrator(request)

    def has_view_permission(self, request, obj=None):
        return self.is_audit_administrator(request)

    list_display = ("at", "actor", "action", "target_type", "target_id", "summary")
    list_filter = ("action", "target_type", "at")
    list_select_related = ("actor",)
    search_fields = ("summary", "target_id", "actor__username", "actor__full_name")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    """Who is signed in, for the security administrator to end a session (delete it). The key is
    a bearer secret, so only its first characters are shown; nothing in a session is edited."""

    list_display = ("key", "user", "expire_date")
    fields = ("key", "user", "expire_date")
    readonly_fields = fields
    date_hierarchy = "expire_date"

    @admin.display(description=_("key"))
    def key(self, session) -> str:
        return f"{session.session_key[:6]}…"

    @admin.display(description=_("user"))
    def user(self, session):
        user_id = session.get_decoded().get(SESSION_KEY)
        return User.objects.filter(pk=user_id).first() if user_id else None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Who holds an API token until when, for the security administrator to revoke one (delete).
    Only its first characters are shown: never the token, which is not stored, nor its hash."""

    list_display = ("prefix", "name", "user", "created", "expiry")
    list_display_links = None
    list_select_related = ("user",)
    search_fields = ("user__username", "user__full_name", "name")
    fields = ("prefix", "name", "user", "created", "expiry")
    readonly_fields = fields
    date_hierarchy = "created"

    @admin.display(description=_("token"))
    def prefix(self, token) -> str:
        return f"{token.prefix}…"

    def get_queryset(self, request):
        return tokens.api_tokens_all()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        tokens.api_token_revoke(token=obj, actor=request.user, reason=tokens.RevokeReason.SECURITY_ADMIN)

    def delete_queryset(self, request, queryset):
        for token in queryset.select_related("user"):
            self.delete_model(request, token)


@admin.register(ApiTokenPolicy)
class ApiTokenPolicyAdmin(admin.ModelAdmin):
    """The one policy row: how long an API token lasts. Saving it is audited (socialwork.tokens)."""

    fields = ("lifetime_hours", "updated_at")
    readonly_fields = ("updated_at",)

    def changelist_view(self, request, extra_context=None):
        """The list of one row is that row's page."""
        if self.has_view_or_change_permission(request):
            ApiTokenPolicy.objects.get_or_create(pk=1)  # made by a migration; a flushed database
        return self.change_view(request, "1", extra_context=extra_context)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        tokens.api_token_policy_set(actor=request.user, lifetime_hours=obj.lifetime_hours)
