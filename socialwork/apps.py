from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class SocialworkConfig(AppConfig):
    name = "socialwork"
    verbose_name = _("System")

    def ready(self):
        from django.contrib.auth import signals as auth_signals
        from django.utils.module_loading import autodiscover_modules

        from . import audit, constraints, dbroles, language, lookups, reminders, roles, schedules, sorting  # noqa: F401 (lookups registers itself)
        from .crypto import checks  # noqa: F401 (registers the start-up check of the encrypted columns)

        # Every app declares its reminder kinds in a `reminders` module and the other kinds of
        # notification it sends in a `notifications` module.
        autodiscover_modules("reminders")
        autodiscover_modules("notifications")
        # The kinds of record chosen by typing (socialwork.pickers), declared by each app.
        autodiscover_modules("pickers")
        # The registers each app lets a bureau import from its spreadsheets (socialwork.imports).
        autodiscover_modules("imports")
        # A row the database refuses for a named constraint reads as that constraint's message.
        connection_created.connect(constraints.guard_connection)
        # Names with numbers in their natural order, on SQLite too (socialwork.sorting).
        connection_created.connect(sorting.install_sqlite_collation, dispatch_uid="natural_collation")
        # The labels of the audit log's actions: socialwork.audit_actions, and any app's own module.
        autodiscover_modules("audit_actions")
        auth_signals.user_logged_in.connect(audit.login_recorded, dispatch_uid="audit_login")
        auth_signals.user_logged_in.connect(language.language_at_login, dispatch_uid="language_at_login")
        auth_signals.user_login_failed.connect(
            audit.login_failure_recorded, dispatch_uid="audit_login_failed"
        )
        auth_signals.user_logged_out.connect(audit.logout_recorded, dispatch_uid="audit_logout")
        post_migrate.connect(roles.sync_role_permissions, sender=self)
        post_migrate.connect(reminders.sync_reminder_schedules, sender=self)
        post_migrate.connect(schedules.schedule_outbox, sender=self)
        post_migrate.connect(schedules.schedule_backups, sender=self)
        post_migrate.connect(schedules.schedule_audit_verify, sender=self)
        # Last of this app's steps, so that the rows the steps above wrote were written as owner.
        post_migrate.connect(dbroles.grant_after_migrate, sender=self)
