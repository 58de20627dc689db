"""Follow-ups after closing (结案回访) with their satisfaction questionnaire, and the samples of
closed cases an evaluation draws for satisfaction calls and visits.

- When a case's closing is approved, a follow-up after closing is planned for the case's worker,
  CaseworkPolicy.follow_up_after_days later (`follow_up_after_closing_plan`, from closing_decide).
- Recording a follow-up done (`follow_up_record`) fills the questionnaire: every question asked
  now answered from 1 to 5, or none (the client would not answer); each answer keeps the wording
  it was asked in, the follow-up its average.
- An evaluation whose scheme asks for satisfaction calls draws, per station with closed cases of
  its project, up to phone_sample_size cases to call and site_sample_size to visit, at random with
  a recorded seed (`evaluation_sample_draw`); drawing again needs a reason. Its evaluators see the
  sampled clients' names and phones masked until they ask, each sight audited
  (`sampled_client_reveal`), and record each call or visit (`sampled_call_record`).
"""

import random
import secrets
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework import workflow
from casework.masking import mask_phone
from casework.models import (
    Case,
    CaseworkPolicy,
    EvaluationSample,
    FollowUp,
    SampledCase,
    SatisfactionAnswer,
)
from casework.selectors import is_evaluation_evaluator, sample_role, satisfaction_questions
from casework.services.cases import _locked_case, _not_in_future
from casework.services.versions import version_raise
from socialwork.actions import ActionNotAllowed
from socialwork.services import audit_record

Method = FollowUp.Method
SAMPLE_METHOD = (
    "random.Random(seed:station id).sample of the station's closed cases of the project, by id; "
    "the first phone_sample_size by phone, the next site_sample_size on site"
)


def follow_up_after_closing_plan(*, actor, case: Case) -> FollowUp:
    """Plan the follow-up after closing of a case just closed (inside closing_decide's
    transaction): due CaseworkPolicy.follow_up_after_days after today, for the case's worker."""
    days = CaseworkPolicy.at(case.station.region).follow_up_after_days
    follow_up = FollowUp.objects.create(
        case=case, kind=FollowUp.Kind.AFTER_CLOSING, due_on=timezone.localdate() + timedelta(days=days),
        purpose=_("Follow-up after closing: satisfaction and how the client is doing"), author=actor,
    )  # fmt: skip
    audit_record(actor=actor, action="follow_up.schedule", target=case, summary=str(case))
    return follow_up


def _answers_checked(answers: dict | None) -> list:
    """(question, score) for each question asked now, or [] when none was answered. `answers`
    maps a question (or its pk) to a score from 1 to 5."""
    scores = {getattr(q, "pk", q): s for q, s in (answers or {}).items() if s not in (None, "")}
    if not scores:
        return []
    questions = satisfaction_questions()
    missing = [q for q in questions if q.pk not in scores]
    if missing or set(scores) - {q.pk for q in questions}:
        raise ValidationError(
            {"answers": _("Answer every question, or none if the client would not answer.")}
        )
    checked = []
    for question in questions:
        try:
            score = int(scores[question.pk])
        except (TypeError, ValueError):
            score = 0
        if not 1 <= score <= 5:
            raise ValidationError({"answers": _("Answer each question from 1 to 5.")})
        checked.append((question, score))
    return checked


def _answers_save(follow_up: FollowUp, answers: list) -> None:
    """Each answer with the question's wording as asked, so a later edit rewrites no answer."""
    SatisfactionAnswer.objects.bulk_create(
        SatisfactionAnswer(follow_up=follow_up, question=q, wording=q.text, order=q.order, score=s)
        for q, s in answers
    )


def _questionnaire_fill(follow_up: FollowUp, answers: list, comment: str) -> None:
    follow_up.comment = comment
    follow_up.satisfaction_average = (
        (Decimal(sum(s for _q, s in answers)) / len(answers)).quantize(Decimal("0.01"), ROUND_HALF_UP)
        if answers
        else None
    )


