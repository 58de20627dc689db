"""Writes of training. Each runs in one transaction, locks what it must and leaves an audit row."""

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from positions.models import ServiceUnit, SocialWorker
from positions.selectors.network import units_visible_to
from socialwork.actions import action_require
from socialwork.local_rules import rule_changed_notify, rule_for, rule_of_model
from socialwork.services import audit_record, notification_send
from training import notifications
from training.models import Certificate, Enrolment, HoursRequirement, TrainingSeries, TrainingSession
from training.selectors import series_visible_to, session_scope, worker_can_be_enrolled_by
from training.workflow import actions_for, session_actions_for, session_require

S = Enrolment.Status


def _locked_session(*, actor, session: TrainingSession) -> TrainingSession:
    # The scope alone: the visible list's counts of places would make this test cost a GROUP BY.
    if not TrainingSession.objects.filter(session_scope(actor), pk=session.pk).exists():
        raise ValidationError({"session": _("This session is outside your place in the network.")})
    return TrainingSession.objects.select_for_update().get(pk=session.pk)


def series_create(
    *,
    actor,
    title: str,
    category: str,
    year: int,
    unit: ServiceUnit,
    organizer=None,
    completion_share: int = 80,
) -> TrainingSeries:
    """Set up a training series organized by a unit in the person's place (a service post
    organizes none, as on the series form)."""
    with transaction.atomic():
        if (
            unit.level == ServiceUnit.Level.POST
            or not units_visible_to(user=actor).filter(pk=unit.pk).exists()
        ):
            raise ValidationError(
                {"unit": _("This unit cannot organize training in your place in the network.")}
            )
        series = TrainingSeries(
            title=title.strip(), category=category, year=year, unit=unit, organizer=organizer,
            completion_share=completion_share,
        )  # fmt: skip
        series.full_clean()
        series.save()
        audit_record(actor=actor, action="series.create", target=series, summary=str(series))
    return series


def session_create(
    *,
    actor,
    series: TrainingSeries,
    topic: str,
    starts_at: datetime,
    ends_at: datetime,
    venue: str,
    host_unit: ServiceUnit,
    capacity: int,
    credit_hours: Decimal,
    minimum: int = 0,
) -> TrainingSession:
    """Add a session to a series the person sees, hosted by a unit in their place."""
    with transaction.atomic():
        if not series_visible_to(user=actor).filter(pk=series.pk).exists():
            raise ValidationError(_("This series is outside your place in the network."))
        if not units_visible_to(user=actor).filter(pk=host_unit.pk).exists():
            raise ValidationError({"host_unit": _("This unit is outside your place in the network.")})
        session = TrainingSession(
            series=series, topic=topic.strip(), starts_at=starts_at, ends_at=ends_at, venue=venue.strip(),
            host_unit=host_unit, capacity=capacity, minimum=minimum, credit_hours=credit_hours,
        )  # fmt: skip
        session.full_clean()
        session.save()
        audit_record(actor=actor, action="session.create", target=session, summary=str(session))
    return session


def attendance_enter(
    *,
    actor,
    session: TrainingSession,
    attended: bool,
    worker: SocialWorker | None = None,
    outside_name: str = "",
    outside_unit: str = "",
    outside_kind: str = "",
    enrolment: Enrolment | None = None,
) -> Enrolment:
    """Enter one participant's attendance of a session that has begun, as a paper register kept
    it: a confirmed place, attended (credited the session's hours, as `attendance_record` credits
    them) or absent (none). With `enrolment`, that participant's record is corrected instead.
    A session holds everyone entered: its capacity grows to fit. The session's declared action
    `take_attendance` (its organizers, once it has begun)."""
    with transaction.atomic():
        session = _locked_session(actor=actor, session=session)
        session_require(actor, session, "take_attendance")
        if enrolment is None:
            enrolment = Enrolment(session=session, status=S.CONFIRMED)
            others = session.enrolments.exclude(status=S.CANCELLED)
            if worker is not None:
                if not worker_can_be_enrolled_by(user=actor, worker=worker):
                    raise ValidationError(
                        {"worker": _("This social worker is outside your place in the network.")}
                    )
                if others.filter(worker=worker).exists():
                    raise ValidationError(
                        {"worker": _("%(name)s is already enrolled.") % {"name": worker.name}}
                    )
                enrolment.worker = worker
            else:
                if not outside_name.strip():
                    raise ValidationError(
                        {"outside_name": _("Name the participant, or choose a registered social worker.")}
                    )
                enrolment.outside_name, enrolment.outside_unit = outside_name.strip(), outside_unit.strip()
                if others.filter(
                    worker=None, outside_name=enrolment.outside_name, outside_unit=enrolment.outside_unit
                ).exists():
                    raise ValidationError(
                        {
                            "outside_name": _("%(name)s is already enrolled.")
                            % {"name": enrolment.outside_name}
                        }
                    )
            confirmed = session.enrolments.filter(status=S.CONFIRMED).count()
            if confirmed >= session.capacity:
                session.capacity = confirmed + 1
                session.save(update_fields=["capacity", "updated_at"])
        else:
            enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk, session=session)
            enrolment.status = S.CONFIRMED
        if not enrolment.worker_id:
            enrolment.outside_kind = outside_kind or enrolment.outside_kind
        enrolment.attended = attended
        enrolment.hours_credited = session.credit_hours if attended else 0
        enrolment.checked_in_at = (enrolment.checked_in_at or session.starts_at) if attended else None
        enrolment.full_clean(validate_constraints=False)
        enrolment.save()
        audit_record(
            actor=actor,
            action="attendance.enter",
            target=enrolment,
            summary=f"{enrolment} {'present' if attended else 'absent'}",
        )
    return enrolment


