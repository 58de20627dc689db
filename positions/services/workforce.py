"""Writes to the workforce: positions, workers, appointments and exams. Each runs in one
transaction and leaves an audit row."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from positions.models import Appointment, CertificateLevel, Exam, Position, ServiceUnit, SocialWorker
from positions.selectors.network import units_visible_to
from positions.services.registration import registration_period_sync
from socialwork import idnumbers
from socialwork.services import apply_changes, audit_record

POSITION_FIELDS = (
    "code", "title", "unit", "host", "category", "setup_mode", "quota", "duties", "required_level",
    "status", "established_on", "policy_basis",
)  # fmt: skip
WORKER_FIELDS = (
    "name", "gender", "birth_date", "id_number", "phone", "education", "major", "employer_unit",
    "employer_organization", "certificate_level", "certificate_number", "certificate_year",
    "registration_number", "registered_on", "registration_valid_until", "professional_title",
    "is_supervisor", "status", "user",
)  # fmt: skip


def _check_unit_in_place(*, actor, unit: ServiceUnit | None, field: str) -> None:
    if unit is not None and not units_visible_to(user=actor).filter(pk=unit.pk).exists():
        raise ValidationError({field: _("This unit is outside your place in the network.")})


def position_save(*, actor, position: Position | None = None, **fields) -> Position:
    """Create a position, or change one. A post sits in a unit of the actor's place, and its quota
    never drops below the people holding it now."""
    unknown = set(fields) - set(POSITION_FIELDS)
    if unknown:
        raise TypeError(f"position_save got unexpected fields: {sorted(unknown)}")
    with transaction.atomic():
        if position is None:
            position, action = Position(), "position.create"
        else:
            position, action = Position.objects.select_for_update().get(pk=position.pk), "position.update"
        diff = apply_changes(position, fields)
        _check_unit_in_place(actor=actor, unit=position.unit, field="unit")
        position.full_clean()
        if position.pk:
            holding = Appointment.objects.filter(position=position, ends_on__isnull=True).count()
            if position.quota < holding:
                raise ValidationError(
                    {"quota": _("%(count)d people hold this post now; end appointments before lowering the quota.")
                     % {"count": holding}}
                )  # fmt: skip
        position.save()
        audit_record(actor=actor, action=action, target=position, summary=str(position), changes=diff)
    return position


def worker_save(*, actor, worker: SocialWorker | None = None, **fields) -> SocialWorker:
    """Create or change a worker's record (their latest registration period follows the registration
    fields: registration_period_sync). The ID number must pass the GB 11643 check, and the
    date of birth and gender are those it holds (read from it when not given, an error on the
    field when they contradict it: `socialwork.idnumbers.identity`); the employer unit must lie
    in the actor's place."""
    unknown = set(fields) - set(WORKER_FIELDS)
    if unknown:
        raise TypeError(f"worker_save got unexpected fields: {sorted(unknown)}")
    if "id_number" in fields:
        fields["id_number"] = idnumbers.normalize(fields["id_number"])
    with transaction.atomic():
        if worker is None:
            worker, action = SocialWorker(), "worker.create"
        else:
            worker, action = SocialWorker.objects.select_for_update().get(pk=worker.pk), "worker.update"
        fields.update(_identity(worker, fields))
        diff = apply_changes(worker, fields)
        diff.pop("id_number", None)  # the audit log never holds an ID number
        _check_unit_in_place(actor=actor, unit=worker.employer_unit, field="employer_unit")
        worker.full_clean()
        worker.save()
        audit_record(actor=actor, action=action, target=worker, summary=worker.name, changes=diff)
        registration_period_sync(actor=actor, worker=worker)
    return worker


def _identity(worker: SocialWorker, fields: dict) -> dict:
    """The date of birth and gender the worker will have: those given, else those on record
    unless the ID number changes (then the new number's), checked against the number."""
    number = fields.get("id_number", worker.id_number)
    kept = number == worker.id_number
    given = {
        name: fields[name] if name in fields else getattr(worker, name) if kept else None
        for name in ("birth_date", "gender")
    }
    return idnumbers.identity(number, birth_date=given["birth_date"], gender=given["gender"] or "")


def appointment_create(*, actor, worker: SocialWorker, position: Position, starts_on: date) -> Appointment:
    """Appoint a worker to a position. Active appointments never exceed the quota: the position
    row is locked, so of two staff appointing to the last place at once, one gets it and the
    other a clear message."""
    with transaction.atomic():
        position = Position.objects.select_for_update().get(pk=position.pk)
        _check_unit_in_place(actor=actor, unit=position.unit, field="position")
        if position.status != Position.Status.ACTIVE:
            raise ValidationError({"position": _("This position is not active.")})
        if worker.status != SocialWorker.Status.ACTIVE:
            raise ValidationError(
                {"worker": _("%(name)s has left and cannot be appointed.") % {"name": worker.name}}
            )
        active = Appointment.objects.filter(position=position, ends_on__isnull=True)
        if active.filter(worker=worker).exists():
            raise ValidationError(
                {"worker": _("%(name)s already holds this position.") % {"name": worker.name}}
            )
        if active.count() >= position.quota:
            raise ValidationError(
                {
                    "position": _("This position is full: all %(quota)d places are taken.")
                    % {"quota": position.quota}
                }
            )
        appointment = Appointment.objects.create(worker=worker, position=position, starts_on=starts_on)
        audit_record(
            actor=actor,
            action="appointment.create",
            target=appointment,
            summary=f"{worker} → {position.code}",
        )
    return appointment


def appointment_end(*, actor, appointment: Appointment, ends_on: date, reason: str = "") -> Appointment:
    """End an appointment; it stays in the history."""
    with transaction.atomic():
        appointment = (
            Appointment.objects.select_for_update().select_related("position__unit").get(pk=appointment.pk)
        )
        _check_unit_in_place(actor=actor, unit=appointment.position.unit, field="position")
        if appointment.ends_on is not None:
            raise ValidationError(_("This appointment has already ended."))
        if ends_on < appointment.starts_on:
            raise ValidationError({"ends_on": _("An appointment cannot end before it starts.")})
        appointment.ends_on, appointment.end_reason = ends_on, reason
        appointment.save(update_fields=["ends_on", "end_reason", "updated_at"])
        audit_record(actor=actor, action="appointment.end", target=appointment, summary=reason)
    return appointment


def appointment_transfer(
    *, actor, appointment: Appointment, to_position: Position, on: date, reason: str = ""
) -> Appointment:
    """Move a worker to another position on a date: the old appointment ends, a new one starts,
    both or neither."""
    with transaction.atomic():
        appointment_end(actor=actor, appointment=appointment, ends_on=on, reason=reason or _("Transferred"))
        return appointment_create(actor=actor, worker=appointment.worker, position=to_position, starts_on=on)


def exam_record(*, actor, worker: SocialWorker, year: int, level: str, passed: bool, score=None) -> Exam:
    """Record an exam sitting. A pass at a level above the worker's certificate raises it."""
    with transaction.atomic():
        worker = SocialWorker.objects.select_for_update().get(pk=worker.pk)
        exam, _created = Exam.objects.update_or_create(
            worker=worker, year=year, level=level, defaults={"passed": passed, "score": score}
        )
        exam.full_clean()
        if passed and CertificateLevel.rank(level) > CertificateLevel.rank(worker.certificate_level):
            worker.certificate_level, worker.certificate_year = level, year
            worker.save(update_fields=["certificate_level", "certificate_year", "updated_at"])
        audit_record(
            actor=actor, action="exam.record", target=exam, summary=f"{worker} {year} {level} {passed}"
        )
    return exam
