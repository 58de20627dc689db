"""Background tasks of the positions app. Thin: ids in, one service, safe to run twice."""

from datetime import date

from celery import shared_task
from django.contrib.auth import get_user_model

from positions.services import allowance as allowance_services
from socialwork import timelimits
from socialwork.progress import report_progress
from socialwork.task_options import task_options


@shared_task(bind=True, **task_options(timelimits.ALLOWANCE_ROLL))
def allowance_roll_generate_task(self, month: str, actor_id: int, region_id: int | None = None) -> int:
    """Generate a district's allowance roll of a month (`month` an ISO date). Running it twice
    gives the same roll: the service rebuilds a draft under a lock and refuses a closed one."""
    from positions.models import Region

    actor = get_user_model().objects.filter(pk=actor_id).first()
    region = Region.objects.filter(pk=region_id).first() if region_id else None
    report_progress(self, current=0, total=1)
    roll = allowance_services.allowance_roll_generate(
        actor=actor, month=date.fromisoformat(month), region=region
    )
    return roll.pk


@shared_task(**task_options(timelimits.STALE_RECOVERY))
def allowance_roll_runs_recover() -> int:
    """Every few minutes (beat): generate again the rolls a killed worker left running."""
    return allowance_services.allowance_roll_runs_recover()
