"""The nightly backup and its restore check, routed to the `backups` queue (CELERY_TASK_ROUTES):
only the workers that hold the backup key consume it (docker-compose.yml's `backup`).

Safe to run twice: a second backup is another complete backup (pruned in time), a second check
checks again; neither leaves anything half-written (a backup is renamed into place when complete,
the scratch database is dropped whatever happens)."""

from celery import shared_task

from socialwork import timelimits
from socialwork.task_options import task_options

from . import services


@shared_task(**task_options(timelimits.BACKUP))
def backup_nightly() -> bool:
    """Every night (beat): a backup, the old ones pruned, then `restore_check` of it."""
    return services.backup_nightly().ok


@shared_task(**task_options(timelimits.RESTORE_CHECK))
def restore_check(backup_name: str | None = None) -> bool:
    """After each backup: restore it into a scratch database and compare (services.restore_check_run)."""
    return services.restore_check_run(backup=backup_name).ok
