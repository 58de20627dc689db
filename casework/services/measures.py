"""Casework to MZ/T 094 and referrals with deadlines.

A plan's goal carries a measure taken before the work and after it (a scale score or a 1–10
rating); at closing each goal is stated reached, partly or not, with its evidence. A referral
expects an answer by a date and a result by another, the district's days unless given.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework import workflow
from casework.models import Case, CaseworkPolicy, Closing, PlanGoal, Referral
from casework.models.common import Approval
from casework.selectors import cases_visible_to
from socialwork.services import apply_changes, audit_record

MEASURE_KEYS = (
    "measure",
    "measure_kind",
    "direction",
    "before_value",
    "before_on",
    "after_value",
    "after_on",
)
RATING_RANGE = (Decimal(0), Decimal(10))


def _value_check(value, kind: str, field: str) -> None:
    if value is None:
        return
    if kind == PlanGoal.MeasureKind.RATING and not RATING_RANGE[0] <= Decimal(value) <= RATING_RANGE[1]:
        raise ValidationError({field: _("A rating runs from 0 to 10.")})
    if Decimal(value) < 0:
        raise ValidationError({field: _("A score cannot be negative.")})


def measure_check(goal: dict) -> None:
    """A goal's measure as typed: a value needs the measure's name, its kind and its date; a
    rating runs from 0 to 10; no date in the future; the after measure not before the before."""
    name = (goal.get("measure") or "").strip()
    kind = goal.get("measure_kind") or ""
    today = timezone.localdate()
    for phase in ("before", "after"):
        value, day = goal.get(f"{phase}_value"), goal.get(f"{phase}_on")
        if value is None:
            continue
        if not name or kind not in PlanGoal.MeasureKind.values:
            raise ValidationError({"goals": _("A measured goal needs the measure's name and kind.")})
        if day is None:
            raise ValidationError({f"{phase}_on": _("Give the date the measure was taken.")})
        if day > today:
            raise ValidationError({f"{phase}_on": _("This date is in the future.")})
        _value_check(value, kind, f"{phase}_value")
    if goal.get("direction") and goal["direction"] not in PlanGoal.Direction.values:
        raise ValidationError({"direction": _("Choose whether higher or lower is better.")})
    if kind == PlanGoal.MeasureKind.SCORE and name and not goal.get("direction"):
        raise ValidationError({"direction": _("Say whether a higher or a lower score is better.")})
    before_on, after_on = goal.get("before_on"), goal.get("after_on")
    if goal.get("after_value") is not None and before_on and after_on and after_on < before_on:
        raise ValidationError({"after_on": _("The measure after cannot come before the measure before.")})


def measure_fields(goal: dict) -> dict:
    """The measure's fields of a goal as typed, for PlanGoal(**...)."""
    fields = {key: goal.get(key) for key in MEASURE_KEYS if goal.get(key) not in (None, "")}
    fields["measure"] = (fields.get("measure") or "").strip()
    if not fields["measure"]:
        return {}
    if fields.get("measure_kind") == PlanGoal.MeasureKind.RATING:
        fields.setdefault("direction", PlanGoal.Direction.HIGHER)
    return fields


def goal_measure_record(
    *, actor, goal: PlanGoal, phase: str, value: Decimal, measured_on: date, measure: str = "",
    measure_kind: str = "", direction: str = "",
) -> PlanGoal:  # fmt: skip
    """Record a goal's measure taken before (`phase` "before") or after ("after") the work, on a
    plan of an open case, by the case's team. A goal without a measure yet takes the measure's
    name and kind given here. The after measure needs the before one and cannot come before it."""
    if phase not in ("before", "after"):
        raise ValidationError({"phase": _("Say whether the measure was taken before or after.")})
    if value is None or measured_on is None:
        raise ValidationError({"value": _("Give the value and the date it was taken.")})
    with transaction.atomic():
        if not cases_visible_to(user=actor).filter(pk=goal.plan.case_id).exists():
            raise ValidationError(_("This case is outside what you can see."))
        case = Case.objects.select_for_update(of=("self",)).get(pk=goal.plan.case_id)
        workflow.require(actor, case, "goal_measure")
        goal = PlanGoal.objects.select_for_update().get(pk=goal.pk)
        typed = {key: getattr(goal, key) for key in MEASURE_KEYS}
        if not goal.measure:
            typed.update(measure=(measure or "").strip(), measure_kind=measure_kind, direction=direction)
        if phase == "after" and goal.before_value is None:
            raise ValidationError({"phase": _("Record the measure before the work first.")})
        typed[f"{phase}_value"], typed[f"{phase}_on"] = Decimal(value), measured_on
        measure_check(typed)
        fields = measure_fields(typed)
        diff = apply_changes(goal, {key: fields.get(key, getattr(goal, key)) for key in MEASURE_KEYS})
        goal.save()
        action = "goal.measure_before" if phase == "before" else "goal.measure_after"
        audit_record(actor=actor, action=action, target=case, summary=str(case), changes=diff)
    return goal


