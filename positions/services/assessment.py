"""Writes of the annual practice assessment: a district's scheme, or its city's default (criteria,
weights, grade rules with their pay consequence), and each subject's scores under the scheme that
applies in the subject's district. Each runs in one transaction and leaves an audit row."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from positions.models import (
    Assessment,
    AssessmentCriterion,
    AssessmentScheme,
    Grade,
    GradeRule,
    Position,
    ServiceUnit,
    SocialWorker,
)
from positions.selectors.assessment import may_edit_scheme, scheme_applying_to, subject_choices, subject_field
from socialwork.local_rules import rule_changed_notify, rule_of_model, rule_place
from socialwork.money import yuan
from socialwork.services import audit_record

HUNDRED = Decimal(100)
POINT = Decimal("0.01")
Source = AssessmentCriterion.Source
SUBJECT_TYPES = {
    AssessmentScheme.Subject.WORKER: SocialWorker,
    AssessmentScheme.Subject.INSTITUTION: ServiceUnit,
    AssessmentScheme.Subject.POSITION: Position,
}


def _decimal(value) -> Decimal | None:
    """A Decimal from an int, str or Decimal; None when it is empty or not a number."""
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _clean_criteria(criteria: Iterable) -> list[tuple[str, Decimal, str, Decimal | None]]:
    """Names present and distinct, weights positive, summing to exactly 100. A row is (name,
    weight) or (name, weight, source, full marks at): a criterion linked to a figure of the
    records names the figure and the positive value that earns full marks, or neither."""
    cleaned, errors = [], []
    for row in criteria:
        name, weight, source, full_marks_at = (*row, "", None)[:4]
        name, number = (name or "").strip(), _decimal(weight)
        source, full = source or "", _decimal(full_marks_at)
        if not name:
            errors.append(_("Every criterion needs a name."))
        elif number is None or number <= 0:
            errors.append(_("The weight of “%(name)s” must be a number above 0.") % {"name": name})
        elif number != number.quantize(POINT):
            errors.append(_("The weight of “%(name)s” has more than two decimal places.") % {"name": name})
        elif source not in Source.values and source:
            errors.append(_("“%(name)s” names a figure the records do not hold.") % {"name": name})
        elif source and (full is None or full <= 0):
            errors.append(
                _("“%(name)s” is pre-filled from a figure: say which value above 0 earns full marks.")
                % {"name": name}
            )
        elif not source and full_marks_at not in (None, ""):
            errors.append(
                _("“%(name)s” has full marks but no figure to pre-fill from; choose one or clear full marks.")
                % {"name": name}
            )
        elif full is not None and full != full.quantize(POINT):
            errors.append(_("Full marks of “%(name)s” have more than two decimal places.") % {"name": name})
        else:
            cleaned.append((name, number.quantize(POINT), source, full.quantize(POINT) if source else None))
    if errors:
        raise ValidationError({"criteria": errors})
    if not cleaned:
        raise ValidationError({"criteria": _("A scheme needs at least one criterion.")})
    names = [row[0] for row in cleaned]
    if duplicates := sorted({name for name in names if names.count(name) > 1}):
        raise ValidationError(
            {"criteria": _("Each criterion appears once: “%(names)s” is repeated.") % {"names": "”, “".join(duplicates)}}
        )  # fmt: skip
    total = sum(row[1] for row in cleaned)
    if total != HUNDRED:
        raise ValidationError(
            {"criteria": _("The weights add up to %(total)s%%; they must add up to exactly 100%%.") % {"total": total}}
        )  # fmt: skip
    return cleaned


def _clean_grade_rules(grade_rules: Iterable) -> list[tuple[str, Decimal, str, Decimal]]:
    """Each grade at most once, minimum scores from 0 to 100 falling strictly with the grade's
    order (excellent highest), and the lowest grade starting at 0 so that every score gets one."""
    order = list(Grade.values)
    cleaned, errors, seen = [], [], set()
    for grade, min_score, pay_consequence, pay_adjustment in grade_rules:
        if grade not in order:
            errors.append(_("“%(grade)s” is not a grade.") % {"grade": grade})
            continue
        label = Grade(grade).label
        if grade in seen:
            errors.append(_("The grade “%(grade)s” has more than one rule.") % {"grade": label})
            continue
        seen.add(grade)
        score = _decimal(min_score)
        if score is None or not (0 <= score <= HUNDRED):
            errors.append(_("The grade “%(grade)s” must start at a score from 0 to 100.") % {"grade": label})
            continue
        adjustment = _decimal(pay_adjustment if pay_adjustment not in (None, "") else 0)
        if adjustment is None:
            errors.append(
                _("The pay adjustment of “%(grade)s” must be an amount in yuan.") % {"grade": label}
            )
            continue
        cleaned.append((grade, score.quantize(POINT), (pay_consequence or "").strip(), yuan(adjustment)))
    if errors:
        raise ValidationError({"grade_rules": errors})
    if not cleaned:
        raise ValidationError({"grade_rules": _("A scheme needs at least one grade rule.")})
    cleaned.sort(key=lambda rule: order.index(rule[0]))
    for higher, lower in zip(cleaned, cleaned[1:], strict=False):
        if higher[1] <= lower[1]:
            raise ValidationError(
                {"grade_rules": _("“%(higher)s” must start at a higher score than “%(lower)s”.")
                 % {"higher": Grade(higher[0]).label, "lower": Grade(lower[0]).label}}
            )  # fmt: skip
    if cleaned[-1][1] != 0:
        raise ValidationError(
            {"grade_rules": _("The lowest grade, “%(grade)s”, must start at 0 so that every score gets a grade.")
             % {"grade": Grade(cleaned[-1][0]).label}}
        )  # fmt: skip
    return cleaned


def assessment_scheme_save(
    *,
    actor,
    scheme: AssessmentScheme | None = None,
    year: int,
    subject: str,
    title: str,
    criteria: list[tuple[str, Decimal]],
    grade_rules: list[tuple[str, Decimal, str, Decimal]],
) -> AssessmentScheme:
    """Create or change a year's scheme. Weights add up to 100; each grade has at most one rule;
    the grades' minimum scores fall with the grade and the lowest starts at 0. Once assessments
    are recorded under it, its criteria, their weights and who it assesses are fixed (the scores
    refer to them); its grade rules may still change, which leaves recorded grades and pay as
    they were."""
    title = (title or "").strip()
    errors = {}
    if not title:
        errors["title"] = [_("Give the scheme a title.")]
    if subject not in AssessmentScheme.Subject.values:
        errors["subject"] = [_("Choose who the scheme assesses.")]
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        errors["year"] = [_("Give a year between 2000 and 2100.")]
    try:
        criteria = _clean_criteria(criteria)
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        grade_rules = _clean_grade_rules(grade_rules)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        if scheme is None:
            # A new scheme is the author's place's own: their district's, or their city's default.
            scheme, action, before = (
                AssessmentScheme(region=rule_place(actor)),
                "assessment_scheme.create",
                {},
            )
        else:
            scheme = (
                AssessmentScheme.objects.select_for_update(of=("self",))
                .select_related("region")
                .get(pk=scheme.pk)
            )
            if not may_edit_scheme(actor, scheme):
                raise PermissionDenied(
                    _("This scheme is not your district's own; take your own copy to change it.")
                )
            action, before = "assessment_scheme.update", _snapshot(scheme)
        # Checked for a clear message; the unique constraint still guards a race.
        owner = {"region": scheme.region} if scheme.region_id else {"region__isnull": True}
        if (
            AssessmentScheme.objects.filter(year=year, subject=subject, **owner)
            .exclude(pk=scheme.pk)
            .exists()
        ):
            raise ValidationError(
                {"year": _("%(year)s already has a scheme of this kind (%(subject)s).")
                 % {"year": year, "subject": AssessmentScheme.Subject(subject).label}}
            )  # fmt: skip
        existing = list(scheme.criteria.order_by("pk")) if scheme.pk else []
        if scheme.pk and scheme.assessments.exists():
            if subject != scheme.subject:
                raise ValidationError(
                    {"subject": _("Assessments are recorded under this scheme, so who it assesses cannot change.")}
                )  # fmt: skip
            if [(c.name, c.weight) for c in existing] != [row[:2] for row in criteria]:
                raise ValidationError(
                    {"criteria": _("Assessments are recorded under this scheme, so its criteria and weights cannot change.")}
                )  # fmt: skip
        scheme.year, scheme.subject, scheme.title = year, subject, title
        scheme.save()
        # Criteria keep their ids where they can: scores are keyed by criterion id. Their links to
        # the records only suggest scores, so they may change after assessments are recorded.
        for index, (name, weight, source, full) in enumerate(criteria):
            if index < len(existing):
                criterion = existing[index]
                if (criterion.name, criterion.weight, criterion.source, criterion.full_marks_at) != (
                    name, weight, source, full,
                ):  # fmt: skip
                    criterion.name, criterion.weight = name, weight
                    criterion.source, criterion.full_marks_at = source, full
                    criterion.save(update_fields=["name", "weight", "source", "full_marks_at"])
            else:
                AssessmentCriterion.objects.create(
                    scheme=scheme, name=name, weight=weight, source=source, full_marks_at=full
                )
        AssessmentCriterion.objects.filter(pk__in=[c.pk for c in existing[len(criteria) :]]).delete()
        scheme.grade_rules.all().delete()
        GradeRule.objects.bulk_create(
            GradeRule(scheme=scheme, grade=g, min_score=m, pay_consequence=c, pay_adjustment=a)
            for g, m, c, a in grade_rules
        )
        after = _snapshot(scheme)
        changes = {key: [before.get(key), value] for key, value in after.items() if before.get(key) != value}
        audit_record(actor=actor, action=action, target=scheme, summary=str(scheme), changes=changes)
        # A city's default changed: the districts following it are told.
        for key in {(scheme.year, scheme.subject), (before.get("year"), before.get("subject"))}:
            if key[0] is not None:
                transaction.on_commit(
                    lambda key=key, region=scheme.region: rule_changed_notify(
                        rule=rule_of_model(AssessmentScheme), region=region, year=key[0], subject=key[1]
                    )
                )
    return scheme


def assessment_scheme_copy_parts(*, source_pk: int, copy: AssessmentScheme) -> None:
    """A district took its own copy of a scheme (socialwork.local_rules.rule_own): its criteria
    and grade rules are copied too, then changed on the scheme's form."""
    AssessmentCriterion.objects.bulk_create(
        AssessmentCriterion(
            scheme=copy, name=c.name, weight=c.weight, source=c.source, full_marks_at=c.full_marks_at
        )
        for c in AssessmentCriterion.objects.filter(scheme_id=source_pk).order_by("pk")
    )
    GradeRule.objects.bulk_create(
        GradeRule(
            scheme=copy,
            grade=r.grade,
            min_score=r.min_score,
            pay_consequence=r.pay_consequence,
            pay_adjustment=r.pay_adjustment,
        )
        for r in GradeRule.objects.filter(scheme_id=source_pk)
    )