def follow_up_record(
    *, actor, follow_up: FollowUp, done_on: date, result: str, method: str = "", answers: dict | None = None,
    comment: str = "",
) -> FollowUp:  # fmt: skip
    """Record a follow-up done: how (by phone or at home), what was found and, after closing, the
    client's answers to the questionnaire (all or none) and their comment. The case team records
    it (casework.workflow follow_up_done)."""
    result = (result or "").strip()
    if not result:
        raise ValidationError({"result": _("Write what the follow-up found.")})
    _not_in_future(done_on, "done_on")
    with transaction.atomic():
        case = _locked_case(actor=actor, case=follow_up.case)
        follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
        if follow_up.done_on is not None:
            raise ValidationError(_("This follow-up is already done."))
        workflow.require(actor, case, "follow_up_done")
        after = follow_up.kind == FollowUp.Kind.AFTER_CLOSING
        if method and method not in Method.values:
            raise ValidationError({"method": _("Choose a phone call or a home visit.")})
        if after and not method:
            raise ValidationError({"method": _("Say whether the client was called or visited.")})
        checked = _answers_checked(answers) if after else []
        if done_on < case.intake_on:
            raise ValidationError({"done_on": _("A follow-up cannot fall before the intake date.")})
        follow_up.done_on, follow_up.result, follow_up.done_by, follow_up.method = (
            done_on,
            result,
            actor,
            method,
        )
        _questionnaire_fill(follow_up, checked, (comment or "").strip())
        version_raise(follow_up)
        follow_up.save()
        _answers_save(follow_up, checked)
        audit_record(actor=actor, action="follow_up.done", target=case, summary=str(case))
    return follow_up


def follow_up_amend(
    *, actor, follow_up: FollowUp, done_on: date | None = None, result: str | None = None
) -> FollowUp:
    """Change the day or the result of a follow-up already recorded (a choice made on a conflicting
    edit, casework.services.conflicts): the case team, as for recording it."""
    with transaction.atomic():
        case = _locked_case(actor=actor, case=follow_up.case)
        follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
        if follow_up.done_on is None:
            raise ValidationError(_("This follow-up is not recorded yet."))
        # Who records a follow-up (casework.workflow follow_up_done, the case's team) corrects it;
        # the step itself asks for a follow-up still open, which this one no longer is.
        if not workflow.roles_of(actor, case) & workflow.CASE_TEAM:
            raise ActionNotAllowed(_("Only the case's worker or its station manager can do this."))
        changed = []
        if done_on is not None and done_on != follow_up.done_on:
            _not_in_future(done_on, "done_on")
            if done_on < case.intake_on:
                raise ValidationError({"done_on": _("A follow-up cannot fall before the intake date.")})
            follow_up.done_on = done_on
            changed.append("done_on")
        if result is not None and result.strip() != follow_up.result:
            if not result.strip():
                raise ValidationError({"result": _("Write what the follow-up found.")})
            follow_up.result = result.strip()
            changed.append("result")
        if changed:
            follow_up.save(update_fields=[*changed, "updated_at", *version_raise(follow_up)])
            audit_record(
                actor=actor, action="follow_up.amend", target=case, summary=str(case),
                changes={"follow_up": follow_up.pk, "fields": changed},
            )  # fmt: skip
    return follow_up


# Evaluation samples


def _closed_cases_by_station(project) -> dict[int, list[int]]:
    by_station: dict[int, list[int]] = {}
    rows = (
        Case.objects.filter(project=project, status=Case.Status.CLOSED, removed_at__isnull=True)
        .order_by("station_id", "pk")
        .values_list("station_id", "pk")
    )
    for station, pk in rows:
        by_station.setdefault(station, []).append(pk)
    return by_station


def sample_draw_picks(*, seed: str, by_station: dict[int, list[int]], phone: int, site: int):
    """The draw itself, repeatable from its seed: (station, case, method, position) for each case
    picked. Anyone holding the seed and the list of closed cases gets the same sample."""
    for station, pks in sorted(by_station.items()):
        rng = random.Random(f"{seed}:{station}")
        picked = rng.sample(sorted(pks), min(len(pks), phone + site))
        for position, pk in enumerate(picked):
            method = Method.PHONE if position < phone else Method.VISIT
            yield station, pk, method, position if method == Method.PHONE else position - phone


