from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "casework"
    verbose_name = _("Case records")

    def ready(self):
        # The reminder kinds in casework.reminders are found by socialwork's autodiscovery.
        from . import categories, tasks
        from .views import attachments, field  # noqa: F401  (register the field pages a phone keeps)

        post_migrate.connect(tasks.schedule_purge, sender=self)
        post_migrate.connect(categories.ensure_built_in, sender=self)
