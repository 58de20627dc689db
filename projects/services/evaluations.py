"""Writes of project evaluations (MZ/T 059 and the district's schemes): the scheme, assigning an
evaluation, scoring, the rectification list and the conclusion. Each runs in one transaction,
refuses a step the person may not take now (projects.selectors.evaluations.evaluation_actions,
the same answer the page and the API show), leaves an audit row, and tells the people concerned
(projects.notifications_evaluations). The project's timeline reads the records and the audit rows.
"""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from projects import notifications_evaluations as notify
from projects.models import (
    Call,
    Evaluation,
    EvaluationDomain,
    EvaluationIndicator,
    EvaluationScheme,
    IndicatorScore,
    Project,
    RectificationItem,
    SocialOrganization,
)
from projects.selectors import projects_visible_to
from projects.selectors.evaluations import (
    EVALUABLE,
    evaluation_actions,
    evaluator_candidates,
    grade_for,
    is_evaluator,
    scheme_for,
    scheme_loaded,
    score_sheet,
)
from socialwork.audit_actions import audit_action
from socialwork.services import apply_changes, audit_record

E = Evaluation.Status
R = RectificationItem.Status

audit_action("evaluation_scheme.create", gettext_lazy("Evaluation scheme created"))
audit_action("evaluation_scheme.change", gettext_lazy("Evaluation scheme changed"))
audit_action("evaluation.assign", gettext_lazy("Project evaluation assigned"))
audit_action("evaluation.score", gettext_lazy("Project evaluation scored"))
audit_action("evaluation.conclude", gettext_lazy("Project evaluation concluded"))
audit_action("rectification.add", gettext_lazy("Rectification item listed"))
audit_action("rectification.respond", gettext_lazy("Rectification item answered"))
audit_action("rectification.accept", gettext_lazy("Rectification response accepted"))
audit_action("rectification.return", gettext_lazy("Rectification response returned"))


