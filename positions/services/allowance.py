"""Writes of the monthly qualification allowance: policies and monthly rolls. Each runs in one
transaction and leaves an audit row.

A roll's lines are snapshots (level and amount as they were on the first of the month), so a
policy changed later never alters a roll; a closed roll is never changed again.
"""

import logging
from datetime import date, datetime, timedelta
from decimal import Decimal
from uuid import UUID, uuid4

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerError

from positions.models import AllowanceLine, AllowancePolicy, AllowanceRoll, AllowanceRollRun
from positions.selectors.allowance import allowance_amounts_on, workers_eligible_on
from positions.workflow import actions_for
from socialwork import timelimits
from socialwork.actions import action_require
from socialwork.local_rules import rule_changed_notify, rule_of_model, rule_own, rule_place, rules_for
from socialwork.money import yuan
from socialwork.progress import PROGRESS
from socialwork.services import audit_record

logger = logging.getLogger(__name__)


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def roll_district(*, actor, region=None):
    """The district whose roll a person generates: the one named (inside their place), else their
    own; a city administrator names one. None on an installation without regions."""
    from positions.models import Region
    from positions.selectors.network import installation_district

    place = rule_place(actor) if actor is not None else None
    if region is None:
        region = place if place is not None else installation_district()
        if region is not None and region.is_above_district:
            raise ValidationError({"region": _("Choose the district whose roll to generate.")})
        return region
    if region.level not in Region.DISTRICT_LEVELS and region.depth > 1:
        raise ValidationError({"region": _("A roll is a district's: choose a district.")})
    if place is not None and not region.path.startswith(place.path):
        raise ValidationError({"region": _("This district is outside your place.")})
    return region


def _check_month_open(*, month: date, region=None) -> None:
    """A roll can be generated for a month that has begun and is not closed."""
    if month > first_of_month(timezone.localdate()):
        raise ValidationError(
            {
                "month": _("The roll for %(month)s can be generated from its first day on.")
                % {"month": f"{month:%Y-%m}"}
            }
        )
    if AllowanceRoll.objects.filter(month=month, region=region, status=AllowanceRoll.Status.CLOSED).exists():
        raise ValidationError({"month": _closed_message(month)})


def _closed_message(month: date) -> str:
    return _("The roll for %(month)s is closed and cannot be generated again.") % {"month": f"{month:%Y-%m}"}


def allowance_policy_create(
    *, actor, level: str, monthly_amount: Decimal, effective_from: date, region=None
) -> AllowancePolicy:
    """Set the monthly amount for a certificate level from a date on, in a region's table (the
    person's own place unless given: a district's own, or a city's default). A district that
    followed its city's table takes its own first, starting from the city's amounts. Rolls already
    generated keep their amounts; a draft roll takes the new amount when it is generated again.
    The districts following a city's changed table are told."""
    if monthly_amount is None or monthly_amount < 0:
        raise ValidationError({"monthly_amount": _("Enter an amount of zero or more.")})
    region = region if region is not None else rule_place(actor)
    rule = rule_of_model(AllowancePolicy)
    with transaction.atomic():
        own = region is None or AllowancePolicy.objects.filter(region=region).exists()
        if not own and rules_for(AllowancePolicy, region):
            rule_own(actor=actor, rule=rule, region=region)
        if AllowancePolicy.objects.filter(region=region, level=level, effective_from=effective_from).exists():
            raise ValidationError(
                {"effective_from": _("There is already an amount for this level from this date.")}
            )
        policy = AllowancePolicy(
            region=region, level=level, monthly_amount=yuan(monthly_amount), effective_from=effective_from
        )
        policy.full_clean()
        policy.save()
        audit_record(
            actor=actor,
            action="allowance_policy.create",
            target=policy,
            summary=f"{policy} · {region}" if region else str(policy),
            changes={"monthly_amount": [None, str(policy.monthly_amount)]},
        )
        transaction.on_commit(lambda: rule_changed_notify(rule=rule, region=region))
    return policy


def _roll_of(month: date, *, region=None, lock: bool = False) -> AllowanceRoll:
    """The district's roll of the month, or an unsaved one when it has not been generated yet."""
    rolls = AllowanceRoll.objects.select_for_update() if lock else AllowanceRoll.objects
    return rolls.filter(month=month, region=region).first() or AllowanceRoll(month=month, region=region)


def allowance_roll_generate(*, actor, month: date, region=None) -> AllowanceRoll:
    """Create a district's roll of a month, or rebuild a draft one: a line for every worker
    eligible on the first of the month (active, certified, registered, holding one of the
    district's posts) at the amount for their level then in the district's table (its own, else
    its city's). The district is the person's own unless named (a city administrator names one).
    Generating twice gives the same lines. A closed roll is refused and left as it was.
    The month typed is checked first (the form's field), then the declared action `generate`."""
    month = first_of_month(month)
    region = roll_district(actor=actor, region=region)
    with transaction.atomic():
        _check_month_open(month=month, region=region)
        action_require(actions_for(actor, _roll_of(month, region=region, lock=True)), "generate")
        roll, created = AllowanceRoll.objects.select_for_update().get_or_create(month=month, region=region)
        if roll.status == AllowanceRoll.Status.CLOSED:  # closed since the check, by someone else
            raise ValidationError({"month": _closed_message(month)})
        before = {"total": str(roll.total), "worker_count": roll.worker_count}
        amounts = allowance_amounts_on(day=month, place=region)
        lines = [
            AllowanceLine(
                roll=roll,
                worker=worker,
                level=worker.certificate_level,
                amount=amounts[worker.certificate_level],
                unit_name=worker.unit_name or "",
            )
            for worker in workers_eligible_on(day=month, district=region)
            if worker.certificate_level in amounts
        ]
        roll.lines.all().delete()
        AllowanceLine.objects.bulk_create(lines)
        roll.total = yuan(sum((line.amount for line in lines), Decimal(0)))
        roll.worker_count = len(lines)
        roll.generated_at = timezone.now()
        roll.save(update_fields=["total", "worker_count", "generated_at", "updated_at"])
        after = {"total": str(roll.total), "worker_count": roll.worker_count}
        audit_record(
            actor=actor,
            action="allowance_roll.generate",
            target=roll,
            summary=f"{roll}: {roll.worker_count} · {roll.total}",
            changes={key: [None if created else before[key], after[key]] for key in after},
        )
    return roll