def _snapshot(scheme: AssessmentScheme) -> dict:
    criteria = list(scheme.criteria.order_by("pk"))
    return {
        "region": str(scheme.region) if scheme.region_id else None,
        "year": scheme.year,
        "subject": scheme.subject,
        "title": scheme.title,
        "criteria": [[c.name, str(c.weight)] for c in criteria],
        "criterion_links": [[c.name, c.source, str(c.full_marks_at)] for c in criteria if c.source],
        "grade_rules": [
            [r.grade, str(r.min_score), r.pay_consequence, str(r.pay_adjustment)]
            for r in scheme.grade_rules.order_by("-min_score")
        ],
    }


def _clean_scores(criteria: list[AssessmentCriterion], scores: Mapping) -> dict[int, Decimal]:
    """One score from 0 to 100 for every criterion of the scheme, and none for anything else."""
    by_id = {criterion.pk: criterion for criterion in criteria}
    given, seen, errors = {}, set(), []
    for key, value in scores.items():
        criterion = by_id.get(_int_or_none(key))
        if criterion is None:
            errors.append(_("“%(key)s” is not a criterion of this scheme.") % {"key": key})
            continue
        seen.add(criterion.pk)
        score = _decimal(value)
        if score is None or not (0 <= score <= HUNDRED):
            errors.append(
                _("The score for “%(name)s” must be a number from 0 to 100.") % {"name": criterion.name}
            )
        elif score != score.quantize(POINT):
            errors.append(
                _("The score for “%(name)s” has more than two decimal places.") % {"name": criterion.name}
            )
        else:
            given[criterion.pk] = score.quantize(POINT)
    if missing := [criterion.name for criterion in criteria if criterion.pk not in seen]:
        errors.append(_("Give a score for “%(names)s”.") % {"names": "”, “".join(missing)})
    if errors:
        raise ValidationError({"scores": errors})
    return given


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def weighted_total(criteria: list[AssessmentCriterion], scores: Mapping[int, Decimal]) -> Decimal:
    """Σ score × weight / 100, rounded half up to two places."""
    total = sum((scores[c.pk] * c.weight / HUNDRED for c in criteria), Decimal(0))
    return total.quantize(POINT, rounding=ROUND_HALF_UP)


