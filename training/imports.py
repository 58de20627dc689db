"""The training register a bureau brings in from its spreadsheets (`socialwork.imports`): past
series, their sessions and who attended, one row per person per session (or per series held as
one block), written through training's own services.

How rows group: a row's 培训名称 (series) with its 举办单位 and the year of its date names one
series; with its start date, one session of it. The first row of a session not yet on record
sets it up (its topic, end date, venue and hours); every row of a session must give the same
hours, which each participant who completed it is credited, as attendance taken on the session's
page credits them. A row not completed is an absence: no hours, no person-time.

Who a row is: a registered social worker found by the ID number's digest; without an ID number,
the one registered worker of that name whose unit is the row's 工作单位. Anyone else is an
outside participant, kept by name and unit (an ID number of someone not registered is not kept).
A row is a duplicate of another when it names the same series, session date and person.
"""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from positions.models import ServiceUnit, SocialWorker
from positions.selectors.network import units_visible_to
from positions.selectors.workforce import worker_scope
from socialwork.actions import ActionNotAllowed
from socialwork.idnumbers import mask, validate_id_number
from socialwork.imports.cells import CHOICE, DATE, DECIMAL, ID_NUMBER, Column, fold
from socialwork.imports.registry import Register, by_digest, held, register
from training.models import Enrolment, TrainingSeries, TrainingSession
from training.services import attendance_enter, series_create, session_create

MAX_HOURS = Decimal("999.9")  # credit_hours: four digits, one after the point
DAY_STARTS, DAY_ENDS = time(9), time(17)  # a past session's hours of the day, when the sheet gives none


class Completion(models.TextChoices):
    COMPLETED = "completed", gettext_lazy("Completed")
    NOT_COMPLETED = "not_completed", gettext_lazy("Not completed")


