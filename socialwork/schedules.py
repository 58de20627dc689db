"""Periodic tasks in the database beat schedule (django-celery-beat), made after every migrate.

Beat reads its schedule from the database, so the system administrator sees and edits it in the
admin (Periodic tasks); a schedule edited there stays as it is.
"""

from django.utils import timezone


def periodic_task_ensure(*, name: str, task: str, minute: str = "*", hour: str = "*") -> None:
    """Make sure the periodic task `name` exists, running `task` on this crontab."""
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


OUTBOX_TASK_NAME = "notifications: email what is still to be emailed"
MESSENGER_TASK_NAME = "notifications: send by messenger what is still to be sent"


def schedule_outbox(sender=None, **kwargs) -> None:
    periodic_task_ensure(name=OUTBOX_TASK_NAME, task="socialwork.tasks.notification_outbox_drain")
    periodic_task_ensure(name=MESSENGER_TASK_NAME, task="socialwork.tasks.notification_messenger_drain")


BACKUP_TASK_NAME = "backups: nightly backup, then its restore check"


def schedule_backups(sender=None, **kwargs) -> None:
    # 02:30 in TIME_ZONE, when nobody works; the restore check follows it (socialwork.backups.tasks).
    periodic_task_ensure(
        name=BACKUP_TASK_NAME, task="socialwork.backups.tasks.backup_nightly", minute="30", hour="2"
    )


AUDIT_VERIFY_TASK_NAME = "audit log: verify the chain of seals"


def schedule_audit_verify(sender=None, **kwargs) -> None:
    """Every night at 03:30, when the log is quiet (after the 02:30 backup)."""
    periodic_task_ensure(
        name=AUDIT_VERIFY_TASK_NAME, task="socialwork.tasks.audit_chain_verify", minute="30", hour="3"
    )