def grade_for(rules: Iterable[GradeRule], total: Decimal) -> GradeRule | None:
    """The rule with the highest minimum score at or below the total."""
    reached = [rule for rule in rules if rule.min_score <= total]
    return max(reached, key=lambda rule: rule.min_score, default=None)


@dataclass(frozen=True)
class Suggestion:
    """A score suggested for a criterion by the figure it is linked to; `score` is None when the
    records give no number (no login account, no open case to take a share of)."""

    criterion: AssessmentCriterion
    figure: object  # positions.selectors.evidence.Evidence
    score: Decimal | None


def suggested_score(*, value, full_marks_at: Decimal) -> Decimal | None:
    """value / full marks × 100, rounded half up to a whole score and capped at 100."""
    if value is None or not full_marks_at or full_marks_at <= 0:
        return None
    score = (Decimal(value) / full_marks_at * HUNDRED).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return min(HUNDRED, max(Decimal(0), score))


def score_suggestions(*, criteria: Iterable[AssessmentCriterion], figures: Iterable) -> dict[int, Suggestion]:
    """For each criterion linked to one of the figures, the figure and the score it suggests."""
    by_key = {figure.key: figure for figure in figures}
    return {
        criterion.pk: Suggestion(
            criterion=criterion,
            figure=by_key[criterion.source],
            score=suggested_score(
                value=by_key[criterion.source].number, full_marks_at=criterion.full_marks_at
            ),
        )
        for criterion in criteria
        if criterion.source and criterion.source in by_key
    }


