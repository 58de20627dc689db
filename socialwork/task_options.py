"""The options every task that writes to the database is declared with, in one place."""

from django.db import OperationalError

from .timelimits import Limits


def task_options(limits: Limits, *, retry_on: tuple[type[Exception], ...] = (OperationalError,)) -> dict:
    """Acked late and given to another worker if its own dies (the broker's visibility timeout is
    drawn from the same limits), stopped at its time limits, and retried with back-off, three
    times, when the database drops the connection: `@shared_task(**task_options(ANNUAL_REPORT))`."""
    return {
        "acks_late": True,
        "reject_on_worker_lost": True,
        "soft_time_limit": limits.soft,
        "time_limit": limits.hard,
        "autoretry_for": retry_on,
        "retry_backoff": True,
        "max_retries": 3,
    }