def _decimal(value, *, field: str, message: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({field: message}) from None
    if not number.is_finite():
        raise ValidationError({field: message})
    return number


def _require_district(actor) -> None:
    if not (actor.is_district_wide and actor.has_perm("projects.change_project")):
        raise ValidationError(_("Only the district's project administrators can do this."))


def _require(actor, evaluation: Evaluation, action: str) -> None:
    if action not in evaluation_actions(actor, evaluation):
        raise ValidationError(_("You cannot do this to this evaluation now."))


def _locked(evaluation: Evaluation) -> Evaluation:
    return (
        Evaluation.objects.select_for_update(of=("self",))
        .select_related("project", "scheme", "evaluating_organization")
        .prefetch_related("evaluators")
        .get(pk=evaluation.pk)
    )


# Schemes


def scheme_save(
    *,
    actor,
    scheme: EvaluationScheme | None = None,
    title: str,
    call: Call | None = None,
    year: int | None = None,
    excellent_from=90,
    good_from=80,
    fair_from=60,
    satisfaction_calls: bool = False,
    phone_sample_size: int = 50,
    site_sample_size: int = 10,
    domains: list[dict],
) -> EvaluationScheme:
    """Create or edit a scheme (the district). Its domains' weights sum to exactly 100; each
    domain holds at least one indicator with a full score above 0; the thresholds rise from fair
    to good to excellent. Once an evaluation has scored against a scheme, its domains and
    indicators stay as they are (a score names its indicator); its title and thresholds may
    still change only before any evaluation concluded on it."""
    _require_district(actor)
    domains = [domain for domain in domains if (domain.get("name") or "").strip()]
    if not domains:
        raise ValidationError({"domains": _("Add at least one indicator domain.")})
    total = Decimal(0)
    for number, domain in enumerate(domains, start=1):
        weight = _decimal(
            domain.get("weight"), field="domains", message=_("Enter the weight of each domain as a number.")
        )
        if weight <= 0:
            raise ValidationError({"domains": _("Each domain's weight must be above 0.")})
        domain["weight"] = weight
        total += weight
        indicators = [i for i in domain.get("indicators") or [] if (i.get("name") or "").strip()]
        if not indicators:
            raise ValidationError(
                {"domains": _("The domain %(domain)s has no indicator.") % {"domain": domain["name"]}}
            )
        for indicator in indicators:
            full = _decimal(
                indicator.get("full_score"),
                field="domains",
                message=_("Enter each indicator's full score as a number."),
            )
            if full <= 0:
                raise ValidationError({"domains": _("Each indicator's full score must be above 0.")})
            indicator["full_score"] = full
        domain["indicators"] = indicators
        domain["position"] = number
    if total != 100:
        raise ValidationError(
            {
                "domains": _("The domains' weights must add up to 100; they add up to %(total)s.")
                % {"total": total}
            }
        )
    with transaction.atomic():
        if scheme is not None:
            scheme = EvaluationScheme.objects.select_for_update().get(pk=scheme.pk)
            if scheme.evaluations.filter(status=E.CONCLUDED).exists():
                raise ValidationError(
                    _("An evaluation has concluded on this scheme: it can no longer change.")
                )
        fields = {
            "title": (title or "").strip(), "call": call, "year": year if call is None else (year or call.year),
            "excellent_from": excellent_from, "good_from": good_from, "fair_from": fair_from,
            "satisfaction_calls": satisfaction_calls, "phone_sample_size": phone_sample_size,
            "site_sample_size": site_sample_size,
        }  # fmt: skip
        obj = scheme or EvaluationScheme(created_by=actor)
        diff = apply_changes(obj, fields)
        obj.full_clean()
        obj.save()
        structure = [
            (d["name"].strip(), d["weight"], [(i["name"].strip(), i["full_score"], (i.get("guidance") or "").strip()) for i in d["indicators"]])
            for d in domains
        ]  # fmt: skip
        before = [
            (d.name, d.weight, [(i.name, i.full_score, i.guidance) for i in d.indicators.all()])
            for d in obj.domains.prefetch_related("indicators").order_by("position", "pk")
        ]
        if structure != before:
            if IndicatorScore.objects.filter(indicator__domain__scheme=obj).exists():
                raise ValidationError(
                    {
                        "domains": _(
                            "Evaluations have scored against these indicators: they can no longer change."
                        )
                    }
                )
            obj.domains.all().delete()
            for position, (name, weight, indicators) in enumerate(structure, start=1):
                domain = EvaluationDomain.objects.create(
                    scheme=obj, name=name, weight=weight, position=position
                )
                EvaluationIndicator.objects.bulk_create(
                    EvaluationIndicator(domain=domain, name=n, full_score=f, guidance=g, position=p)
                    for p, (n, f, g) in enumerate(indicators, start=1)
                )
            diff["domains"] = [str(len(before)), str(len(structure))]
        audit_record(
            actor=actor,
            action="evaluation_scheme.create" if scheme is None else "evaluation_scheme.change",
            target=obj,
            summary=obj.title,
            changes=diff,
        )
    return obj


# Assigning


def evaluation_assign(
    *,
    actor,
    project: Project,
    stage: str,
    evaluating_organization: SocialOrganization | None = None,
    evaluators=(),
    due_on: date | None = None,
    scheme: EvaluationScheme | None = None,
) -> Evaluation:
    """The district assigns a mid-term or final evaluation of a contracted, running or
    under-acceptance project, to itself (no organization) or to a third-party evaluation
    organization and some of its evaluators (people with the evaluator role whose organization it
    is). The scheme is the project's call's, else its year's. The evaluators are told."""
    _require_district(actor)
    if stage not in Evaluation.Stage.values:
        raise ValidationError({"stage": _("Choose a mid-term or a final evaluation.")})
    with transaction.atomic():
        if not projects_visible_to(user=actor).filter(pk=project.pk).exists():
            raise ValidationError(_("This project is outside what you can see."))
        project = Project.objects.select_for_update(of=("self",)).select_related("call").get(pk=project.pk)
        if project.status not in EVALUABLE:
            raise ValidationError(
                _("Only a contracted, running or under-acceptance project can be evaluated.")
            )
        if Evaluation.objects.filter(project=project, stage=stage).exists():
            raise ValidationError({"stage": _("This project already has an evaluation of this stage.")})
        scheme = scheme or scheme_for(project)
        if scheme is None:
            raise ValidationError(
                _("There is no evaluation scheme for this project's call or year yet; set one first.")
            )
        evaluators = list(evaluators)
        if evaluating_organization is not None:
            if evaluating_organization.pk in (project.organization_id, project.provider_id):
                raise ValidationError(
                    {"evaluating_organization": _("An organization cannot evaluate its own project.")}
                )
            if not evaluators:
                raise ValidationError({"evaluators": _("Choose at least one evaluator of the organization.")})
            allowed = set(
                evaluator_candidates(organization=evaluating_organization).values_list("pk", flat=True)
            )
            if any(person.pk not in allowed for person in evaluators):
                raise ValidationError(
                    {"evaluators": _("Each evaluator must hold the evaluator role in that organization.")}
                )
        elif any(not is_evaluator(person) and not person.is_district_wide for person in evaluators):
            raise ValidationError({"evaluators": _("Each evaluator must hold the evaluator role.")})
        evaluation = Evaluation(
            project=project, scheme=scheme, stage=stage, evaluating_organization=evaluating_organization,
            due_on=due_on, assigned_by=actor,
        )  # fmt: skip
        evaluation.full_clean()
        evaluation.save()
        evaluation.evaluators.set(evaluators)
        audit_record(
            actor=actor,
            action="evaluation.assign",
            target=evaluation,
            summary=f"{evaluation} → {evaluating_organization or _('the district')}",
            changes={"evaluators": [None, ", ".join(p.username for p in evaluators)]},
        )
        notify.evaluation_assigned(actor=actor, evaluation=evaluation, evaluators=evaluators)
    return evaluation


# Scoring


def evaluation_score(
    *, actor, evaluation: Evaluation, scores: dict, findings: str | None = None
) -> Evaluation:
    """The evaluator records scores of indicators ({indicator id: (score, comment)}), each from 0
    to its full score, and the findings. The total is the sum over domains of weight × (the
    domain's scored / its full score) and the grade follows the scheme's thresholds; both are
    kept as the scores stand."""
    with transaction.atomic():
        evaluation = _locked(evaluation)
        _require(actor, evaluation, "score")
        scheme = scheme_loaded(evaluation.scheme_id)
        indicators = {i.pk: i for d in scheme.domains.all() for i in d.indicators.all()}
        existing = {s.indicator_id: s for s in evaluation.scores.all()}
        changed = {}
        for key, (value, comment) in scores.items():
            indicator = indicators.get(int(key))
            if indicator is None:
                raise ValidationError({"scores": _("That indicator is not in this evaluation's scheme.")})
            if value in (None, ""):
                continue
            score = _decimal(value, field="scores", message=_("Enter each score as a number."))
            if not 0 <= score <= indicator.full_score:
                raise ValidationError(
                    {"scores": _("The score of %(indicator)s must be from 0 to %(full)s.")
                     % {"indicator": indicator.name, "full": indicator.full_score}}
                )  # fmt: skip
            comment = (comment or "").strip()
            row = existing.get(indicator.pk)
            if row is None:
                row = IndicatorScore.objects.create(
                    evaluation=evaluation, indicator=indicator, score=score, comment=comment, scored_by=actor
                )
                existing[indicator.pk] = row
                changed[indicator.name] = [None, str(score)]
            elif row.score != score or row.comment != comment:
                changed[indicator.name] = [str(row.score), str(score)]
                row.score, row.comment, row.scored_by = score, comment, actor
                row.save(update_fields=["score", "comment", "scored_by", "scored_at"])
        _results, total, _complete = score_sheet(scheme=scheme, scores=existing.values())
        fields = {"score": total, "grade": grade_for(scheme=scheme, score=total)}
        if findings is not None:
            fields["findings"] = findings.strip()
        if evaluation.status == E.ASSIGNED:
            fields["status"] = E.SCORING
        changed.update(apply_changes(evaluation, fields))
        evaluation.save()
        audit_record(
            actor=actor, action="evaluation.score", target=evaluation, summary=f"{total} {evaluation.grade}",
            changes=changed,
        )  # fmt: skip
    return evaluation


# The rectification list


def rectification_add(
    *, actor, evaluation: Evaluation, problem: str, required: str, due_on: date
) -> RectificationItem:
    """The evaluator lists a problem the provider must put right by a day (today or later); the
    provider's staff are told. The evaluation waits on rectification until every item is accepted."""
    with transaction.atomic():
        evaluation = _locked(evaluation)
        _require(actor, evaluation, "rectification_add")
        if not (problem or "").strip() or not (required or "").strip():
            raise ValidationError(_("Describe the problem and what must be done."))
        if due_on is None or due_on < timezone.localdate():
            raise ValidationError({"due_on": _("The deadline cannot be in the past.")})
        item = RectificationItem.objects.create(
            evaluation=evaluation, problem=problem.strip(), required=required.strip(), due_on=due_on,
            created_by=actor,
        )  # fmt: skip
        if evaluation.status != E.RECTIFYING:
            evaluation.status = E.RECTIFYING
            evaluation.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=actor, action="rectification.add", target=item, summary=f"{item.required[:80]} {due_on}"
        )
        notify.rectification_requested(actor=actor, item=item)
    return item