def enrolment_create(
    *,
    actor,
    session: TrainingSession,
    worker: SocialWorker | None = None,
    outside_name: str = "",
    outside_unit: str = "",
    outside_kind: str = "",
) -> Enrolment:
    """Enrol a registered worker or an outside person. While places are free the enrolment is
    confirmed; past the capacity it joins the end of the waiting list. The session row is locked,
    so sign-ups at the same moment never pass the capacity. The session's declared action `enrol`
    (training.workflow: its organizers, while it is not over)."""
    with transaction.atomic():
        session = _locked_session(actor=actor, session=session)
        action_require(session_actions_for(actor, session), "enrol")
        if worker is not None:
            if not worker_can_be_enrolled_by(user=actor, worker=worker):
                raise ValidationError(
                    {"worker": _("This social worker is outside your place in the network.")}
                )
            if session.enrolments.filter(worker=worker).exclude(status=S.CANCELLED).exists():
                raise ValidationError({"worker": _("%(name)s is already enrolled.") % {"name": worker.name}})
        elif not outside_name.strip():
            raise ValidationError(
                {"outside_name": _("Name the participant, or choose a registered social worker.")}
            )
        confirmed = session.enrolments.filter(status=S.CONFIRMED).count()
        enrolment = Enrolment(
            session=session,
            worker=worker,
            outside_name="" if worker else outside_name.strip(),
            outside_unit="" if worker else outside_unit.strip(),
            outside_kind="" if worker else outside_kind,
            status=S.CONFIRMED if confirmed < session.capacity else S.WAITING,
        )
        enrolment.full_clean()
        enrolment.save()
        audit_record(
            actor=actor,
            action="enrolment.create",
            target=enrolment,
            summary=f"{enrolment} {enrolment.status}",
        )
    return enrolment


def enrolment_cancel(*, actor, enrolment: Enrolment) -> Enrolment | None:
    """Cancel an enrolment before attendance is taken. If it held a place, the first person on the
    waiting list (in the order they joined) takes it and is told. Returns the promoted enrolment,
    if any. The enrolment's declared action `cancel` (training.workflow: its session's organizers,
    while it is confirmed or waiting and attendance is not taken)."""
    with transaction.atomic():
        session = _locked_session(actor=actor, session=enrolment.session)
        enrolment = Enrolment.objects.select_for_update().select_related("session").get(pk=enrolment.pk)
        action_require(actions_for(actor, enrolment), "cancel")
        held_a_place = enrolment.status == S.CONFIRMED
        enrolment.status = S.CANCELLED
        enrolment.save(update_fields=["status", "updated_at"])
        audit_record(actor=actor, action="enrolment.cancel", target=enrolment, summary=str(enrolment))
        promoted = _promote_waiting(session=session) if held_a_place else None
    return promoted


def _promote_waiting(*, session: TrainingSession) -> Enrolment | None:
    """Give free places to the waiting list, first come first served (caller holds the lock)."""
    confirmed = session.enrolments.filter(status=S.CONFIRMED).count()
    promoted = None
    for waiting in session.enrolments.filter(status=S.WAITING).select_related("worker__user")[
        : max(session.capacity - confirmed, 0)
    ]:
        waiting.status = S.CONFIRMED
        waiting.save(update_fields=["status", "updated_at"])
        audit_record(actor=None, action="enrolment.promote", target=waiting, summary=str(waiting))
        if waiting.worker_id and waiting.worker.user_id:
            notification_send(
                user=waiting.worker.user,
                kind=notifications.PLACE_FREED,
                key=f"training_place_freed:{waiting.pk}",
                title=_("A place is yours: %(session)s") % {"session": session},
                url=session.get_absolute_url(),
            )
        promoted = promoted or waiting
    return promoted


