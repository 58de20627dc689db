"""Background tasks of case records. Thin: one service, safe to run twice."""

from celery import shared_task
from django.utils import timezone

from casework import services
from socialwork import timelimits
from socialwork.task_options import task_options

PURGE_TASK_NAME = "casework: erase removed clients past retention"


@shared_task(**task_options(timelimits.CLIENT_PURGE))
def purge_removed_clients() -> int:
    """Erase for good the clients removed longer ago than the district's retention period, with
    the cases that were only theirs. Running it twice erases nothing more: the service skips whoever
    is already gone, one client per transaction under a lock."""
    return services.clients_purge()


def schedule_purge(sender=None, **kwargs) -> None:
    """After every migrate: make sure the purge runs each night. A schedule edited in the admin
    (Periodic tasks) stays as it is."""
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    if PeriodicTask.objects.filter(name=PURGE_TASK_NAME).exists():
        return
    schedule, _created = CrontabSchedule.objects.get_or_create(
        minute="30",
        hour="2",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone=timezone.get_default_timezone_name(),
    )
    PeriodicTask.objects.create(
        name=PURGE_TASK_NAME, task="casework.tasks.purge_removed_clients", crontab=schedule
    )