def rectification_respond(*, actor, item: RectificationItem, response: str) -> RectificationItem:
    """The provider's staff say what they did about an open or returned item; the evaluators are told."""
    with transaction.atomic():
        item = RectificationItem.objects.select_for_update().get(pk=item.pk)
        evaluation = _locked(item.evaluation)
        _require(actor, evaluation, "rectification_respond")
        if item.status not in (R.OPEN, R.RETURNED):
            raise ValidationError(_("This item is not waiting for your response."))
        if not (response or "").strip():
            raise ValidationError({"response": _("Say what was done.")})
        item.response, item.status = response.strip(), R.RESPONDED
        item.responded_at, item.responded_by = timezone.now(), actor
        item.save(update_fields=["response", "status", "responded_at", "responded_by", "updated_at"])
        audit_record(actor=actor, action="rectification.respond", target=item, summary=item.response[:80])
        item.evaluation = evaluation
        notify.rectification_responded(actor=actor, item=item)
    return item


def rectification_review(
    *, actor, item: RectificationItem, accept: bool, reason: str = ""
) -> RectificationItem:
    """The evaluator accepts a response or returns it with a reason (the provider is told). Once
    every item is accepted the evaluation is back to scoring, ready to conclude."""
    with transaction.atomic():
        item = RectificationItem.objects.select_for_update().get(pk=item.pk)
        evaluation = _locked(item.evaluation)
        _require(actor, evaluation, "rectification_review")
        if item.status != R.RESPONDED:
            raise ValidationError(_("Only a response can be accepted or returned."))
        reason = (reason or "").strip()
        if not accept and not reason:
            raise ValidationError({"reason": _("Say why the response is returned.")})
        item.status = R.ACCEPTED if accept else R.RETURNED
        item.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=actor, action="rectification.accept" if accept else "rectification.return", target=item,
            summary=reason,
        )  # fmt: skip
        if accept and not evaluation.rectifications.exclude(status=R.ACCEPTED).exists():
            evaluation.status = E.SCORING
            evaluation.save(update_fields=["status", "updated_at"])
        item.evaluation = evaluation
        notify.rectification_reviewed(actor=actor, item=item, reason=reason)
    return item


