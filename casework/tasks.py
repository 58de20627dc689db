"""Background tasks of case records. Thin: one service, safe to run twice."""

from celery import shared_task
from django.utils import timezone

from casework import services
from socialwork import timelimits
from socialwork.task_options import task_options

PURGE_TASK_NAME = "casework: erase removed clients past retention"
SERVED_TASK_NAME = "casework: count the open cases' clients as served in the new year"


@shared_task(**task_options(timelimits.CLIENT_PURGE))
def purge_removed_clients() -> int:
    """Erase for good the clients removed longer ago than the district's retention period, with
    the cases that were only theirs. Running it twice erases nothing more: the service skips whoever
    is already gone, one client per transaction under a lock."""
    return services.clients_purge()


@shared_task(**task_options(timelimits.SERVED_EXTEND))
def extend_clients_served() -> int:
    """Count the clients of the cases still open as served this year (the figures' tally), so that
    the first night of a year carries them into it. Running it twice adds nothing more."""
    return services.served_extend()


def schedule_purge(sender=None, **kwargs) -> None:
    """After every migrate: make sure the purge runs each night, and the clients served are carried
    into the new year just after midnight. A schedule edited in the admin (Periodic tasks) stays as
    it is."""
    _schedule(PURGE_TASK_NAME, "casework.tasks.purge_removed_clients", minute="30", hour="2")
    _schedule(SERVED_TASK_NAME, "casework.tasks.extend_clients_served", minute="5", hour="0")


def _schedule(name: str, task: str, *, minute: str, hour: str) -> None:
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    if PeriodicTask.objects.filter(name=name).exists():
        return
    schedule, _created = CrontabSchedule.objects.get_or_create(
        minute=minute,
        hour=hour,
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone=timezone.get_default_timezone_name(),
    )
    PeriodicTask.objects.create(name=name, task=task, crontab=schedule)