def allowance_roll_schedule(*, actor, month: date, region=None) -> str:
    """Check that a district's roll of a month may be generated and generate it in the background
    once the current transaction commits. Returns the task id, for the page to follow its progress."""
    from positions.tasks import allowance_roll_generate_task

    month = first_of_month(month)
    region = roll_district(actor=actor, region=region)
    _check_month_open(month=month, region=region)
    action_require(actions_for(actor, _roll_of(month, region=region)), "generate")
    run = AllowanceRollRun.objects.create(id=uuid4(), month=month, region=region, requested_by=actor)
    task_id = str(run.id)
    args = [month.isoformat(), actor.pk, region.pk if region else None]

    def send() -> None:
        try:
            allowance_roll_generate_task.apply_async(args=args, task_id=task_id)
        except BrokerError as error:  # the page says so instead of promising a roll that never comes
            logger.error("Allowance roll %s could not be queued: %s", month, error)
            raise ValidationError(
                _("The background service is unavailable; try again in a few minutes.")
            ) from error

    transaction.on_commit(send)
    return task_id


def allowance_roll_runs_recover(*, now: datetime | None = None) -> int:
    """Recover the generations a dead worker left "running": their row in the results backend
    (which the rolls page follows) says started or in progress, longer ago than the generation's
    hard time limit, so no live worker is still on it. A generation writes the roll in one
    transaction, so a killed one left nothing half done: it is sent again under the same task id,
    with the month and the person its `AllowanceRollRun` keeps, and the page following it sees it
    finish. One that cannot be queued is marked failed, which the page shows. Safe to run twice:
    rows are locked, a locked one is left to whoever holds it. Returns how many were recovered."""
    from celery import states
    from django_celery_results.models import TaskResult

    from positions.tasks import allowance_roll_generate_task as task

    cutoff = (now or timezone.now()) - timedelta(seconds=timelimits.ALLOWANCE_ROLL.hard)
    with transaction.atomic():
        running = {
            result.task_id: result
            for result in TaskResult.objects.select_for_update(skip_locked=True).filter(
                Q(date_started__lt=cutoff) | Q(date_started__isnull=True, date_created__lt=cutoff),
                status__in=[states.STARTED, PROGRESS],
            )
        }
        runs = AllowanceRollRun.objects.filter(
            id__in=[_uuid(task_id) for task_id in running if _uuid(task_id)]
        )
        stale = [(running[str(run.id)], run) for run in runs]
        for result, run in stale:
            args = [run.month.isoformat(), run.requested_by_id, run.region_id]
            TaskResult.objects.filter(pk=result.pk).update(status=states.PENDING, date_started=None)
            transaction.on_commit(lambda result=result, args=args: _send_again(task, result.task_id, args))
            logger.warning("Allowance roll generation %s stopped with its worker; sent again", result.task_id)
    return len(stale)


def _uuid(task_id: str) -> UUID | None:
    try:
        return UUID(task_id)
    except ValueError:  # a task of another kind, under an id of its own making
        return None


def _mark_stopped(task, task_id: str) -> None:
    from billiard.exceptions import WorkerLostError

    message = _("The worker generating this roll stopped before it was done; generate the month again.")
    task.backend.mark_as_failure(task_id, WorkerLostError(message))


def _send_again(task, task_id: str, args: list) -> None:
    try:
        task.apply_async(args=args, task_id=task_id)
    except BrokerError:
        logger.exception("Allowance roll generation %s could not be sent again", task_id)
        _mark_stopped(task, task_id)


def allowance_roll_close(*, actor, roll: AllowanceRoll) -> AllowanceRoll:
    """Close a month's generated draft roll (the declared action `close`, the district's): from
    then on it is never generated again nor changed."""
    with transaction.atomic():
        roll = AllowanceRoll.objects.select_for_update().get(pk=roll.pk)
        action_require(actions_for(actor, roll), "close")
        roll.status = AllowanceRoll.Status.CLOSED
        roll.closed_at = timezone.now()
        roll.closed_by = actor
        roll.save(update_fields=["status", "closed_at", "closed_by", "updated_at"])
        audit_record(
            actor=actor,
            action="allowance_roll.close",
            target=roll,
            summary=f"{roll}: {roll.worker_count} · {roll.total}",
            changes={"status": [AllowanceRoll.Status.DRAFT, AllowanceRoll.Status.CLOSED]},
        )
    return roll
