"""The district archive's background task: the request's id in, the service, nothing personal
in the broker (the passphrase stays encrypted in the request row)."""

from celery import shared_task

from socialwork import timelimits
from socialwork.progress import report_progress
from socialwork.task_options import task_options

from . import services


@shared_task(bind=True, **task_options(timelimits.EXPORT))
def archive_build(self, request_id: str) -> int:
    """Write the district archive asked for; the number of rows. Safe to run twice."""

    def progress(done: int, total: int) -> None:
        report_progress(self, current=done, total=total)

    return services.archive_build(request_id=request_id, progress=progress)
