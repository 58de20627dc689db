"""Background tasks of the reports app. Thin: ids in, one service, safe to run twice."""

from celery import shared_task

from reports import services
from reports.archive.tasks import archive_build  # noqa: F401  (found by the worker's autodiscovery)
from reports.dossiers.tasks import dossier_build  # noqa: F401  (found by the worker's autodiscovery)
from reports.upward.tasks import statistical_flags_check  # noqa: F401  (found by the worker's autodiscovery)
from socialwork import timelimits
from socialwork.progress import report_progress
from socialwork.task_options import task_options


@shared_task(bind=True, **task_options(timelimits.ANNUAL_REPORT))
def annual_report_generate(self, report_id: int) -> str:
    """Build an annual report's files, reporting progress chapter by chapter. A report already
    done is left alone; a failure is recorded on the report."""
    report = services.report_generate(
        report_id=report_id,
        progress=lambda current, total: report_progress(self, current=current, total=total),
    )
    return report.status


@shared_task(**task_options(timelimits.STALE_RECOVERY))
def annual_reports_recover() -> int:
    """Every few minutes (beat): queue again the reports a killed worker left running."""
    return services.annual_reports_recover()


@shared_task(**task_options(timelimits.DASHBOARD))
def dashboard_refresh(snapshot_id: int, user_id: int, year: int, town_id: int | None, language: str) -> None:
    """Compute one dashboard snapshot's figures (see `reports.models.DashboardSnapshot`)."""
    services.dashboard_refresh_now(
        snapshot_id=snapshot_id, user_id=user_id, year=year, town_id=town_id, language=language
    )
