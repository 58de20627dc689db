"""Writes of registration and continuing education: a worker's registration periods kept in step
with their registration fields, renewal (再登记) and outside training hours. Each runs in one
transaction and leaves an audit row; renewal and recorded hours are told to the people concerned."""

from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from positions.models import OutsideTraining, RegistrationHoursPolicy, RegistrationPeriod, SocialWorker
from positions.registration_events import OUTSIDE_TRAINING_RECORDED, REGISTRATION_RENEWED
from positions.selectors import registration as selectors
from socialwork.services import audit_record, notification_send


def registration_period_sync(*, actor, worker: SocialWorker) -> RegistrationPeriod | None:
    """Keep the worker's latest registration period in step with their registration fields (the
    worker's form and the import of workers set them). A registration without an end is valid
    three years. The period ends on `registration_valid_until` and starts on `registered_on`, or
    three years before its end when the worker was first registered earlier. A period starting the
    day after the latest one ends is a new period renewed from it; otherwise the latest changes.
    Called inside worker_save's transaction, the worker locked."""
    if not (worker.registration_number and worker.registered_on):
        return None
    if worker.registration_valid_until is None:
        worker.registration_valid_until = selectors.period_end(worker.registered_on)
        worker.save(update_fields=["registration_valid_until", "updated_at"])
    ends_on = worker.registration_valid_until
    starts_on = max(
        worker.registered_on, ends_on - relativedelta(years=selectors.REGISTRATION_YEARS) + timedelta(1)
    )
    latest = worker.registration_periods.select_for_update().order_by("-ends_on").first()
    wanted = {"number": worker.registration_number, "starts_on": starts_on, "ends_on": ends_on}
    if latest is not None and all(getattr(latest, name) == value for name, value in wanted.items()):
        return latest
    if latest is None or starts_on > latest.ends_on:
        renewed_from = latest if latest and starts_on == latest.ends_on + timedelta(days=1) else None
        period = RegistrationPeriod(worker=worker, renewed_from=renewed_from, recorded_by=actor, **wanted)
        period.full_clean()
        period.save()
        audit_record(actor=actor, action="registration_period.create", target=period, summary=str(period))
        return period
    changes = {name: [str(getattr(latest, name)), str(value)] for name, value in wanted.items()}
    for name, value in wanted.items():
        setattr(latest, name, value)
    latest.full_clean()
    latest.save()
    audit_record(
        actor=actor, action="registration_period.update", target=latest, summary=str(latest), changes=changes
    )
    return latest


def registration_renew(
    *, actor, worker: SocialWorker, number: str = "", today: date | None = None
) -> RegistrationPeriod:
    """Renew a worker's registration (再登记) for the next three years. Only the station manager or
    the district that manages the worker may; only from three months before the latest period
    expires to its last day; and only when the period's continuing-education hours reach what the
    policy table requires of the worker's certificate level (selectors.renewal_status says why
    not, with the figures). The new period starts the day after the old one ends, keeps the
    registration number unless a new one is given, and the worker's registration fields follow
    it. The worker and their station managers are told."""
    if not selectors.may_manage_registration(user=actor, worker=worker):
        raise ValidationError(_("You may not renew the registration of %(name)s.") % {"name": worker.name})
    with transaction.atomic():
        worker = (
            SocialWorker.objects.select_for_update(of=("self",))
            .select_related("user", "employer_unit")
            .get(pk=worker.pk)
        )
        status = selectors.renewal_status(worker=worker, today=today or timezone.localdate())
        if not status.possible:
            raise ValidationError(status.reason)
        old = status.period
        starts_on = old.ends_on + timedelta(days=1)
        period = RegistrationPeriod(
            worker=worker, number=(number or old.number).strip(), starts_on=starts_on,
            ends_on=selectors.period_end(starts_on), renewed_from=old, recorded_by=actor,
        )  # fmt: skip
        period.full_clean()
        period.save()
        worker.registration_number, worker.registration_valid_until = period.number, period.ends_on
        worker.save(update_fields=["registration_number", "registration_valid_until", "updated_at"])
        audit_record(
            actor=actor, action="registration.renew", target=period, summary=f"{worker.name} {period}",
            changes={"hours": [str(status.ledger.total), str(status.ledger.required)],
                     "ends_on": [str(old.ends_on), str(period.ends_on)]},
        )  # fmt: skip
        transaction.on_commit(lambda: _tell_renewed(actor=actor, worker=worker, period=period))
    return period


def _recipients(worker: SocialWorker, *, besides=None) -> list:
    people = list(selectors.station_managers_of([worker]).get(worker.pk, []))
    if worker.user_id and worker.user.is_active:
        people.append(worker.user)
    seen, unique = set(), []
    for person in people:
        if person.pk not in seen and (besides is None or person.pk != besides.pk):
            seen.add(person.pk)
            unique.append(person)
    return unique


