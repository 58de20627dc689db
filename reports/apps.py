from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _schedule_export_expiry(sender=None, **kwargs) -> None:
    from .export_tasks import schedule_expiry

    schedule_expiry()


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        # Background exports are deleted when they expire, by a periodic task kept in the database.
        post_migrate.connect(_schedule_export_expiry, sender=self)
