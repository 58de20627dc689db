from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "casework"
    verbose_name = _("Case records")

    def ready(self):
        # The reminder kinds in casework.reminders are found by socialwork's autodiscovery.
        from socialwork.imports.runs import undoing

        from . import categories, tasks
        from .services.tallies import imported_cases_undone
        from .views import attachments, field  # noqa: F401  (register the field pages a phone keeps)

        undoing.connect(imported_cases_undone, dispatch_uid="casework-imported-cases-undone")
        post_migrate.connect(tasks.schedule_purge, sender=self)
        post_migrate.connect(categories.ensure_built_in, sender=self)
