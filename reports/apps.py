from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

RECOVER_TASK_NAME = "reports: queue again the annual reports a stopped worker left running"
FLAGS_TASK_NAME = "reports: flag changes to the records of locked statistical returns"


def schedule_recovery(sender=None, **kwargs) -> None:
    from socialwork.schedules import periodic_task_ensure

    periodic_task_ensure(name=RECOVER_TASK_NAME, task="reports.tasks.annual_reports_recover", minute="*/5")
    # Locked statistical returns are read again every hour; a change is flagged once.
    periodic_task_ensure(
        name=FLAGS_TASK_NAME, task="reports.upward.tasks.statistical_flags_check", minute="17"
    )


def _schedule_export_expiry(sender=None, **kwargs) -> None:
    from .export_tasks import schedule_expiry

    schedule_expiry()


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        post_migrate.connect(schedule_recovery, sender=self)
        # Background exports are deleted when they expire, by a periodic task kept in the database.
        post_migrate.connect(_schedule_export_expiry, sender=self)
