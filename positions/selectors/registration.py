"""Reads of registration and continuing education: each period's hours ledger, whether a
registration can be renewed now, and who may record hours or renew, scoped as the workforce is.

The ledger of a period counts the hours credited for the district's training sessions the worker
attended on a day within the period (training.Enrolment.hours_credited), and the hours of outside
training held within it, once checked (OutsideTraining). What a period requires is the policy
table's figure for the worker's certificate level (RegistrationHoursPolicy).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from positions.models import (
    OutsideTraining,
    RegistrationHoursPolicy,
    RegistrationPeriod,
    ServiceUnit,
    SocialWorker,
)
from positions.selectors.workforce import active_appointments, worker_scope
from socialwork.local_rules import RuleTable
from socialwork.roles import Role

REGISTRATION_YEARS = 3  # a registration is valid three years
RENEWAL_OPENS_MONTHS = 3  # renewal opens three months before expiry
REMINDER_MONTHS = (6, 3, 1)  # hours short: the worker and their station hear at these points
ZERO = Decimal(0)


def period_end(starts_on: date) -> date:
    """The last day of a registration period starting on `starts_on`: three years less a day."""
    return starts_on + relativedelta(years=REGISTRATION_YEARS) - timedelta(days=1)


def renewal_opens_on(period: RegistrationPeriod) -> date:
    return period.ends_on - relativedelta(months=RENEWAL_OPENS_MONTHS)


def _known_path(worker: SocialWorker) -> str | None:
    """The worker's unit's region path when already loaded with the worker (no query), else None."""
    unit = worker._state.fields_cache.get("employer_unit")
    if unit is None or "region" not in unit._state.fields_cache:
        return None
    return unit.region.path


def hours_required(worker_ids, paths: dict | None = None) -> dict[int, dict[str, Decimal]]:
    """The hours a period requires per certificate level, for each worker: from the table of their
    unit's district (its own figures, else its city's default; a worker without a unit the
    installation's). Two queries whatever the number of workers."""
    table = RuleTable(RegistrationHoursPolicy)
    if paths is None:
        paths = dict(
            SocialWorker.objects.filter(pk__in=worker_ids).values_list("pk", "employer_unit__region__path")
        )
    root = min((row.region.path for row in table.rows if row.region_id), key=len, default=None)
    by_path: dict = {}
    required = {}
    for worker_id in worker_ids:
        path = paths.get(worker_id) or root
        if path not in by_path:
            by_path[path] = {
                level: row.hours
                for level, _label in RegistrationHoursPolicy.level.field.choices
                if (row := table.rule_for(path, level=level)) is not None
            }
        required[worker_id] = by_path[path]
    return required


def current_period(worker: SocialWorker) -> RegistrationPeriod | None:
    """The worker's latest registration period: the one their registration fields show."""
    return worker.registration_periods.order_by("-ends_on").first()


@dataclass
class LedgerLine:
    on: date
    kind: str  # "session" or "outside"
    title: str
    hours: Decimal
    url: str
    counted: bool = True
    record: object = None


@dataclass
class Ledger:
    period: RegistrationPeriod
    required: Decimal | None
    lines: list[LedgerLine] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((line.hours for line in self.lines if line.counted), ZERO)

    @property
    def pending(self) -> Decimal:
        return sum((line.hours for line in self.lines if not line.counted), ZERO)

    @property
    def short(self) -> Decimal:
        if self.required is None:
            return ZERO
        return max(self.required - self.total, ZERO)


def _session_day(enrolment) -> date:
    return timezone.localdate(enrolment.session.starts_at)


def _enrolments_of(worker_ids, first: date, last: date):
    from training.models import Enrolment  # training builds on the workforce, not the reverse

    return (
        Enrolment.objects.filter(
            worker_id__in=worker_ids,
            attended=True,
            session__starts_at__date__gte=first,
            session__starts_at__date__lte=last,
        )
        .select_related("session__series")
        .order_by("session__starts_at", "pk")
    )