def _tell_renewed(*, actor, worker: SocialWorker, period: RegistrationPeriod) -> None:
    from django.utils.text import format_lazy
    from django.utils.translation import gettext_lazy

    for person in _recipients(worker, besides=actor):
        notification_send(
            user=person,
            kind=REGISTRATION_RENEWED,
            key=f"{REGISTRATION_RENEWED}:{period.pk}:{person.pk}",
            title=format_lazy(
                gettext_lazy("Registration of {name} renewed until {date}"),
                name=worker.name,
                date=f"{period.ends_on:%Y-%m-%d}",
            ),
            url=worker.get_absolute_url() + "#registration",
        )


def outside_training_record(
    *, actor, worker: SocialWorker, title: str, organizer: str, held_on: date, hours: Decimal, certificate
) -> OutsideTraining:
    """Record hours of training taken outside the district's sessions, with its certificate
    attached (required). The worker records their own, or the station manager or district who
    manages their registration does; hours those record are checked as they are recorded, the
    worker's own wait for their station's check (the station managers are told)."""
    if not selectors.may_record_outside_training(user=actor, worker=worker):
        raise ValidationError(_("You may not record training hours for %(name)s.") % {"name": worker.name})
    if not certificate:
        raise ValidationError({"certificate": _("Attach the training's certificate.")})
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("The training cannot be in the future.")})
    manager = selectors.may_manage_registration(user=actor, worker=worker)
    with transaction.atomic():
        record = OutsideTraining(
            worker=worker, title=title.strip(), organizer=organizer.strip(), held_on=held_on, hours=hours,
            certificate=certificate, recorded_by=actor,
            checked_by=actor if manager else None, checked_at=timezone.now() if manager else None,
        )  # fmt: skip
        record.full_clean()
        record.save()
        audit_record(
            actor=actor, action="outside_training.create", target=record, summary=f"{worker.name} {record}"
        )
        if not manager:
            transaction.on_commit(lambda: _tell_to_check(worker=worker, record=record))
    return record


def _tell_to_check(*, worker: SocialWorker, record: OutsideTraining) -> None:
    from django.utils.text import format_lazy
    from django.utils.translation import gettext_lazy

    for person in selectors.station_managers_of([worker]).get(worker.pk, []):
        notification_send(
            user=person,
            kind=OUTSIDE_TRAINING_RECORDED,
            key=f"{OUTSIDE_TRAINING_RECORDED}:{record.pk}:{person.pk}",
            title=format_lazy(
                gettext_lazy("{name} recorded {hours} hours of outside training to check"),
                name=worker.name,
                hours=record.hours,
            ),
            url=worker.get_absolute_url() + "#registration",
        )


def outside_training_check(*, actor, record: OutsideTraining) -> OutsideTraining:
    """Check recorded outside hours against their certificate: from then on they count."""
    if not selectors.may_manage_registration(user=actor, worker=record.worker):
        raise ValidationError(_("You may not check these training hours."))
    with transaction.atomic():
        record = OutsideTraining.objects.select_for_update().select_related("worker").get(pk=record.pk)
        if record.is_checked:
            raise ValidationError(_("These hours have already been checked."))
        record.checked_by, record.checked_at = actor, timezone.now()
        record.save(update_fields=["checked_by", "checked_at", "updated_at"])
        audit_record(actor=actor, action="outside_training.check", target=record, summary=str(record))
    return record


def outside_training_download_audit(*, actor, record: OutsideTraining) -> None:
    """A certificate names its holder: every download is audited."""
    audit_record(actor=actor, action="outside_training.download", target=record, summary=str(record))


# The national figures (continuing-education hours per registration period), seeded by migration
# 0013_i21_registration_seed; the district changes them in the admin.
NATIONAL_HOURS = {"assistant": Decimal(72), "social_worker": Decimal(90), "senior": Decimal(90)}


def registration_hours_defaults() -> int:
    """The national figures for the levels the policy table lacks (a database emptied since its
    migration), as nobody's rows: the built-in default every district follows until it or its city
    sets its own; the districts' and cities' own figures stay. Returns how many were made."""
    made = 0
    for level, hours in NATIONAL_HOURS.items():
        if not RegistrationHoursPolicy.objects.filter(level=level).exists():
            RegistrationHoursPolicy.objects.create(level=level, hours=hours)
            made += 1
    return made


def registration_periods_backfill() -> int:
    """The registration period each registered worker's fields show, for workers that have none
    (records written in bulk: the demo, a restore). Returns how many were made."""
    workers = (
        SocialWorker.objects.exclude(registration_number="")
        .filter(
            registered_on__isnull=False,
            registration_valid_until__isnull=False,
            registration_periods__isnull=True,
        )
        .only("pk", "registration_number", "registered_on", "registration_valid_until")
    )
    periods = []
    for worker in workers:
        ends_on = worker.registration_valid_until
        years_before = ends_on - relativedelta(years=selectors.REGISTRATION_YEARS) + timedelta(days=1)
        if ends_on > worker.registered_on:
            periods.append(
                RegistrationPeriod(
                    worker_id=worker.pk,
                    number=worker.registration_number,
                    starts_on=max(worker.registered_on, years_before),
                    ends_on=ends_on,
                )  # fmt: skip
            )
    return len(RegistrationPeriod.objects.bulk_create(periods, batch_size=1000, ignore_conflicts=True))
