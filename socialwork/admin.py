# Imported first so that their registrations exist to be replaced below (this app's admin
# module is discovered before theirs).
import axes.admin as axes_admin
import django.contrib.auth.admin  # noqa: F401
import django_celery_beat.admin as beat_admin
import django_celery_results.admin as results_admin
import django_otp.plugins.otp_static.admin  # noqa: F401
import django_otp.plugins.otp_totp.admin  # noqa: F401
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy
from django_celery_beat.models import CrontabSchedule, PeriodicTask
from django_celery_results.models import GroupResult, TaskResult
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import tokens
from .accounts import selectors as account_selectors
from .accounts import services as account_services
from .accounts import twofactor
from .accounts.forms import PLACE_FIELDS, AccountCreateForm, AccountForm, AccountRolesForm, PasswordResetForm
from .accounts.selectors import account_actions_for
from .admin_base import PolicyAdmin, ReadOnlyAdmin, ReadOnlyPermissions
from .audit_actions import action_shown
from .audit_admin import EXPORT_FORMATS, AuditSearchFilter, audit_export, chain_status
from .models import (
    ApiToken,
    ApiTokenPolicy,
    AuditEntry,
    Notification,
    NotificationPreference,
    SecondFactorPolicy,
    User,
)
from .roles import SECOND_FACTOR_OPTIONAL_ROLES, Role

# The admin is the system's own back office: 社会工作管理系统 · 后台管理, not "Django 管理".
admin.site.site_header = admin.site.site_title = format_lazy(
    "{} · {}", _("Social work management"), _("Administration")
)

admin.site.unregister(Group)
admin.site.unregister(AccessAttempt)
admin.site.unregister(AccessLog)
admin.site.unregister(AccessFailureLog)
admin.site.unregister(TaskResult)
admin.site.unregister(GroupResult)
admin.site.unregister(PeriodicTask)
admin.site.unregister(CrontabSchedule)
# django-otp's devices hold the secrets of people's second factor: no admin page shows or edits
# them. The security administrator resets a person's devices from the user admin (audited).
admin.site.unregister(TOTPDevice)
admin.site.unregister(StaticDevice)

# Third-party fields named by a word no catalogue can give them as shipped: django-celery-results'
# "Worker", which our catalogue gives a social worker (社工), and django-celery-beat's "Task Name",
# an untranslated string. Their other words are in socialwork.third_party_words.
for model, field, name in (
    (TaskResult, "worker", pgettext_lazy("celery", "Worker")),
    (PeriodicTask, "task", _("Task Name")),
):
    model._meta.get_field(field).verbose_name = name