def _ledgers(
    periods: list[RegistrationPeriod], required: dict[int, dict[str, Decimal]], *, lines: bool
) -> dict:
    """The ledger of each period, keyed by period id, in three queries whatever their number."""
    if not periods:
        return {}
    worker_ids = {period.worker_id for period in periods}
    first, last = min(p.starts_on for p in periods), max(p.ends_on for p in periods)
    by_worker: dict[int, list[RegistrationPeriod]] = {}
    ledgers = {}
    for period in periods:
        by_worker.setdefault(period.worker_id, []).append(period)
        ledgers[period.pk] = Ledger(
            period=period, required=required.get(period.worker_id, {}).get(period.worker.certificate_level)
        )

    def add(worker_id, day, line):
        for period in by_worker.get(worker_id, ()):
            if period.starts_on <= day <= period.ends_on:
                ledgers[period.pk].lines.append(line)

    for enrolment in _enrolments_of(worker_ids, first, last):
        session = enrolment.session
        day = _session_day(enrolment)
        add(
            enrolment.worker_id,
            day,
            LedgerLine(
                on=day,
                kind="session",
                title=f"{session.series.title} · {session.topic}",
                hours=enrolment.hours_credited,
                url=session.get_absolute_url() if lines else "",
                record=session,
            ),  # fmt: skip
        )
    outside = OutsideTraining.objects.filter(
        worker_id__in=worker_ids, held_on__gte=first, held_on__lte=last
    ).order_by("held_on", "pk")
    for record in outside:
        add(
            record.worker_id,
            record.held_on,
            LedgerLine(
                on=record.held_on,
                kind="outside",
                title=f"{record.title}（{record.organizer}）",
                hours=record.hours,
                counted=record.is_checked,
                record=record,
                url=reverse("positions:outside_training_certificate", args=[record.pk]) if lines else "",
            ),  # fmt: skip
        )
    for ledger in ledgers.values():
        ledger.lines.sort(key=lambda line: line.on)
    return ledgers


def period_ledger(period: RegistrationPeriod) -> Ledger:
    return _ledgers([period], hours_required([period.worker_id]), lines=True)[period.pk]


def worker_ledgers(worker: SocialWorker) -> list[Ledger]:
    """Every registration period of the worker, the latest first, each with its ledger."""
    periods = list(worker.registration_periods.select_related("worker", "recorded_by").order_by("-ends_on"))
    for period in periods:
        period.worker = worker
    known = {worker.pk: _known_path(worker)} if _known_path(worker) or not worker.employer_unit_id else None
    ledgers = _ledgers(periods, hours_required([worker.pk], paths=known), lines=True)
    return [ledgers[period.pk] for period in periods]


def ledgers_of(periods: list[RegistrationPeriod]) -> dict[int, Ledger]:
    """The ledgers of many periods (their worker selected), for lists and reminders."""
    return _ledgers(periods, hours_required({period.worker_id for period in periods}), lines=False)


@dataclass
class Renewal:
    """Whether the worker's registration can be renewed today, and if not, why."""

    period: RegistrationPeriod | None
    ledger: Ledger | None
    opens_on: date | None
    reason: str = ""

    @property
    def possible(self) -> bool:
        return not self.reason


def renewal_status(
    *, worker: SocialWorker, today: date | None = None, ledger: Ledger | None = None
) -> Renewal:
    """The rule of renewal (再登记): the latest period, not yet renewed, from three months before
    its expiry to its last day, with the continuing-education hours its certificate level
    requires."""
    today = today or timezone.localdate()
    period = ledger.period if ledger is not None else current_period(worker)
    if period is None:
        return Renewal(None, None, None, _("%(name)s is not registered.") % {"name": worker.name})
    period.worker = worker
    ledger = ledger or period_ledger(period)
    opens_on = renewal_opens_on(period)
    status = Renewal(period, ledger, opens_on)
    if today < opens_on:
        status.reason = _(
            "Renewal opens on %(opens)s, three months before the registration expires on %(ends)s."
        ) % {"opens": f"{opens_on:%Y-%m-%d}", "ends": f"{period.ends_on:%Y-%m-%d}"}
    elif today > period.ends_on:
        status.reason = _(
            "The registration expired on %(ends)s: it can no longer be renewed; record a new registration."
        ) % {"ends": f"{period.ends_on:%Y-%m-%d}"}
    elif hasattr(period, "renewed_by"):
        status.reason = _("This registration has already been renewed.")
    elif ledger.required is None:
        status.reason = _("No hours requirement is set for %(level)s: the district sets it first.") % {
            "level": worker.get_certificate_level_display()
        }
    elif ledger.short > 0:
        status.reason = _(
            "%(total)s of the %(required)s continuing-education hours this period requires are recorded: "
            "%(short)s hours are missing."
        ) % {
            "total": _hours(ledger.total),
            "required": _hours(ledger.required),
            "short": _hours(ledger.short),
        }
    return status


def _hours(value: Decimal) -> str:
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value:.1f}"