def goal_outcomes_apply(*, case: Case, reason: str, goal_outcomes: list[dict]) -> None:
    """State each goal of the case's approved plan reached, partly or not, with its evidence
    (called by closing_request inside its transaction, the case locked). With the reason "goals
    reached" every goal of the plan needs its statement; evidence is asked for every goal stated
    reached or partly."""
    plan = case.plans.filter(status=Approval.APPROVED).order_by("-version").first()
    if plan is None:
        if goal_outcomes:
            raise ValidationError({"goal_outcomes": _("The case has no approved plan whose goals to state.")})
        return
    goals = {goal.pk: goal for goal in plan.goals.all()}
    stated = {}
    for row in goal_outcomes:
        goal = row.get("goal")
        goal_pk = getattr(goal, "pk", goal)
        if goal_pk not in goals:
            raise ValidationError({"goal_outcomes": _("A goal named is not one of the approved plan's.")})
        outcome, evidence = row.get("outcome") or "", (row.get("evidence") or "").strip()
        if outcome and outcome not in PlanGoal.Outcome.values:
            raise ValidationError({"goal_outcomes": _("Say whether each goal was reached, partly or not.")})
        if outcome in (PlanGoal.Outcome.REACHED, PlanGoal.Outcome.PARTLY) and not evidence:
            raise ValidationError(
                {
                    "goal_outcomes": _("Give the evidence for “%(goal)s”.")
                    % {"goal": goals[goal_pk].description}
                }
            )
        stated[goal_pk] = (outcome, evidence)
    if reason == Closing.Reason.GOALS_REACHED:
        missing = [goal.description for pk, goal in goals.items() if not stated.get(pk, ("",))[0]]
        if missing:
            raise ValidationError(
                {
                    "goal_outcomes": _("Say whether each goal was reached: %(goals)s")
                    % {"goals": "; ".join(missing)}
                }
            )
    for pk, (outcome, evidence) in stated.items():
        goal = goals[pk]
        goal.outcome, goal.evidence = outcome, evidence
        goal.reached = None if not outcome else outcome == PlanGoal.Outcome.REACHED
        goal.save(update_fields=["outcome", "evidence", "reached"])


def referral_deadlines(*, place, referred_on: date, answer_by=None, outcome_by=None) -> tuple[date, date]:
    """The answer and result dates of a new referral: as given, else the referral's day plus the
    days of the district at `place` (the case's station's region). Neither may come before the
    referral; the result not before the answer."""
    policy = CaseworkPolicy.at(place)
    answer_by = answer_by or referred_on + timedelta(days=policy.referral_answer_days)
    outcome_by = outcome_by or referred_on + timedelta(days=policy.referral_outcome_days)
    if answer_by < referred_on:
        raise ValidationError({"answer_by": _("This date cannot come before the referral was made.")})
    if outcome_by < answer_by:
        raise ValidationError({"outcome_by": _("The result cannot be expected before the answer.")})
    return answer_by, outcome_by


def referral_answered_on(referral: Referral, *, status: str, answered_on=None, concluded_on=None):
    """The day the receiver answered: kept once set; set when the status first moves from
    "requested" (the day given, today, or the conclusion's day if that is earlier); none when the
    referral is "requested" again."""
    if status == Referral.Status.REQUESTED:
        return None
    if referral.answered_on and answered_on is None:
        return referral.answered_on
    day = answered_on or timezone.localdate()
    if concluded_on and concluded_on < day:
        day = concluded_on
    if day < referral.referred_on:
        raise ValidationError({"answered_on": _("An answer cannot come before the referral was made.")})
    if day > timezone.localdate():
        raise ValidationError({"answered_on": _("This date is in the future.")})
    return day
