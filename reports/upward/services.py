"""Writes of statistical returns: fill from the records, review, submit, return, approve (which
locks the period), reopen; the city's own return; the check of locked periods.

Every step is one transaction that locks the return, checks who may take it (`selectors`) and its
state, saves, writes a step on the return's timeline and a row in the audit log, and tells the
people it concerns: the city's administrators of a submission and of a flagged change, the
district's of a return, an approval or a reopening.
"""

from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from positions.models import Region
from positions.selectors.network import districts_under
from reports import notifications
from reports.models import StatisticalFlag, StatisticalForm, StatisticalReturn, StatisticalReturnStep
from socialwork.actions import ActionNotAllowed
from socialwork.roles import Role
from socialwork.services import audit_record, notification_send

from . import figures, selectors

Status = StatisticalReturn.Status
Step = StatisticalReturnStep.Action
FIRST_YEAR = 2000


# Forms ----------------------------------------------------------------------------------------


def form_define(*, actor, owner: Region, name: str, period: str, figure_keys: list[str]) -> StatisticalForm:
    """A city's or province's administrators define a report form for their districts, with at
    least one figure of the registry."""
    if (
        owner is None
        or not selectors.may_define_forms(user=actor)
        or (actor.region_id and actor.region_id != owner.pk)
    ):
        raise ActionNotAllowed(_("Only the city's or the province's administrators define report forms."))
    errors = {}
    if not name.strip():
        errors["name"] = _("Give the form a name.")
    if period not in StatisticalForm.Period.values:
        errors["period"] = _("Choose yearly or quarterly.")
    unknown = [key for key in figure_keys if key not in figures.FIGURES]
    if not figure_keys or unknown:
        errors["figures"] = _("Choose the figures the form asks for.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if StatisticalForm.objects.filter(owner=owner, name=name.strip()).exists():
            raise ValidationError({"name": _("This place already has a report form of this name.")})
        form = StatisticalForm.objects.create(
            owner=owner,
            name=name.strip(),
            period=period,
            figures=list(dict.fromkeys(figure_keys)),
            created_by=actor,
        )
        audit_record(actor=actor, action="statistical_form.define", target=form, summary=form.name)
    return form


# Filling --------------------------------------------------------------------------------------


def _step(statistical_return, *, actor, action: str, comment: str = "") -> None:
    StatisticalReturnStep.objects.create(
        statistical_return=statistical_return, actor=actor, action=action, comment=comment
    )
    if actor is not None:
        audit_record(
            actor=actor,
            action=f"statistical_return.{action}",
            target=statistical_return,
            summary=str(statistical_return),
        )


def _records_now(statistical_return: StatisticalReturn) -> dict[str, int | str]:
    """What the records give for each figure: a district's own records, or for the city's own
    return the sum of its districts' approved values."""
    keys = statistical_return.form.figures
    if not statistical_return.is_rollup:
        return figures.compute(
            keys, statistical_return.region, statistical_return.period_start, statistical_return.period_end
        )
    totals = dict.fromkeys(keys, Decimal(0))
    approved = StatisticalReturn.objects.filter(
        form=statistical_return.form,
        period_start=statistical_return.period_start,
        region__in=districts_under(statistical_return.form.owner),
        status=Status.APPROVED,
    )
    for district_return in approved:
        for key in keys:
            entry = district_return.figures.get(key)
            if entry is not None:
                totals[key] += Decimal(str(entry["value"]))
    return {key: figures.as_stored(key, value) for key, value in totals.items()}


def _refill(statistical_return: StatisticalReturn) -> None:
    """Read the figures again; a figure the district corrected keeps its value and reason."""
    now = _records_now(statistical_return)
    kept = statistical_return.figures or {}
    snapshot = {}
    for key, value in now.items():
        entry = kept.get(key, {})
        corrected = bool(entry.get("reason"))
        snapshot[key] = {
            "computed": value,
            "value": entry["value"] if corrected else value,
            "reason": entry.get("reason", "") if corrected else "",
            "note": entry.get("note", ""),
        }
    statistical_return.figures = snapshot
    statistical_return.filled_at = timezone.now()


def return_prepare(
    *, actor, form: StatisticalForm, region: Region, year: int, quarter: int | None = None
) -> StatisticalReturn:
    """Start a place's return of a period, filled from its records (the district's own, or for the
    city its districts' approved returns); an existing return is given back as it is."""
    probe = StatisticalReturn(form=form, region=region)
    if region is None or not selectors.may_fill(user=actor, statistical_return=probe):
        raise ActionNotAllowed(_("Only the place's own administrators fill its return."))
    try:
        start, end = selectors.period_of(form, year, quarter)
    except ValueError:
        raise ValidationError({"quarter": _("Choose a quarter from 1 to 4.")}) from None
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        raise ValidationError(
            {"year": _("Choose a year from %(first)s to this year.") % {"first": FIRST_YEAR}}
        )
    if region.pk != form.owner_id and not districts_under(form.owner).filter(pk=region.pk).exists():
        raise ValidationError({"region": _("This place does not report on this form.")})
    probe.period_start, probe.period_end = start, end
    with transaction.atomic():
        existing = StatisticalReturn.objects.filter(form=form, region=region, period_start=start).first()
        if existing is not None:
            return existing
        _refill(probe)
        try:
            with transaction.atomic():
                probe.save()
        except IntegrityError:  # someone else started it at the same moment
            return StatisticalReturn.objects.get(form=form, region=region, period_start=start)
        _step(probe, actor=actor, action=Step.FILL)
    return probe


def _locked(statistical_return: StatisticalReturn, version: int | None) -> StatisticalReturn:
    """The return locked for this transaction; a ValidationError when someone saved it since."""
    locked = (
        StatisticalReturn.objects.select_for_update()
        .select_related("form__owner", "region")
        .get(pk=statistical_return.pk)
    )
    if version is not None and locked.version != version:
        raise ValidationError(
            {
                "version": _(
                    "Someone changed this return since you opened it. Open it again and repeat your change."
                )
            }
        )
    return locked


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise ActionNotAllowed(message)


def _saved(statistical_return: StatisticalReturn, **fields) -> StatisticalReturn:
    for name, value in fields.items():
        setattr(statistical_return, name, value)
    statistical_return.version += 1
    statistical_return.save()
    return statistical_return


def return_fill(
    *, actor, statistical_return: StatisticalReturn, version: int | None = None
) -> StatisticalReturn:
    """Read an editable return's figures again from the records; the district's corrections stay."""
    with transaction.atomic():
        r = _locked(statistical_return, version)
        _require(
            selectors.may_fill(user=actor, statistical_return=r),
            _("Only the place's own administrators fill its return."),
        )
        _require(r.is_editable, _("A submitted or approved return is not filled again."))
        _refill(r)
        _saved(r)
        _step(r, actor=actor, action=Step.FILL)
    return r


def return_figures_save(
    *, actor, statistical_return: StatisticalReturn, version: int | None, entries: dict[str, dict]
) -> StatisticalReturn:
    """The district's review: for each figure, the value it reports and a note. A value other than
    the records' needs a reason; both the records' value and the reason stay on the return, and
    each change is a step on its timeline. `entries` maps a figure's key to {"value", "reason",
    "note"}; a figure left out is left as it is."""
    with transaction.atomic():
        r = _locked(statistical_return, version)
        _require(
            selectors.may_fill(user=actor, statistical_return=r),
            _("Only the place's own administrators fill its return."),
        )
        _require(
            r.is_editable, _("A submitted or approved return cannot be changed; the city may reopen it.")
        )
        errors, snapshot, changes = {}, {key: dict(entry) for key, entry in r.figures.items()}, []
        for key, given in entries.items():
            if key not in snapshot:
                errors[key] = _("This figure is not on the form.")
                continue
            entry = snapshot[key]
            try:
                value = figures.parse(key, given.get("value", entry["value"]))
            except (ValueError, ArithmeticError):
                errors[key] = _("Enter a number of zero or more.")
                continue
            reason = str(given.get("reason", "")).strip()
            if str(value) != str(entry["computed"]) and not reason:
                errors[key] = _("The records give %(computed)s: say why you report another figure.") % {
                    "computed": entry["computed"]
                }
                continue
            if str(value) == str(entry["computed"]):
                reason = ""
            if str(value) != str(entry["value"]) or reason != entry.get("reason", ""):
                change = {"figure": figures.FIGURES[key].label, "computed": entry["computed"], "value": value}
                if reason:
                    changes.append(
                        _("%(figure)s: the records give %(computed)s, reported %(value)s: %(reason)s")
                        % {**change, "reason": reason}
                    )
                else:
                    changes.append(_("%(figure)s: %(value)s, as the records give") % change)
            entry.update(
                value=value, reason=reason, note=str(given.get("note", entry.get("note", ""))).strip()[:500]
            )
        if errors:
            raise ValidationError(errors)
        _saved(r, figures=snapshot)
        for change in changes:
            _step(r, actor=actor, action=Step.CORRECT, comment=change)
    return r


# Review ---------------------------------------------------------------------------------------

User = get_user_model()


def _administrators_of(region: Region | None):
    if region is None:
        return User.objects.none()
    return User.objects.filter(is_active=True, region=region, groups__name=Role.DISTRICT_ADMIN).distinct()


def _reviewers_of(statistical_return: StatisticalReturn):
    """Who reviews a return: the form owner's administrators; for the city's own return, the
    administrators of the place above it (none when the city is the top of the tree)."""
    if statistical_return.is_rollup:
        region = statistical_return.region
        above = region.path[: -Region.steplen]
        return _administrators_of(Region.objects.filter(path=above).first() if above else None)
    return _administrators_of(statistical_return.form.owner)


def _tell(
    people, statistical_return: StatisticalReturn, *, kind: str, key: str, title: str, body: str = ""
) -> None:
    for person in people:
        with translation.override(person.language):
            notification_send(
                user=person,
                kind=kind,
                key=f"{key}:{person.pk}",
                title=title,
                body=body,
                url=statistical_return.get_absolute_url(),
            )


def _title(message: str, statistical_return: StatisticalReturn) -> str:
    return message % {"return": str(statistical_return)}


def return_submit(
    *, actor, statistical_return: StatisticalReturn, version: int | None = None
) -> StatisticalReturn:
    """The place submits its reviewed return upward. The city's own return only once every
    district's return of the period is approved, its figures summed again at that moment; with
    no province above, the city's submission is final."""
    with transaction.atomic():
        r = _locked(statistical_return, version)
        _require(
            selectors.may_fill(user=actor, statistical_return=r),
            _("Only the place's own administrators submit its return."),
        )
        _require(r.is_editable, _("This return is not open to submission now."))
        if r.is_rollup:
            missing = selectors.rollup_missing(form=r.form, start=r.period_start)
            if missing:
                raise ValidationError(
                    _("Every district's return must be approved first; still waiting for: %(districts)s.")
                    % {"districts": "、".join(district.name for district in missing)}
                )
            _refill(r)
        _saved(r, status=Status.SUBMITTED, submitted_at=timezone.now())
        _step(r, actor=actor, action=Step.SUBMIT)
        _tell(
            _reviewers_of(r), r, kind=notifications.RETURN_SUBMITTED, key=f"upward-submit:{r.pk}:{r.version}",
            title=_title(_("Statistical return submitted: %(return)s"), r),
        )  # fmt: skip
    return r


def return_send_back(
    *, actor, statistical_return: StatisticalReturn, comment: str, version: int | None = None
) -> StatisticalReturn:
    """The city returns a submitted return to its place, saying why."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Say what the district should correct.")})
    return _review(actor, statistical_return, version, status=Status.RETURNED, step=Step.RETURN, comment=comment,
                   needs=Status.SUBMITTED, title=_("Statistical return returned: %(return)s"))  # fmt: skip


def return_approve(
    *, actor, statistical_return: StatisticalReturn, comment: str = "", version: int | None = None
) -> StatisticalReturn:
    """The city approves a submitted return: its period is locked, and later changes to its records
    are flagged (`flags_check`) until the city reopens it."""
    return _review(actor, statistical_return, version, status=Status.APPROVED, step=Step.APPROVE,
                   comment=(comment or "").strip(), needs=Status.SUBMITTED,
                   title=_("Statistical return approved and locked: %(return)s"))  # fmt: skip


def return_reopen(
    *, actor, statistical_return: StatisticalReturn, reason: str, version: int | None = None
) -> StatisticalReturn:
    """The city reopens an approved return so its place can correct and submit it again; the
    flags on it are closed (the new submission carries the records as they are)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the return is reopened.")})
    return _review(actor, statistical_return, version, status=Status.REOPENED, step=Step.REOPEN, comment=reason,
                   needs=Status.APPROVED, title=_("Statistical return reopened: %(return)s"))  # fmt: skip


def _review(actor, statistical_return, version, *, status, step, comment, needs, title) -> StatisticalReturn:
    with transaction.atomic():
        r = _locked(statistical_return, version)
        _require(
            selectors.may_review(user=actor, statistical_return=r),
            _("Only the administrators above this place review its return."),
        )
        if r.status != needs:
            raise ActionNotAllowed(
                _("Only a submitted return can be returned or approved.")
                if needs == Status.SUBMITTED
                else _("Only an approved return can be reopened.")
            )
        now = timezone.now()
        _saved(r, status=status, approved_at=now if status == Status.APPROVED else r.approved_at)
        r.flags.filter(closed_at__isnull=True).update(closed_at=now)
        _step(r, actor=actor, action=step, comment=comment)
        _tell(_administrators_of(r.region), r, kind=notifications.RETURN_DECIDED, key=f"upward-{step}:{r.pk}:{r.version}",
              title=_title(title, r), body=comment)  # fmt: skip
    return r


# Locked periods -------------------------------------------------------------------------------


def flags_check(*, today: date | None = None) -> int:
    """Read every locked district return's figures again and record a flag for each figure the
    records no longer bear out, telling the city's administrators once per change (a figure that
    changes again is a new flag). Safe to run twice. Returns the flags recorded."""
    recorded = 0
    locked = StatisticalReturn.objects.filter(status=Status.APPROVED).select_related("form__owner", "region")
    for statistical_return in locked:
        if statistical_return.is_rollup:
            continue
        for difference in selectors.differences(statistical_return=statistical_return):
            with transaction.atomic():
                r = (
                    StatisticalReturn.objects.select_for_update()
                    .select_related("form__owner", "region")
                    .get(pk=statistical_return.pk)
                )
                if r.status != Status.APPROVED:
                    continue
                flag, created = StatisticalFlag.objects.get_or_create(
                    statistical_return=r, figure=difference.key, found=str(difference.now), closed_at=None,
                    defaults={"approved": str(difference.approved)},
                )  # fmt: skip
                if not created:
                    continue
                recorded += 1
                comment = _("%(figure)s: approved %(approved)s, records now say %(now)s") % {
                    "figure": difference.label, "approved": difference.approved, "now": difference.now,
                }  # fmt: skip
                _step(r, actor=None, action=Step.FLAG, comment=comment)
                _tell(_administrators_of(r.form.owner), r, kind=notifications.RETURN_FLAGGED,
                      key=f"upward-flag:{flag.pk}", title=_title(_("Records changed in a locked period: %(return)s"), r),
                      body=comment)  # fmt: skip
    return recorded
