from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

RECOVER_TASK_NAME = "positions: generate again the allowance rolls a stopped worker left running"


def schedule_recovery(sender=None, **kwargs) -> None:
    from socialwork.schedules import periodic_task_ensure

    periodic_task_ensure(
        name=RECOVER_TASK_NAME, task="positions.tasks.allowance_roll_runs_recover", minute="*/5"
    )


class PositionsConfig(AppConfig):
    name = "positions"
    verbose_name = _("Network and workforce")

    def ready(self):
        post_migrate.connect(schedule_recovery, sender=self)
