"""Background tasks of the positions app. Thin: ids in, one service, safe to run twice."""

from datetime import date

from celery import shared_task
from django.contrib.auth import get_user_model

from positions.services import allowance as allowance_services
from socialwork import timelimits
from socialwork.progress import report_progress
from socialwork.task_options import task_options


@shared_task(bind=True, **task_options(timelimits.ALLOWANCE_ROLL))
def allowance_roll_generate_task(self, month: str, actor_id: int) -> int:
    """Generate a month's allowance roll (`month` an ISO date). Running it twice gives the same
    roll: the service rebuilds a draft under a lock and refuses a closed one."""
    actor = get_user_model().objects.filter(pk=actor_id).first()
    report_progress(self, current=0, total=1)
    roll = allowance_services.allowance_roll_generate(actor=actor, month=date.fromisoformat(month))
    return roll.pk


@shared_task(**task_options(timelimits.STALE_RECOVERY))
def allowance_roll_runs_recover() -> int:
    """Every few minutes (beat): generate again the rolls a killed worker left running."""
    return allowance_services.allowance_roll_runs_recover()
