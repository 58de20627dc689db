"""The background half of an import run: a large file's preview and its commit, in the Celery
worker. Each task is sent the run's id and nothing else, and is safe to run twice (a run no
longer waiting for it is left as it is)."""

from celery import shared_task

from socialwork import timelimits
from socialwork.models import ImportRun
from socialwork.progress import report_progress, task_state
from socialwork.task_options import task_options

from . import runs


def progress_reporter(task):
    """Rows done, told through the task's state in the result backend, as every background task
    tells its progress (`socialwork.progress`): the run's own row is inside the commit's
    transaction, which nobody sees before it ends, and the web and the worker share no memory."""

    def report(current: int, total: int) -> None:
        report_progress(task, current=current, total=total)

    return report


def progress_of(run: ImportRun) -> tuple[int, int]:
    """(rows done, rows in all) of a run being checked or written in the background."""
    for task_id in (str(run.pk), f"{run.pk}-preview"):
        state = task_state(task_id)
        if state["total"] and not state["ready"]:
            return state["current"], state["total"]
    return run.progress_current, run.progress_total


@shared_task(bind=True, **task_options(timelimits.IMPORT))
def import_preview_task(self, run_id: str) -> None:
    """Check a large file and keep its preview on the run."""
    run = ImportRun.objects.select_related("started_by").filter(pk=run_id).first()
    if run is None or run.status != ImportRun.Status.CHECKING:
        return
    runs.import_run_preview(run=run, background=True, progress=progress_reporter(self))


@shared_task(bind=True, **task_options(timelimits.IMPORT))
def import_run_task(self, run_id: str) -> None:
    """Write a confirmed run, then tell its person."""
    runs.import_run_execute(run_id=run_id, background=True, progress=progress_reporter(self))