@register
class TrainingRegister(Register):
    key = "training"
    label = gettext_lazy("Training records")
    sheet_names = ("培训记录", "Training records")
    permission = "training.add_trainingseries"
    identity_column = "name"
    order = 40
    columns = (
        Column("series", "培训名称", "training", required=True, headers=("培训班名称", "培训项目", "培训班次")),
        Column("category", "培训类别", "category", CHOICE, choices=TrainingSeries.Category, aliases={
            "practical_skills": ("实务技能培训", "实务培训", "实务技能"),
            "interview_skills": ("会谈技巧培训", "会谈技巧"),
            "volunteer_lecture": ("志愿公益讲座", "公益讲座"),
            "continuing_education": ("继续教育", "继续教育培训", "岗位培训"),
            "supervision_demonstration": ("督导示范", "督导示范培训"),
            "leaders_seminar": ("负责人研修班", "研修班"),
            "expert_lecture": ("专家讲座", "专题讲座"),
        }),
        Column("unit", "举办单位", "organizing_unit", required=True, headers=("主办单位", "组织单位")),
        Column("topic", "培训内容", "topic", headers=("课程名称", "培训主题")),
        Column("starts_on", "开始日期", "start_date", DATE, required=True, headers=("培训日期", "日期")),
        Column("ends_on", "结束日期", "end_date", DATE),
        Column("hours", "学时", "hours", DECIMAL, required=True, headers=("课时", "培训学时", "学时数")),
        Column("venue", "培训地点", "venue", headers=("地点",)),
        Column("name", "姓名", "name", required=True, headers=("学员姓名",)),
        Column("id_number", "身份证号", "id_number", ID_NUMBER, headers=("身份证号码", "公民身份号码")),
        Column("workplace", "工作单位", "workplace", headers=("所在单位", "单位")),
        Column("outside_kind", "人员类别", "kind_of_participant", CHOICE, choices=Enrolment.OutsideKind, aliases={
            "practitioner": ("社区工作者", "社区干部", "村（社区）干部"),
            "organization_staff": ("社会组织工作人员", "机构社工"),
            "volunteer": ("志愿者",),
        }),
        Column("completed", "是否完成", "completed", CHOICE, choices=Completion,
               headers=("考核结果", "完成情况", "结业情况"), aliases={
            "completed": ("是", "完成", "已完成", "合格", "通过", "结业", "Y", "yes", "√"),
            "not_completed": ("否", "未完成", "不合格", "未通过", "缺席", "未参加", "N", "no", "×"),
        }),
    )  # fmt: skip
    field_columns = {"title": "series", "credit_hours": "hours", "outside_name": "name",
                     "outside_unit": "workplace", "unit": "unit", "worker": "name"}  # fmt: skip

    def __init__(self, *, actor, pending=None):
        super().__init__(actor=actor, pending=pending)
        self.session_hours: dict[tuple, tuple[Decimal, int]] = {}  # a new session's hours, and its row
        self.existing: dict[str, Enrolment] = {}  # the enrolment on record of each row's identity
        self.sessions_saved: dict[tuple, TrainingSession] = {}  # by series title, unit and date

    def prepare(self, rows):
        names = {str(row.get("unit", "")).strip() for row in rows} - {""}
        self.units: dict[str, list[ServiceUnit]] = {}
        for unit in ServiceUnit.objects.filter(Q(name__in=names) | Q(code__in=names)):
            for value in {unit.name, unit.code} & names:
                self.units.setdefault(value, []).append(unit)
        self.visible_units = held(
            units_visible_to(user=self.actor), "pk", {u.pk for found in self.units.values() for u in found}
        )

        ids = {str(row.get("id_number", "")).strip().upper() for row in rows}
        self.by_id = by_digest(SocialWorker.objects.select_related("employer_unit", "employer_organization"),
                               "id_number_digest", ids)  # fmt: skip
        self.by_name: dict[str, list[SocialWorker]] = {}
        people = {str(row.get("name", "")).strip() for row in rows} - {""}
        for worker in SocialWorker.objects.filter(name__in=people).select_related(
            "employer_unit", "employer_organization"
        ):
            self.by_name.setdefault(fold(worker.name), []).append(worker)
        workers = {w.pk for w in self.by_id.values()} | {w.pk for ws in self.by_name.values() for w in ws}
        self.visible_workers = held(SocialWorker.objects.filter(worker_scope(self.actor)), "pk", workers)

        titles = {str(row.get("series", "")).strip() for row in rows} - {""}
        self.series_on_file = {
            (fold(s.title), s.year, s.unit_id): s for s in TrainingSeries.objects.filter(title__in=titles)
        }
        sessions = TrainingSession.objects.filter(series__in=[s.pk for s in self.series_on_file.values()])
        self.sessions_on_file: dict[tuple, TrainingSession] = {}
        for session in sessions.order_by("-starts_at"):  # two the same day: the first of them
            self.sessions_on_file[(session.series_id, timezone.localdate(session.starts_at))] = session
        self.enrolments_on_file: dict[tuple, Enrolment] = {}
        for enrolment in Enrolment.objects.filter(session__in=sessions).exclude(
            status=Enrolment.Status.CANCELLED
        ):
            self.enrolments_on_file[(enrolment.session_id, *_person_key(enrolment))] = enrolment

    def on_record(self, identity):
        return self.existing.get(identity)

    def identity(self, values):
        return values.get("_identity", "")

    def check(self, values, errors):
        unit = self._unit(values["unit"], errors)
        starts_on, ends_on, hours = (
            values["starts_on"],
            values["ends_on"] or values["starts_on"],
            values["hours"],
        )
        if starts_on and starts_on > timezone.localdate():
            errors.setdefault("starts_on", []).append(
                _("This training has not taken place yet; set up its session on the training pages.")
            )
        if starts_on and ends_on and ends_on < starts_on:
            errors.setdefault("ends_on", []).append(_("The training cannot end before it starts."))
        if hours != "" and not Decimal(0) < hours <= MAX_HOURS:
            errors.setdefault("hours", []).append(_("The hours must be more than 0 and at most 999.9."))
        elif hours != "" and hours != hours.quantize(Decimal("0.1")):
            errors.setdefault("hours", []).append(_("Give the hours to one decimal place at most."))
        worker = self._person(values, errors)
        # A worker the 社工 sheet of the same workbook brings in: registered by the time this row is saved.
        pending_id = (
            values["id_number"]
            if worker is None
            and values["id_number"] in self.pending.get("workers", set())
            and "id_number" not in errors
            else ""
        )

        series = session = None
        title = values["series"]
        if unit is not None and starts_on and title:
            series_key = (fold(title), starts_on.year, unit.pk)
            series = self.series_on_file.get(series_key)
            session = self.sessions_on_file.get((series.pk, starts_on)) if series else None
            if hours != "" and "hours" not in errors:
                self._same_hours((series_key, starts_on), session, hours, errors)
            participant = worker.pk if worker else (fold(values["name"]), fold(values["workplace"]))
            person = (
                f"{worker.name}（{mask(values['id_number'] or worker.id_number)}）"
                if worker
                else f"{values['name']}（{values['workplace']}）"
                if values["workplace"]
                else values["name"]
            )
            values["_identity"] = f"{title} {starts_on:%Y-%m-%d} {person}"
            if session is not None:
                key = (session.pk, *((participant, "", "") if worker else (None, *participant)))
                if key in self.enrolments_on_file:
                    self.existing[values["_identity"]] = self.enrolments_on_file[key]

        fields = {
            "title": title,
            "category": values["category"] or TrainingSeries.Category.CONTINUING_EDUCATION,
            "unit": unit,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "hours": hours,
            "topic": values["topic"] or title,
            "venue": values["venue"] or (unit.name if unit else ""),
            "worker": worker,
            "pending_id": pending_id,
            "outside_name": "" if worker or pending_id else values["name"],
            "outside_unit": "" if worker or pending_id else values["workplace"],
            "outside_kind": "" if worker or pending_id else values["outside_kind"],
            "attended": values["completed"] != Completion.NOT_COMPLETED,
        }
        self.clean_model(
            TrainingSeries(title=title, category=fields["category"]),
            errors, exclude=("unit", "organizer", "year"), field_columns=self.field_columns,
        )  # fmt: skip
        self.clean_model(
            TrainingSession(topic=fields["topic"], venue=fields["venue"]), errors,
            exclude=("series", "starts_at", "ends_at", "host_unit", "capacity", "credit_hours",
                     *(() if fields["venue"] else ("venue",))),
        )  # fmt: skip
        self.clean_model(
            Enrolment(outside_name=fields["outside_name"], outside_unit=fields["outside_unit"],
                      outside_kind=fields["outside_kind"], status=Enrolment.Status.CONFIRMED),
            errors, exclude=("session", "worker", "hours_credited"), field_columns=self.field_columns,
        )  # fmt: skip
        return fields

    def _unit(self, name: str, errors: dict) -> ServiceUnit | None:
        if not name:
            return None
        found = self.units.get(name, [])
        problem = None
        if not found:
            problem = _("No service unit is named “%(unit)s”; give its name or code as the network lists it.")
        elif len(found) > 1:
            problem = _("Several service units are named “%(unit)s”; give the unit's code instead.")
        elif found[0].pk not in self.visible_units:
            problem = _("The unit “%(unit)s” is outside your place in the network.")
        elif found[0].level == ServiceUnit.Level.POST:
            problem = _(
                "“%(unit)s” is a service post; name the room, station or centre that held the training."
            )
        if problem:
            errors.setdefault("unit", []).append(problem % {"unit": name})
            return None
        return found[0]

    def _person(self, values: dict, errors: dict) -> SocialWorker | None:
        """The registered worker the row names, or None for an outside participant (see the module)."""
        name, id_number, workplace = values["name"], values["id_number"], values["workplace"]
        if not name or "id_number" in errors:
            return None
        if id_number:
            try:
                validate_id_number(id_number)
            except ValidationError as error:
                errors["id_number"] = list(error.messages)
                return None
        elif not workplace:
            errors.setdefault("workplace", []).append(
                _("Give the ID number or the unit the person works at, so that they can be told apart.")
            )
            return None
        namesakes = [w for w in self.by_name.get(fold(name), []) if workplace and _works_at(w, workplace)]
        worker = self.by_id.get(id_number) if id_number else None
        if worker is None and id_number and len(namesakes) == 1:
            errors.setdefault("id_number", []).append(
                _("A registered social worker named %(name)s works at %(unit)s under another ID number; "
                  "check the ID number.") % {"name": name, "unit": workplace}
            )  # fmt: skip
            return None
        if worker is None and not id_number:
            if len(namesakes) > 1:
                errors.setdefault("name", []).append(
                    _(
                        "Several registered social workers named %(name)s work at %(unit)s; give the ID number."
                    )
                    % {"name": name, "unit": workplace}
                )
                return None
            worker = namesakes[0] if namesakes else None
        if worker is None:
            return None
        if worker.pk not in self.visible_workers:
            errors.setdefault("name", []).append(
                _("This social worker is outside your place in the network.")
            )
            return None
        if fold(worker.name) != fold(name):
            errors.setdefault("name", []).append(
                _("The registered social worker with this ID number is named %(name)s; check the name or the "
                  "ID number.") % {"name": worker.name}
            )  # fmt: skip
            return None
        return worker

    def _same_hours(self, key: tuple, session: TrainingSession | None, hours: Decimal, errors: dict) -> None:
        """Every participant of a session is credited the same hours: those on record, or those of the
        session's first row in the file."""
        if session is not None:
            expected, where = session.credit_hours, _("the session on record")
        else:
            expected, row = self.session_hours.setdefault(key, (hours, self.row))
            where = _("row %(row)d") % {"row": row}
        if hours != expected:
            errors.setdefault("hours", []).append(
                _("This session credits %(hours)s hours (%(where)s); every participant is credited the same.")
                % {"hours": _number(expected), "where": where}
            )

    def save(self, fields, *, existing, recorder):
        try:
            if existing is not None:
                enrolment = attendance_enter(
                    actor=self.actor, session=existing.session, enrolment=existing, attended=fields["attended"],
                    outside_kind=fields["outside_kind"],
                )  # fmt: skip
                recorder.update(enrolment)
                return
            session = self._session(fields, recorder)
            worker = fields["worker"]
            if fields["pending_id"]:
                worker = by_digest(
                    SocialWorker.objects.all(), "id_number_digest", {fields["pending_id"]}
                ).get(fields["pending_id"])
                if worker is None:
                    raise ValidationError(
                        {"worker": _("This person is not among the registered social workers.")}
                    )
            enrolment = attendance_enter(
                actor=self.actor, session=session, attended=fields["attended"], worker=worker,
                outside_name=fields["outside_name"], outside_unit=fields["outside_unit"],
                outside_kind=fields["outside_kind"],
            )  # fmt: skip
        except ActionNotAllowed as refused:
            raise ValidationError(str(refused)) from None
        recorder.create(enrolment)

    def _session(self, fields: dict, recorder) -> TrainingSession:
        """The row's session: on record (an earlier row of this file may have set it up), else new,
        with its series when that is new too. Found once per import: the rows of a session follow
        one another in the same transaction."""
        starts_on, unit = fields["starts_on"], fields["unit"]
        title = fold(fields["title"])  # as the preview grouped the rows
        key = (title, unit.pk, starts_on)
        if key in self.sessions_saved:
            return self.sessions_saved[key]
        series = next(
            (
                s
                for s in TrainingSeries.objects.filter(year=starts_on.year, unit=unit).order_by("pk")
                if fold(s.title) == title
            ),
            None,
        )
        if series is None:
            series = series_create(
                actor=self.actor,
                title=fields["title"],
                category=fields["category"],
                year=starts_on.year,
                unit=unit,
            )
            recorder.create(series)
        session = series.sessions.filter(starts_at__date=starts_on).order_by("starts_at", "pk").first()
        if session is None:
            starts_at = timezone.make_aware(datetime.combine(starts_on, DAY_STARTS))
            if fields["ends_on"] > starts_on:
                ends_at = timezone.make_aware(datetime.combine(fields["ends_on"], DAY_ENDS))
            else:
                ends_at = starts_at + timedelta(hours=float(min(fields["hours"], Decimal(12))))
            session = session_create(
                actor=self.actor, series=series, topic=fields["topic"], starts_at=starts_at, ends_at=ends_at,
                venue=fields["venue"], host_unit=unit, capacity=1, credit_hours=fields["hours"],
            )  # fmt: skip
            recorder.create(session)
        self.sessions_saved[key] = session
        return session


def _works_at(worker: SocialWorker, workplace: str) -> bool:
    employer = worker.employer_unit or worker.employer_organization
    if employer is None:
        return False
    return fold(workplace) in {fold(employer.name), fold(getattr(employer, "code", "") or "")}


def _person_key(enrolment: Enrolment) -> tuple:
    if enrolment.worker_id:
        return (enrolment.worker_id, "", "")
    return (None, fold(enrolment.outside_name), fold(enrolment.outside_unit))


def _number(hours: Decimal) -> str:
    return f"{hours.normalize():f}"