def assessment_record(
    *,
    actor,
    scheme: AssessmentScheme,
    subject,
    scores: Mapping[int, Decimal],
    comment: str = "",
    prefilled: Mapping[int, Decimal] | None = None,
) -> Assessment:
    """Record one subject's scores under a scheme, or change them: the weighted total, the grade
    whose minimum score is the highest the total reaches, and that grade's pay consequence as
    the scheme states it today (kept as recorded when the rules change later). The subject is of
    the kind the scheme assesses and inside the actor's place; the actor is the assessor. The
    scores are what the assessor entered; `prefilled` gives the scores the form suggested from
    the records, and the audit row keeps them beside what was entered."""
    with transaction.atomic():
        # Locking the scheme keeps its criteria still while we score against them.
        scheme = AssessmentScheme.objects.select_for_update().get(pk=scheme.pk)
        kind = SUBJECT_TYPES[scheme.subject]
        if not isinstance(subject, kind):
            raise ValidationError(
                {"subject": _("Choose a subject of the kind this scheme assesses (%(kind)s).") % {"kind": scheme.get_subject_display()}}
            )  # fmt: skip
        if isinstance(subject, ServiceUnit) and subject.level == ServiceUnit.Level.POST:
            raise ValidationError(
                {"subject": _("A community service post is not assessed as an institution.")}
            )
        applying = scheme_applying_to(subject=subject, year=scheme.year, kind=scheme.subject, actor=actor)
        if applying is not None and applying.pk != scheme.pk:
            raise ValidationError(
                {"subject": _("%(subject)s is assessed under %(scheme)s, the scheme that applies in its district.")
                 % {"subject": subject, "scheme": applying}}
            )  # fmt: skip
        if not subject_choices(user=actor, scheme=scheme).filter(pk=subject.pk).exists():
            raise ValidationError({"subject": _("%(subject)s is outside your place in the network.") % {"subject": subject}})  # fmt: skip
        criteria = list(scheme.criteria.order_by("pk"))
        if not criteria:
            raise ValidationError(_("This scheme has no criteria yet."))
        given = _clean_scores(criteria, scores)
        total = weighted_total(criteria, given)
        rule = grade_for(scheme.grade_rules.all(), total)
        if rule is None:
            raise ValidationError(
                _(
                    "No grade of this scheme applies to a weighted score of %(total)s; fix its grade rules first."
                )
                % {"total": total}
            )
        field = subject_field(scheme)
        assessment = Assessment.objects.select_for_update().filter(scheme=scheme, **{field: subject}).first()
        if assessment is None:
            assessment, action, before = (
                Assessment(scheme=scheme, **{field: subject}),
                "assessment.create",
                {},
            )
        else:
            action = "assessment.update"
            before = {"total": str(assessment.total), "grade": assessment.grade, "scores": assessment.scores}
        assessment.scores = {str(criterion_id): str(score) for criterion_id, score in given.items()}
        assessment.total, assessment.grade = total, rule.grade
        assessment.pay_consequence, assessment.pay_adjustment = rule.pay_consequence, rule.pay_adjustment
        assessment.assessor, assessment.comment = actor, (comment or "").strip()
        assessment.save()
        after = {"total": str(total), "grade": rule.grade, "scores": assessment.scores}
        changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
        if suggested := {
            str(_int_or_none(pk)): str(_decimal(score).quantize(POINT))
            for pk, score in (prefilled or {}).items()
            if _int_or_none(pk) in given and _decimal(score) is not None
        }:
            # Suggested from the records → entered by the assessor, criterion by criterion.
            changes["prefilled"] = [suggested, {pk: assessment.scores[pk] for pk in suggested}]
        audit_record(
            actor=actor,
            action=action,
            target=assessment,
            summary=f"{scheme.year} {subject} {total} {rule.grade}",
            changes=changes,
        )
    return assessment
