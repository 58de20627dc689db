"""Background tasks of the positions app. Thin: ids in, one service, safe to run twice."""

from datetime import date

from celery import shared_task
from django.contrib.auth import get_user_model
from django.db import OperationalError

from positions.services import allowance as allowance_services
from socialwork import timelimits
from socialwork.progress import report_progress


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=timelimits.ALLOWANCE_ROLL.soft,
    time_limit=timelimits.ALLOWANCE_ROLL.hard,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def allowance_roll_generate_task(self, month: str, actor_id: int) -> int:
    """Generate a month's allowance roll (`month` an ISO date). Running it twice gives the same
    roll: the service rebuilds a draft under a lock and refuses a closed one."""
    actor = get_user_model().objects.filter(pk=actor_id).first()
    report_progress(self, current=0, total=1)
    roll = allowance_services.allowance_roll_generate(actor=actor, month=date.fromisoformat(month))
    return roll.pk


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=timelimits.STALE_RECOVERY.soft,
    time_limit=timelimits.STALE_RECOVERY.hard,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def allowance_roll_runs_recover() -> int:
    """Every few minutes (beat): generate again the rolls a killed worker left running."""
    return allowance_services.allowance_roll_runs_recover()