def attendance_record(*, actor, session: TrainingSession, present: set[int]) -> int:
    """Take attendance. Confirmed participants whose enrolment id is in `present` attended and are
    credited the session's hours; the others are marked absent and credited none. Returns how
    many attended. The session's declared action `take_attendance` (its organizers, once the
    session has begun: before, the refusal says so)."""
    with transaction.atomic():
        session = _locked_session(actor=actor, session=session)
        session_require(actor, session, "take_attendance")
        now, attended = timezone.now(), 0
        for enrolment in session.enrolments.filter(status=S.CONFIRMED).select_for_update():
            here = enrolment.pk in present
            enrolment.attended = here
            enrolment.hours_credited = session.credit_hours if here else 0
            enrolment.checked_in_at = enrolment.checked_in_at or (now if here else None)
            enrolment.save(update_fields=["attended", "hours_credited", "checked_in_at", "updated_at"])
            attended += here
        unknown = present - set(session.enrolments.filter(status=S.CONFIRMED).values_list("pk", flat=True))
        if unknown:
            raise ValidationError(_("Only confirmed participants of this session can be marked present."))
        audit_record(actor=actor, action="attendance.record", target=session, summary=f"{attended} present")
    return attended


def certificates_issue(*, actor, series: TrainingSeries) -> list[Certificate]:
    """Issue a completion certificate to everyone who attended at least the series' required share
    of its sessions and has none yet. Numbers are unique: YEAR-SERIES-SEQUENCE, drawn under a
    lock on the series."""
    with transaction.atomic():
        series = TrainingSeries.objects.select_for_update().get(pk=series.pk)
        total = series.sessions.count()
        if total == 0:
            raise ValidationError(_("This series has no sessions yet."))
        attended: dict[tuple, int] = {}
        for enrolment in Enrolment.objects.filter(session__series=series, attended=True):
            key = (enrolment.worker_id, enrolment.outside_name, enrolment.outside_unit)
            attended[key] = attended.get(key, 0) + 1
        issued = {
            (
                c.worker_id,
                c.outside_name if not c.worker_id else "",
                c.outside_unit if not c.worker_id else "",
            )
            for c in series.certificates.all()
        }
        sequence = series.certificates.count()
        new = []
        for (worker_id, name, unit), count in sorted(attended.items(), key=lambda item: str(item[0])):
            if 100 * count < series.completion_share * total or (worker_id, name, unit) in issued:
                continue
            sequence += 1
            new.append(
                Certificate.objects.create(
                    series=series,
                    worker_id=worker_id,
                    outside_name=name,
                    outside_unit=unit,
                    number=f"{series.year}-{series.pk:04d}-{sequence:04d}",
                    issued_on=timezone.localdate(),
                    attended_sessions=count,
                    total_sessions=total,
                )  # fmt: skip
            )
        audit_record(actor=actor, action="certificate.issue", target=series, summary=f"{len(new)} issued")
    return new


def hours_requirement_set(*, actor, region, year: int, hours: Decimal) -> HoursRequirement:
    """Set the hours a year requires in a region: a district's own requirement (taken from its
    city's when it followed it), or a city's default for its districts, whose administrators are
    told when their district follows it. Audited with the hours before and after."""
    if hours is None or hours < 0:
        raise ValidationError({"hours": _("Enter zero or more hours.")})
    rule = rule_of_model(HoursRequirement)
    with transaction.atomic():
        own = HoursRequirement.objects.select_for_update().filter(region=region, year=year).first()
        followed = None if own else rule_for(HoursRequirement, region, year=year)
        requirement = own or HoursRequirement(region=region, year=year)
        before = own.hours if own else (followed.hours if followed else None)
        requirement.hours = hours
        requirement.full_clean()
        requirement.save()
        audit_record(
            actor=actor,
            action="hours_requirement.set",
            target=requirement,
            summary=f"{year} · {region}" if region else str(year),
            changes={"hours": [None if before is None else str(before), str(requirement.hours)]},
        )
        transaction.on_commit(lambda: rule_changed_notify(rule=rule, region=region, year=year))
    return requirement