def may_manage_registration(*, user, worker: SocialWorker) -> bool:
    """Renewing a registration and checking outside hours: the station manager or the district
    who may change the worker's record and sees the worker."""
    return (
        user.is_authenticated
        and user.has_perm("positions.change_socialworker")
        and SocialWorker.objects.filter(worker_scope(user), pk=worker.pk).exists()
    )


def may_record_outside_training(*, user, worker: SocialWorker) -> bool:
    """Outside hours are recorded by the worker themself or by those who manage their registration."""
    if user.is_authenticated and worker.user_id == user.pk:
        return True
    return may_manage_registration(user=user, worker=worker)


def outside_training_visible_to(*, user) -> QuerySet[OutsideTraining]:
    return OutsideTraining.objects.filter(
        worker__in=SocialWorker.objects.filter(worker_scope(user))
    ).select_related("worker", "recorded_by", "checked_by")


def periods_visible_to(*, user) -> QuerySet[RegistrationPeriod]:
    return RegistrationPeriod.objects.filter(
        worker__in=SocialWorker.objects.filter(worker_scope(user))
    ).select_related("worker", "recorded_by")


def station_of_unit(unit: ServiceUnit | None) -> ServiceUnit | None:
    if unit is None:
        return None
    if unit.level == ServiceUnit.Level.STATION:
        return unit
    ancestors = [unit.path[: depth * ServiceUnit.steplen] for depth in range(1, unit.depth)]
    return (
        ServiceUnit.objects.filter(path__in=ancestors, level=ServiceUnit.Level.STATION)
        .order_by("-depth")
        .first()
    )


def station_managers_of(workers: list[SocialWorker]) -> dict[int, list]:
    """The active station managers of each worker's station (where they are employed, or hold a
    post), by worker id."""
    units: dict[int, set[str]] = {}
    posts = active_appointments().filter(worker__in=workers).values_list("worker_id", "position__unit__path")
    for worker in workers:
        if worker.employer_unit_id:
            units.setdefault(worker.pk, set()).add(worker.employer_unit.path)
    for worker_id, path in posts:
        units.setdefault(worker_id, set()).add(path)
    managers = list(
        get_user_model()
        .objects.filter(
            groups__name=Role.STATION_MANAGER, is_active=True, unit__level=ServiceUnit.Level.STATION
        )
        .select_related("unit")
        .distinct()
    )
    found: dict[int, list] = {}
    for worker_id, paths in units.items():
        found[worker_id] = [m for m in managers if any(p.startswith(m.unit.path) for p in paths)]
    return found


def periods_expiring(*, day: date, months: int) -> QuerySet[RegistrationPeriod]:
    """The latest periods of active certified workers, not renewed, expiring from `day` to
    `months` months later."""
    return (
        RegistrationPeriod.objects.filter(
            ends_on__gte=day,
            ends_on__lte=day + relativedelta(months=months),
            renewed_by__isnull=True,
            worker__status=SocialWorker.Status.ACTIVE,
        )
        .exclude(worker__certificate_level="none")
        .select_related("worker__user", "worker__employer_unit")
        .order_by("ends_on", "pk")
    )


def short_of_hours(queryset: QuerySet[SocialWorker], *, months: int | None, day: date | None = None) -> Q:
    """A filter for the workers of `queryset` whose registration expires within `months` months
    (any time, when None) and whose current period's hours are short of the requirement."""
    day = day or timezone.localdate()
    periods = RegistrationPeriod.objects.filter(
        worker__in=queryset.values("pk"), renewed_by__isnull=True, ends_on__gte=day
    ).select_related("worker")
    if months is not None:
        periods = periods.filter(ends_on__lte=day + relativedelta(months=months))
    periods = list(periods)
    ledgers = ledgers_of(periods)
    return Q(pk__in=[p.worker_id for p in periods if ledgers[p.pk].short > 0])


def expiring_within(*, months: int, day: date | None = None) -> Q:
    day = day or timezone.localdate()
    return Q(
        registration_valid_until__gte=day, registration_valid_until__lte=day + relativedelta(months=months)
    )


def worker_registration(*, user, worker: SocialWorker) -> dict:
    """The worker page's registration section: each period's ledger, whether renewal is open, and
    what this person may do there."""
    ledgers = worker_ledgers(worker)
    manages = may_manage_registration(user=user, worker=worker)
    return {
        "ledgers": ledgers,
        "renewal": renewal_status(worker=worker, ledger=ledgers[0]) if ledgers else None,
        "may_renew": manages,
        "may_check_hours": manages,
        "may_record_hours": manages or (user.is_authenticated and worker.user_id == user.pk),
    }
