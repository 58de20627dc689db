"""The periodic check of locked statistical returns (scheduled in reports.apps)."""

from celery import shared_task

from socialwork import timelimits
from socialwork.task_options import task_options

from . import services


@shared_task(**task_options(timelimits.DASHBOARD))
def statistical_flags_check() -> int:
    """Hourly (beat): flag the figures of locked returns the records no longer bear out."""
    return services.flags_check()
