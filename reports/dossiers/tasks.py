"""The dossier's background task: its id in, one service, safe to run twice."""

from celery import shared_task

from socialwork import timelimits
from socialwork.progress import report_progress
from socialwork.task_options import task_options

from . import services


@shared_task(bind=True, **task_options(timelimits.DOSSIER))
def dossier_build(self, dossier_id: int) -> str:
    """Build a dossier's files, reporting progress section by section. A built dossier is left
    alone; a failure is recorded on the dossier."""
    dossier = services.dossier_build(
        dossier_id=dossier_id,
        progress=lambda current, total: report_progress(self, current=current, total=total),
    )
    return dossier.status