class AccountRoleFilter(admin.SimpleListFilter):
    """The accounts of one role, the roles named in the reader's language (the groups' names are
    codes)."""

    title = _("role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return Role.choices

    def queryset(self, request, queryset):
        return queryset.filter(groups__name=self.value()) if self.value() else queryset


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    """Accounts, through socialwork.accounts.services only: each page and action shows and takes
    what `account_actions_for` allows its user on that account (nothing on their own), and every
    change is an audit row. Nobody deletes an account (it is deactivated: its audit rows and
    records keep pointing at it) and no page sets is_superuser or is_staff."""

    list_display = ("username", "full_name", "unit", "region", "role_list", "is_active", "is_staff")
    list_filter = (AccountRoleFilter, "is_active", "is_staff", "region__level")
    list_select_related = ("unit", "region")
    search_fields = ("username", "full_name", "email", "unit__name")
    autocomplete_fields = ("region", "unit")
    ordering = ("username",)
    actions = (
        "deactivate_selected",
        "reactivate_selected",
        "unlock_selected",
        "second_factor_reset_selected",
    )

    STATUS_FIELDS = (
        "is_active",
        "is_staff",
        "is_superuser",
        "last_login",
        "date_joined",
        "password_changed_at",
        "second_factor_shown",
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    # Who may open what.

    def has_add_permission(self, request):
        return account_selectors.CREATE in account_actions_for(request.user)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return account_selectors.runs_accounts(request.user) or account_selectors.runs_security(
                request.user
            )
        return bool(
            account_actions_for(request.user, obj) & {account_selectors.PLACE, account_selectors.ROLES_SET}
        )

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not account_selectors.runs_accounts(request.user):
            actions.pop("deactivate_selected", None)
            actions.pop("reactivate_selected", None)
        if not account_selectors.runs_security(request.user):
            actions.pop("unlock_selected", None)
            actions.pop("second_factor_reset_selected", None)
        return actions

    # The pages' fields.

    def allowed(self, request, obj):
        return account_actions_for(request.user, obj)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return (
                (None, {"fields": ("username", "password1", "password2")}),
                (_("Place in the network"), {"fields": PLACE_FIELDS}),
            )
        return (
            (None, {"fields": ("username",)}),
            (_("Place in the network"), {"fields": PLACE_FIELDS}),
            (
                _("Roles"),
                {
                    "fields": ("roles",)
                    if account_selectors.ROLES_SET in self.allowed(request, obj)
                    else ("role_list",)
                },
            ),
            (_("Status"), {"fields": self.STATUS_FIELDS}),
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        shown = ["username", "role_list", *self.STATUS_FIELDS]
        if account_selectors.PLACE not in self.allowed(request, obj):
            shown += PLACE_FIELDS
        return shown

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = AccountCreateForm
        elif account_selectors.ROLES_SET in self.allowed(request, obj):
            kwargs["form"] = AccountRolesForm
        else:
            kwargs["form"] = AccountForm
        return super().get_form(request, obj, change=change, **kwargs)

    @admin.display(description=_("second factor"))
    def second_factor_shown(self, account) -> str:
        device = twofactor.totp_device_of(account)
        required = twofactor.second_factor_required(account)
        if device is not None:
            return _("authenticator app, set up on %(date)s") % {
                "date": f"{timezone.localtime(device.created_at):%Y-%m-%d}"
            }
        return _("not set up (required: set up at the next login)") if required else _("not set up")

    @admin.display(description=_("roles"))
    def role_list(self, account) -> str:
        return ", ".join(str(label) for label in account.role_labels()) or "-"

    # Saving: through the services.

    def change_view(self, request, object_id, form_url="", extra_context=None):
        account = self.get_object(request, unquote(object_id))
        if account is not None and account_selectors.PASSWORD_RESET in self.allowed(request, account):
            extra_context = {
                **(extra_context or {}),
                "password_reset_url": reverse("admin:socialwork_user_password_reset", args=[account.pk]),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            account = account_services.user_create(
                actor=request.user,
                username=data["username"],
                password=data["password2"],
                **{name: data.get(name) for name in PLACE_FIELDS},
            )
            obj.pk = account.pk
            return
        if account_selectors.PLACE in self.allowed(request, obj) and set(form.changed_data) & set(
            PLACE_FIELDS
        ):
            account_services.user_place(
                actor=request.user, account=obj, **{name: data.get(name) for name in PLACE_FIELDS}
            )
        if "roles" in form.changed_data:
            account_services.user_roles_set(actor=request.user, account=obj, roles=data["roles"])

    def save_related(self, request, form, formsets, change):
        """Nothing is saved around the services (roles are not the groups field)."""

    def construct_change_message(self, request, form, formsets, add=False):
        return []

    # Actions on many accounts.

    def _each(self, request, queryset, service, done_message):
        done, refused = 0, []
        for account in queryset:
            try:
                service(actor=request.user, account=account)
                done += 1
            except (PermissionDenied, ValidationError):
                refused.append(account.username)
        if done:
            self.message_user(request, done_message(done) % {"count": done}, messages.SUCCESS)
        if refused:
            self.message_user(
                request,
                _("Not done, as you may not do it to these accounts: %(usernames)s")
                % {"usernames": ", ".join(refused)},
                messages.WARNING,
            )

    @admin.action(description=_("Deactivate the selected accounts"))
    def deactivate_selected(self, request, queryset):
        self._each(
            request,
            queryset,
            account_services.user_deactivate,
            lambda n: ngettext("%(count)d account deactivated.", "%(count)d accounts deactivated.", n),
        )

    @admin.action(description=_("Reactivate the selected accounts"))
    def reactivate_selected(self, request, queryset):
        self._each(
            request,
            queryset,
            account_services.user_reactivate,
            lambda n: ngettext("%(count)d account reactivated.", "%(count)d accounts reactivated.", n),
        )

    @admin.action(description=_("Unlock the selected accounts"))
    def unlock_selected(self, request, queryset):
        self._each(
            request,
            queryset,
            account_services.user_unlock,
            lambda n: ngettext("%(count)d account unlocked.", "%(count)d accounts unlocked.", n),
        )

    @admin.action(description=_("Reset the second factor of the selected accounts"))
    def second_factor_reset_selected(self, request, queryset):
        self._each(
            request,
            queryset,
            account_services.user_second_factor_reset,
            lambda n: ngettext(
                "The second factor of %(count)d account was reset; its holder is told and sets up a new one.",
                "The second factor of %(count)d accounts was reset; their holders are told and set up new ones.",
                n,
            ),
        )

    # The password page: the system administrator resets through the service.

    def get_urls(self):
        return [
            path(
                "<id>/password/",
                self.admin_site.admin_view(self.password_reset_view),
                name="socialwork_user_password_reset",
            ),
            *super().get_urls(),
        ]

    def password_reset_view(self, request, id):
        account = self.get_object(request, unquote(id))
        if account is None:
            raise Http404
        if account_selectors.PASSWORD_RESET not in account_actions_for(request.user, account):
            raise PermissionDenied
        form = PasswordResetForm(account, request.POST or None)
        if request.method == "POST" and form.is_valid():
            account_services.user_password_reset(
                actor=request.user, account=account, password=form.cleaned_data["password2"]
            )
            self.message_user(
                request,
                _(
                    "The password of %(username)s is reset. They choose their own at the next login, and are told."
                )
                % {"username": account.username},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:socialwork_user_change", args=[account.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Reset the password of %(username)s") % {"username": account.username},
            "form": form,
            "account": account,
            "opts": self.opts,
            "original": account,
            "has_view_permission": True,
        }
        return TemplateResponse(request, "admin/socialwork/user/password_reset.html", context)


@admin.register(Group)
class RoleGroupAdmin(admin.ModelAdmin):
    """Groups are the roles of socialwork.roles, their permissions synchronised after every migrate:
    read here, changed by nobody (a changed role is a change to roles.py, reviewed and deployed)."""

    list_display = ("name",)
    search_fields = ("name",)
    fields = ("name", "permission_list")
    readonly_fields = fields

    @admin.display(description=_("permissions"))
    def permission_list(self, group) -> str:
        return ", ".join(sorted(group.permissions.values_list("codename", flat=True)))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccessAttempt)
class AccessAttemptAdmin(axes_admin.AccessAttemptAdmin):
    """Failed logins, read by the security administrator, who unlocks an account or an address
    through the services (audited). Nobody edits or deletes the records themselves."""

    actions = ("unlock_addresses", "unlock_accounts")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        return super().get_actions(request) if account_selectors.runs_security(request.user) else {}

    @admin.display(description=_("Status"))
    def status(self, attempt):
        return super().status(attempt)

    @admin.action(description=_("Unlock the addresses of the selected attempts"))
    def unlock_addresses(self, request, queryset):
        addresses = sorted(set(queryset.values_list("ip_address", flat=True)))
        for address in addresses:
            account_services.address_unlock(actor=request.user, ip_address=address)
        self.message_user(request, _("Unlocked: %(list)s") % {"list": ", ".join(addresses)}, messages.SUCCESS)

    @admin.action(description=_("Unlock the accounts of the selected attempts"))
    def unlock_accounts(self, request, queryset):
        usernames = set(queryset.values_list("username", flat=True))
        unlocked = []
        for account in User.objects.filter(username__in=usernames):
            try:
                account_services.user_unlock(actor=request.user, account=account)
                unlocked.append(account.username)
            except PermissionDenied:
                pass
        self.message_user(
            request, _("Unlocked: %(list)s") % {"list": ", ".join(unlocked) or "-"}, messages.SUCCESS
        )


class LoginRecordAdmin(ReadOnlyPermissions):
    """Logins and failed logins are evidence for the audit: read, never added, edited or deleted,
    by anybody (the superuser included)."""


@admin.register(AccessLog)
class AccessLogAdmin(LoginRecordAdmin, axes_admin.AccessLogAdmin):
    pass


@admin.register(AccessFailureLog)
class AccessFailureLogAdmin(LoginRecordAdmin, axes_admin.AccessFailureLogAdmin):
    pass


class WorkerResultAdmin:
    """What the background workers did, for the superuser's diagnosis: read, and deleted to make
    room, never written by hand (a page follows a task by its result)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(TaskResult)
class TaskResultAdmin(WorkerResultAdmin, results_admin.TaskResultAdmin):
    pass


@admin.register(GroupResult)
class GroupResultAdmin(WorkerResultAdmin, results_admin.GroupResultAdmin):
    pass


# django-celery-beat's schedules, under their own admin with the columns it leaves unnamed named.


@admin.register(PeriodicTask)
class PeriodicTaskAdmin(beat_admin.PeriodicTaskAdmin):
    @admin.display(description=pgettext_lazy("periodic task", "Schedule"))
    def scheduler(self, task):
        return task.scheduler

    @admin.display(description=pgettext_lazy("crontab", "Schedule in words"))
    def crontab_translation(self, task):
        return super().crontab_translation(task)


@admin.register(CrontabSchedule)
class CrontabScheduleAdmin(beat_admin.CrontabScheduleAdmin):
    @admin.display(description=pgettext_lazy("crontab", "Schedule in words"))
    def human_readable(self, crontab):
        return crontab.human_readable


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Sent by socialwork.services.notification_send and read in the inbox; never written here."""

    list_display = (
        "title",
        "user",
        "kind",
        "created_at",
        "read_at",
        "email_wanted",
        "emailed_at",
        "messenger_wanted",
        "messenger_sent_at",
    )
    # Wanted by email (or messenger) and not yet sent: the outboxes the periodic tasks drain.
    list_filter = (
        "kind",
        "in_app",
        "email_wanted",
        ("emailed_at", admin.EmptyFieldListFilter),
        "messenger_wanted",
        ("messenger_sent_at", admin.EmptyFieldListFilter),
        "created_at",
    )
    list_select_related = ("user",)
    search_fields = ("title", "key", "reference", "user__username", "user__full_name")
    readonly_fields = (
        "key",
        "reference",
        "email_wanted",
        "emailed_at",
        "messenger_wanted",
        "messenger_sent_at",
        "messenger_attempts",
        "messenger_next_at",
        "messenger_error",
        "created_at",
        "updated_at",
    )


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Each person chooses their own channels on their preferences page."""

    list_display = ("user", "kind", "in_app", "email", "messenger")
    list_filter = ("kind", "in_app", "email", "messenger")
    list_select_related = ("user",)
    search_fields = ("user__username", "user__full_name", "kind")


def audit_time(value) -> str:
    """An audit time as the log shows it everywhere: the installation's time zone (TIME_ZONE)."""
    return "" if value is None else f"{timezone.localtime(value):%Y-%m-%d %H:%M:%S}"


class ActionFilter(admin.SimpleListFilter):
    """The actions in the log, by their labels in the reader's language."""

    title = _("action")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        codes = AuditEntry.objects.order_by().values_list("action", flat=True).distinct()
        return sorted(((code, action_shown(code)) for code in codes), key=lambda pair: pair[1])

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


def record_kind(target_type: str) -> str:
    """The kind of record in the reader's language (its model's name); the code when the row names
    no model (a refused URL: `url:<page>`)."""
    try:
        return str(apps.get_model(target_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return target_type


class RecordKindFilter(admin.SimpleListFilter):
    """The kinds of record in the log, by their names in the reader's language."""

    title = _("record type")
    parameter_name = "target_type"

    def lookups(self, request, model_admin):
        codes = AuditEntry.objects.order_by().values_list("target_type", flat=True).distinct()
        return sorted(((code, record_kind(code)) for code in codes), key=lambda pair: pair[1])

    def queryset(self, request, queryset):
        return queryset.filter(target_type=self.value()) if self.value() else queryset


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

    list_display = (
        "at_shown",
        "actor_shown",
        "action_shown",
        "target_shown",
        "target_id",
        "summary",
        "address",
    )
    list_filter = (AuditSearchFilter, ActionFilter, RecordKindFilter, "at")
    search_fields = ("summary", "target_id", "actor_username", "actor_name", "address")
    date_hierarchy = "at"
    change_list_template = "admin/socialwork/auditentry/change_list.html"
    # The count of a log of millions is PostgreSQL's estimate when nothing is filtered.
    show_full_result_count = False

    # Each code beside its label under a name of its own: two rows read "action" no more.
    fields = (
        "at_shown", "actor_shown", "actor_username", "actor_number", "action_shown", "action_code",
        "target_shown", "target_type_code", "target_id", "summary", "address", "changes",
        "chain_previous", "chain_hash", "chain_algorithm", "chain_key",
    )  # fmt: skip
    readonly_fields = fields

    # The chain's state above the list, and the export of what the list shows.

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "chain": chain_status(), "export_formats": EXPORT_FORMATS}
        return super().changelist_view(request, extra_context=extra_context)

    def get_urls(self):
        export = path(
            "export/", self.admin_site.admin_view(self.export_view), name="socialwork_auditentry_export"
        )
        return [export, *super().get_urls()]

    def export_view(self, request):
        """The rows the list shows with the same filters and search, as CSV or a workbook."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        params = request.GET.copy()
        fmt = params.pop("format", ["csv"])[-1]
        if fmt not in EXPORT_FORMATS:
            raise Http404
        request.GET = params
        changelist = self.get_changelist_instance(request)
        filters = {name: values[-1] for name, values in params.lists() if any(values)}
        return audit_export(
            request=request, queryset=changelist.get_queryset(request), fmt=fmt, record_kind=record_kind,
            filters=filters,
        )  # fmt: skip

    @admin.display(description=_("actor's account number"))
    def actor_number(self, entry):
        return entry.actor_id or "—"

    @admin.display(description=_("action code"))
    def action_code(self, entry):
        return entry.action

    @admin.display(description=_("record type code"))
    def target_type_code(self, entry):
        return entry.target_type

    @admin.display(description=_("time"), ordering="at")
    def at_shown(self, entry):
        """In the installation's time zone with its seconds, on the list and the entry alike."""
        return audit_time(entry.at)

    @admin.display(description=_("action"), ordering="action")
    def action_shown(self, entry):
        """The action in the reader's language (socialwork.audit_actions); its code is beside it on
        the entry's page."""
        return entry.action_label

    @admin.display(description=_("record type"), ordering="target_type")
    def target_shown(self, entry):
        return record_kind(entry.target_type)

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


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Who holds an API token until when, for the security administrator to revoke one (delete).
    Only its first characters are shown: never the token, which is not stored, nor its hash."""

    # knox's fields have no verbose names (they would read "user", "created", "expiry" in Chinese
    # too): shown through methods named in the reader's language.
    list_display = ("prefix", "name", "holder", "created_at", "expires_at")
    list_display_links = None
    list_select_related = ("user",)
    search_fields = ("user__username", "user__full_name", "name")
    fields = ("prefix", "name", "holder", "created_at", "expires_at")
    readonly_fields = fields
    date_hierarchy = "created"

    @admin.display(description=_("token"))
    def prefix(self, token) -> str:
        return f"{token.prefix}…"

    @admin.display(description=_("user"), ordering="user__username")
    def holder(self, token):
        return token.user

    @admin.display(description=_("Created"), ordering="created")
    def created_at(self, token):
        return token.created

    @admin.display(description=_("Expires"), ordering="expiry")
    def expires_at(self, token):
        return token.expiry

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
class ApiTokenPolicyAdmin(PolicyAdmin):
    """The one policy row: how long an API token lasts. Saving it is audited (socialwork.tokens)."""

    fields = ("lifetime_hours", "updated_at")

    def save_model(self, request, obj, form, change):
        tokens.api_token_policy_set(actor=request.user, lifetime_hours=obj.lifetime_hours)


class SecondFactorPolicyForm(forms.ModelForm):
    required_roles = forms.MultipleChoiceField(
        label=_("also required of"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=SecondFactorPolicy._meta.get_field("required_roles").help_text,
    )

    class Meta:
        model = SecondFactorPolicy
        fields = ("required_roles",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["required_roles"].choices = [
            (role.value, role.label) for role in SECOND_FACTOR_OPTIONAL_ROLES
        ]


@admin.register(SecondFactorPolicy)
class SecondFactorPolicyAdmin(PolicyAdmin):
    """The one policy row: which optional roles must also log in with a second factor. Saving it
    is audited (socialwork.accounts.twofactor)."""

    form = SecondFactorPolicyForm
    fields = ("required_roles", "updated_at")

    def save_model(self, request, obj, form, change):
        twofactor.second_factor_policy_set(actor=request.user, roles=form.cleaned_data["required_roles"])

    def construct_change_message(self, request, form, formsets, add=False):
        return []
