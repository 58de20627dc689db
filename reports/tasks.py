"""Background tasks of the reports app. Thin: ids in, one service, safe to run twice."""

from celery import shared_task
from django.db import OperationalError

from reports import services
from socialwork.progress import report_progress


@shared_task(
    bind=True,
    acks_late=True,
    soft_time_limit=15 * 60,
    time_limit=16 * 60,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def annual_report_generate(self, report_id: int) -> str:
    """Build an annual report's files, reporting progress chapter by chapter. A report already
    done is left alone; a failure is recorded on the report."""
    report = services.report_generate(
        report_id=report_id,
        progress=lambda current, total: report_progress(self, current=current, total=total),
    )
    return report.status