# The conclusion


def evaluation_conclude(*, actor, evaluation: Evaluation, conclusion: str) -> Evaluation:
    """The evaluator (the district for its own evaluation) concludes: every indicator scored,
    every rectification item accepted. The score and grade are fixed; the provider's staff and
    the district are told."""
    with transaction.atomic():
        evaluation = _locked(evaluation)
        _require(actor, evaluation, "conclude")
        scheme = scheme_loaded(evaluation.scheme_id)
        _results, total, complete = score_sheet(scheme=scheme, scores=evaluation.scores.all())
        if not complete:
            raise ValidationError(_("Score every indicator before concluding."))
        if evaluation.rectifications.exclude(status=R.ACCEPTED).exists():
            raise ValidationError(_("Every rectification item must be accepted before concluding."))
        if not (conclusion or "").strip():
            raise ValidationError({"conclusion": _("Write the conclusion.")})
        changes = apply_changes(
            evaluation,
            {
                "score": total, "grade": grade_for(scheme=scheme, score=total), "conclusion": conclusion.strip(),
                "status": E.CONCLUDED, "concluded_on": timezone.localdate(),
            },
        )  # fmt: skip
        evaluation.save()
        audit_record(
            actor=actor, action="evaluation.conclude", target=evaluation,
            summary=f"{total} {evaluation.get_grade_display()}", changes=changes,
        )  # fmt: skip
        notify.evaluation_concluded(actor=actor, evaluation=evaluation)
    return evaluation
