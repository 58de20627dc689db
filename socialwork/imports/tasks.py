"""The background half of an import run: a large file's preview and its commit, in the Celery
worker. Each task is sent the run's id and nothing else, and is safe to run twice (a run no
longer waiting for it is left as it is)."""

from celery import shared_task
from django.core.cache import cache

from socialwork import timelimits
from socialwork.models import ImportRun
from socialwork.task_options import task_options

from . import runs


def progress_key(run_id) -> str:
    return f"import-progress:{run_id}"


def progress_reporter(run_id):
    """Rows done, told through the cache: the run's own row is inside the commit's transaction,
    which nobody sees before it ends."""

    def report(current: int, total: int) -> None:
        cache.set(progress_key(run_id), (current, total), 60 * 60)

    return report


def progress_of(run: ImportRun) -> tuple[int, int]:
    current, total = cache.get(progress_key(run.pk)) or (run.progress_current, run.progress_total)
    return current, total or run.progress_total


@shared_task(**task_options(timelimits.IMPORT))
def import_preview_task(run_id: str) -> None:
    """Check a large file and keep its preview on the run."""
    run = ImportRun.objects.select_related("started_by").filter(pk=run_id).first()
    if run is None or run.status != ImportRun.Status.CHECKING:
        return
    runs.import_run_preview(run=run, background=True, progress=progress_reporter(run_id))


@shared_task(**task_options(timelimits.IMPORT))
def import_run_task(run_id: str) -> None:
    """Write a confirmed run, then tell its person."""
    runs.import_run_execute(run_id=run_id, background=True, progress=progress_reporter(run_id))
    cache.delete(progress_key(run_id))
