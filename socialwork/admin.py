from django.contrib import admin
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.sessions.models import Session
from django.utils.translation import gettext_lazy as _

from .admin_base import ReadOnlyAdmin
from .models import AuditEntry, Notification, NotificationPreference, User
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


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Sent by socialwork.services.notification_send and read in the inbox; never written here."""

    list_display = ("title", "user", "kind", "created_at", "read_at", "email_wanted", "emailed_at")
    # Wanted by email and not yet emailed: the outbox the periodic task drains.
    list_filter = ("kind", "in_app", "email_wanted", ("emailed_at", admin.EmptyFieldListFilter), "created_at")
    list_select_related = ("user",)
    search_fields = ("title", "key", "user__username", "user__full_name")
    readonly_fields = ("key", "email_wanted", "emailed_at", "created_at", "updated_at")


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Each person chooses their own channels on their preferences page."""

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

    list_display = ("at", "actor_shown", "action", "target_type", "target_id", "summary")
    list_filter = ("action", "target_type", "at")
    search_fields = ("summary", "target_id", "actor_username", "actor_name")
    date_hierarchy = "at"

    fields = (
        "at", "actor_shown", "actor_username", "actor_id", "action", "target_type", "target_id", "summary",
        "changes",
    )  # fmt: skip
    readonly_fields = fields

    @admin.display(description=_("actor"), ordering="actor_name")
    def actor_shown(self, entry):
        """The name the actor had when they acted, kept in the row: it outlives the account."""
        return entry.actor_display or "—"

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