def evaluation_sample_draw(*, actor, evaluation, reason: str = "", seed: str = "") -> EvaluationSample:
    """Draw the evaluation's sample of closed cases for satisfaction calls and visits. The district
    or an evaluator assigned to it draws, once its scheme asks for satisfaction calls and while it
    is not concluded; drawing again replaces the sample only with a reason (the earlier sample and
    its calls are kept, no longer current). Audited with the seed."""
    from projects.models import Evaluation

    reason = (reason or "").strip()
    with transaction.atomic():
        evaluation = (
            Evaluation.objects.select_for_update().select_related("scheme", "project").get(pk=evaluation.pk)
        )
        if not sample_role(user=actor, evaluation=evaluation):
            raise ValidationError(_("Only the district or the evaluation's evaluators draw its sample."))
        if not evaluation.scheme.satisfaction_calls:
            raise ValidationError(_("This evaluation's scheme asks for no satisfaction calls."))
        if evaluation.status == Evaluation.Status.CONCLUDED:
            raise ValidationError(_("This evaluation is concluded."))
        before = (
            EvaluationSample.objects.select_for_update().filter(evaluation=evaluation, current=True).first()
        )
        if before is not None:
            if not reason:
                raise ValidationError(
                    {"reason": _("The sample is already drawn: say why it is drawn again.")}
                )
            before.current = False
            before.save(update_fields=["current", "updated_at"])
        by_station = _closed_cases_by_station(evaluation.project)
        if not by_station:
            raise ValidationError(_("The project has no closed cases to sample."))
        seed = seed or secrets.token_hex(8)
        sample = EvaluationSample.objects.create(
            evaluation=evaluation, seed=seed, method=SAMPLE_METHOD, reason=reason, drawn_by=actor
        )
        picks = sample_draw_picks(
            seed=seed, by_station=by_station, phone=evaluation.scheme.phone_sample_size,
            site=evaluation.scheme.site_sample_size,
        )  # fmt: skip
        SampledCase.objects.bulk_create(
            SampledCase(sample=sample, station_id=station, case_id=pk, method=method, position=position)
            for station, pk, method, position in picks
        )
        drawn = sample.cases.count()
        audit_record(
            actor=actor, action="evaluation_sample.redraw" if before else "evaluation_sample.draw",
            target=evaluation, summary=str(evaluation),
            changes={"seed": [before.seed if before else "", seed], "cases": ["", str(drawn)],
                     "reason": ["", reason]},
        )  # fmt: skip
    return sample


def _sampled_for_evaluator(actor, sampled: SampledCase) -> SampledCase:
    sampled = SampledCase.objects.select_related("sample__evaluation", "case").get(pk=sampled.pk)
    evaluation = sampled.sample.evaluation
    if not (sampled.sample.current and is_evaluation_evaluator(user=actor, evaluation=evaluation)):
        raise ValidationError(_("Only the evaluation's evaluators reach its sampled clients."))
    return sampled


def sampled_client(sampled: SampledCase):
    """The client an evaluator calls: the case's primary client (or its first)."""
    link = sampled.case.case_clients.select_related("client").order_by("-primary", "pk").first()
    return link.client if link else None


def mask_name(name: str) -> str:
    """张*明: the first character, the rest hidden but the last of three or more."""
    name = name or ""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def sampled_client_reveal(*, actor, sampled: SampledCase) -> dict:
    """The sampled client's name and phone in full, for an evaluator assigned to the evaluation
    about to call; each sight is an audit row."""
    with transaction.atomic():
        sampled = _sampled_for_evaluator(actor, sampled)
        client = sampled_client(sampled)
        audit_record(
            actor=actor, action="evaluation_sample.reveal", target=client, summary=sampled.case.number
        )
    return {"name": client.name if client else "", "phone": (client.phone or "") if client else ""}


def sampled_client_masked(sampled: SampledCase) -> dict:
    client = next(iter(sampled.case.case_clients.all()), None)
    return {
        "name": mask_name(client.client.name) if client else "",
        "phone": mask_phone(client.client.phone) if client else "",
    }


def sampled_call_record(
    *, actor, sampled: SampledCase, done_on: date, result: str, answers: dict | None = None, comment: str = "",
) -> FollowUp:  # fmt: skip
    """An evaluator records the call or visit of a sampled case: a follow-up of kind sampled on the
    case, done, with the questionnaire (all or none). Once per sampled case."""
    result = (result or "").strip()
    if not result:
        raise ValidationError({"result": _("Write what the call or visit found.")})
    _not_in_future(done_on, "done_on")
    checked = _answers_checked(answers)
    with transaction.atomic():
        sampled = _sampled_for_evaluator(actor, sampled)
        sampled = SampledCase.objects.select_for_update().select_related("case").get(pk=sampled.pk)
        if sampled.follow_up_id is not None:
            raise ValidationError(_("This sampled case is already recorded."))
        follow_up = FollowUp(
            case=sampled.case, kind=FollowUp.Kind.SAMPLED, method=sampled.method, due_on=done_on,
            purpose=_("Sampled satisfaction call of an evaluation"), done_on=done_on, result=result,
            author=actor, done_by=actor,
        )  # fmt: skip
        _questionnaire_fill(follow_up, checked, (comment or "").strip())
        follow_up.save()
        _answers_save(follow_up, checked)
        sampled.follow_up = follow_up
        sampled.save(update_fields=["follow_up"])
        audit_record(
            actor=actor, action="evaluation_sample.call", target=sampled.case, summary=str(sampled.case)
        )
    return follow_up
