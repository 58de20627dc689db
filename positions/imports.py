"""The registers of the workforce a bureau brings in from its spreadsheets (`socialwork.imports`):
positions, workers, exam results and awards, each row written through `position_save`,
`worker_save`, `exam_record` or `award_save`."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from positions.models import (
    Award,
    CertificateLevel,
    Exam,
    HostInstitution,
    Position,
    ServiceUnit,
    SocialWorker,
)
from positions.selectors.network import units_visible_to
from positions.selectors.workforce import workers_visible_to
from positions.services.honours import award_save
from positions.services.workforce import exam_record, position_save, worker_save
from socialwork.idnumbers import identity, validate_id_number
from socialwork.imports.cells import CHOICE, CODE, DATE, DECIMAL, ID_NUMBER, NUMBER, Column, fold, listing
from socialwork.imports.registry import Register, by_digest, by_value, held, register

SMALLINT_MAX = 32767

CERTIFICATE_ALIASES = {
    "none": ("无", "无证书", "未持证", "不要求"),
    "assistant": ("助理社会工作师", "助理社工师", "初级"),
    "social_worker": ("社会工作师", "社工师", "中级"),
    "senior": ("高级社会工作师", "高级社工师", "高级"),
}


class _UnitRegister(Register):
    """A register whose rows name a service unit by its code, which must lie in the actor's place."""

    unit_column = ""
    field_columns: dict[str, str] = {}

    def prepare(self, rows):
        codes = {str(row.get(self.unit_column, "")).strip() for row in rows}
        self.units = by_value(ServiceUnit.objects.all(), "code", codes)
        self.visible = held(units_visible_to(user=self.actor), "code", self.units)

    def unit(self, code: str, errors: dict) -> ServiceUnit | None:
        if not code:
            return None
        unit = self.units.get(code)
        if unit is None:
            errors.setdefault(self.unit_column, []).append(
                _("No service unit has the code “%(code)s”.") % {"code": code}
            )
        elif code not in self.visible:
            errors.setdefault(self.unit_column, []).append(
                _("The unit “%(code)s” is outside your place in the network.") % {"code": code}
            )
            unit = None
        return unit


@register
class PositionRegister(_UnitRegister):
    key = "positions"
    label = gettext_lazy("Positions")
    sheet_names = ("岗位", "Positions")
    permission = "positions.add_position"
    identity_column = "code"
    order = 20
    unit_column = "unit_code"
    field_columns = {"unit": "unit_code"}
    columns = (
        Column("code", "编码", "code", CODE, required=True, headers=("岗位编码",)),
        Column("title", "名称", "title", required=True, headers=("岗位名称",)),
        Column("unit_code", "服务单位编码", "unit_code", CODE, required=True),
        Column("host", "依托单位", "host", required=True),
        Column("category", "类别", "category", CHOICE, required=True, choices=Position.Category, aliases={
            "standardized": ("事业单位专设岗位", "规范化岗位", "直接规范岗位"),
            "grid": ("网格岗位", "村（社区）网格岗位", "网格社工岗位"),
            "assistant": ("民政助理岗位", "民政社工助理岗位"),
            "correction": ("社区矫正岗位", "社区矫正社工岗位"),
            "anti_drug": ("社区禁毒岗位", "禁毒社工岗位"),
            "assistance": ("乡镇专职社会救助岗位", "社会救助岗位"),
            "station": ("服务站岗位", "社工站岗位"),
        }),
        Column("setup_mode", "设岗方式", "setup_mode", CHOICE, required=True, choices=Position.SetupMode, aliases={
            "direct": ("直接规范", "直接规范设岗"),
            "government_employee": ("政府雇员",),
            "contract": ("合同聘用", "合同制"),
            "purchased": ("政府购买岗位", "购买岗位"),
        }),
        Column("quota", "定编人数", "quota", NUMBER),
        Column("duties", "岗位职责", "duties"),
        Column("required_level", "持证要求", "required_level", CHOICE, choices=CertificateLevel,
               aliases=CERTIFICATE_ALIASES),
        Column("established_on", "设立日期", "established_on", DATE),
        Column("policy_basis", "政策依据", "policy_basis"),
    )  # fmt: skip

    @classmethod
    def allowed_values(cls, key):
        return listing(HostInstitution.objects.values_list("name", flat=True)) if key == "host" else ""

    def prepare(self, rows):
        super().prepare(rows)
        if not hasattr(self, "hosts"):
            self.hosts = {fold(host.name): host for host in HostInstitution.objects.all()}
        codes = {str(row.get("code", "")).strip() for row in rows}
        self.on_file = by_value(Position.objects.all(), "code", codes)

    def on_record(self, identity):
        return self.on_file.get(identity)

    def check(self, values, errors):
        unit = self.unit(values["unit_code"], errors)
        host = None
        if values["host"]:
            host = self.hosts.get(fold(values["host"]))
            if host is None:
                errors.setdefault("host", []).append(
                    _("“%(host)s” is not a known host institution.") % {"host": values["host"]}
                )
        quota = values["quota"] if values["quota"] != "" else 1
        if not errors.get("quota") and not 1 <= quota <= SMALLINT_MAX:
            errors.setdefault("quota", []).append(_("The quota must be at least 1."))
        fields = {
            "code": values["code"],
            "title": values["title"],
            "unit": unit,
            "host": host,
            "category": values["category"],
            "setup_mode": values["setup_mode"],
            "quota": quota if isinstance(quota, int) else 1,
            "duties": values["duties"],
            "required_level": values["required_level"] or "none",
            "established_on": values["established_on"] or None,
            "policy_basis": values["policy_basis"],
        }
        self.clean_model(
            Position(**fields), errors, exclude=("unit", "host"), field_columns=self.field_columns
        )
        return fields

    def save(self, fields, *, existing, recorder):
        position = position_save(actor=self.actor, position=existing, **fields)
        (recorder.update if existing else recorder.create)(position)


@register
class WorkerRegister(_UnitRegister):
    key = "workers"
    label = gettext_lazy("Social workers")
    sheet_names = ("社工", "社会工作者", "Social workers")
    permission = "positions.add_socialworker"
    identity_column = "id_number"
    order = 30
    unit_column = "employer_unit_code"
    field_columns = {"employer_unit": "employer_unit_code"}
    columns = (
        Column("name", "姓名", "name", required=True),
        Column("gender", "性别", "gender", CHOICE, choices=SocialWorker.Gender, aliases={"female": ("女",), "male": ("男",)}),
        Column("birth_date", "出生日期", "birth_date", DATE),
        Column("id_number", "身份证号", "id_number", ID_NUMBER, required=True, headers=("身份证号码", "公民身份号码")),
        Column("phone", "电话", "phone", CODE, headers=("联系电话", "手机号码")),
        Column("education", "学历", "education", CHOICE, choices=SocialWorker.Education, aliases={
            "secondary": ("高中及以下", "中专", "高中", "初中"),
            "junior_college": ("大专", "专科"),
            "bachelor": ("本科", "大学本科"),
            "master": ("研究生", "硕士", "博士", "硕士及以上"),
        }),
        Column("major", "专业", "major"),
        Column("employer_unit_code", "工作单位编码", "employer_unit_code", CODE),
        Column("certificate_level", "证书等级", "certificate_level", CHOICE, choices=CertificateLevel,
               aliases=CERTIFICATE_ALIASES),
        Column("certificate_number", "证书编号", "certificate_number", CODE),
        Column("certificate_year", "取证年份", "certificate_year", NUMBER),
        Column("registration_number", "登记证号", "registration_number", CODE),
        Column("registered_on", "登记日期", "registered_on", DATE),
        Column("registration_valid_until", "登记有效期至", "registration_valid_until", DATE),
        Column("professional_title", "职称", "professional_title"),
    )  # fmt: skip

    def __init__(self, *, actor, pending=None):
        super().__init__(actor=actor, pending=pending)
        # Without an employer unit a record is seen only district-wide, so others must give one.
        self.needs_unit = not (actor.is_superuser or actor.is_district_wide)
        self.certificates_seen: dict[str, int] = {}

    def prepare(self, rows):
        super().prepare(rows)
        ids = {str(row.get("id_number", "")).strip().upper() for row in rows}
        self.on_file = by_digest(SocialWorker.objects.all(), "id_number_digest", ids)
        certificates = {str(row.get("certificate_number", "")).strip() for row in rows}
        self.certificates_on_file = by_value(SocialWorker.objects.all(), "certificate_number", certificates)

    def on_record(self, identity):
        return self.on_file.get(identity)

    def check(self, values, errors):
        unit = self.unit(values["employer_unit_code"], errors)
        if self.needs_unit and not values["employer_unit_code"] and "employer_unit_code" not in errors:
            errors["employer_unit_code"] = [_("Give the unit inside your place where this person works.")]

        id_number = values["id_number"]
        if id_number and "id_number" not in errors:
            try:
                validate_id_number(id_number)
            except ValidationError as error:
                errors["id_number"] = list(error.messages)
            else:
                self._match_id_number(id_number, values, errors)
        self._certificate(values, errors)
        year = values["certificate_year"]
        if year != "" and not 1900 <= year <= date.today().year:
            errors.setdefault("certificate_year", []).append(
                _("%(year)s is not a possible certificate year.") % {"year": year}
            )
        registered, valid_until = values["registered_on"], values["registration_valid_until"]
        if registered and valid_until and valid_until < registered:
            errors.setdefault("registration_valid_until", []).append(
                _("The registration cannot end before it was made.")
            )

        fields = {
            "name": values["name"],
            "gender": values["gender"],
            "birth_date": values["birth_date"] or None,
            "id_number": id_number,
            "phone": values["phone"],
            "education": values["education"],
            "major": values["major"],
            "employer_unit": unit,
            "certificate_level": values["certificate_level"] or "none",
            "certificate_number": values["certificate_number"],
            "certificate_year": year if isinstance(year, int) else None,
            "registration_number": values["registration_number"],
            "registered_on": registered or None,
            "registration_valid_until": valid_until or None,
            "professional_title": values["professional_title"],
        }
        # The ID number is checked above, and for the whole file by its digest: the model's own
        # check of it (a query for each row) is left to the save.
        self.clean_model(
            SocialWorker(**{**fields, "id_number": ""}), errors,
            exclude=("employer_unit", "employer_organization", "user", "id_number"),
            field_columns=self.field_columns,
        )  # fmt: skip
        return fields

    def _certificate(self, values, errors):
        """A certificate number names one person: not twice in the file, nor someone else's."""
        number = values["certificate_number"]
        if not number:
            return
        earlier = self.certificates_seen.setdefault(number, self.row)
        holder = self.certificates_on_file.get(number)
        if earlier != self.row:
            errors.setdefault("certificate_number", []).append(
                _("“%(value)s” is also on row %(row)d of this file.") % {"value": number, "row": earlier}
            )
        elif holder is not None and holder != self.on_file.get(values["id_number"]):
            errors.setdefault("certificate_number", []).append(
                _("“%(value)s” is already on record.") % {"value": number}
            )

    @staticmethod
    def _match_id_number(id_number: str, values: dict, errors: dict) -> None:
        """The birth date and gender written in the row must be those the ID number holds; blank
        ones are read from it (`socialwork.idnumbers.identity`, as for a worker saved one by one)."""
        try:
            values.update(
                identity(id_number, birth_date=values["birth_date"] or None, gender=values["gender"] or "")
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                errors.setdefault(name, []).extend(messages)

    def save(self, fields, *, existing, recorder):
        worker = worker_save(actor=self.actor, worker=existing, **fields)
        (recorder.update if existing else recorder.create)(worker)


class _WorkerRecordRegister(Register):
    """A register whose rows name a social worker by ID number (found by its digest, among the
    workers the person sees), and optionally by name, which must then be the worker's. A worker
    the 社工 sheet of the same workbook brings in is accepted in the preview and found at save."""

    identity_column = "id_number"

    def __init__(self, *, actor, pending=None):
        super().__init__(actor=actor, pending=pending)
        self.matched: dict[str, object] = {}  # identity → the record on file it names, by `check`

    def on_record(self, identity):
        return self.matched.get(identity)

    def prepare(self, rows):
        ids = {str(row.get("id_number", "")).strip().upper() for row in rows}
        self.workers = by_digest(workers_visible_to(user=self.actor), "id_number_digest", ids)

    def worker(self, values, errors) -> SocialWorker | None:
        """The worker the row names; None with an error, or None for one pending in the workbook."""
        id_number = values["id_number"]
        if not id_number or "id_number" in errors:
            return None
        try:
            validate_id_number(id_number)
        except ValidationError as error:
            errors["id_number"] = list(error.messages)
            return None
        worker = self.workers.get(id_number)
        if worker is None:
            if id_number not in self.pending.get("workers", set()):
                errors["id_number"] = [_("No social worker you can see has this ID number.")]
            return None
        if values["name"] and fold(values["name"]) != fold(worker.name):
            errors.setdefault("name", []).append(
                _("This ID number is %(name)s's, not %(given)s's.")
                % {"name": worker.name, "given": values["name"]}
            )
        return worker

    def worker_at_save(self, fields) -> SocialWorker:
        """The worker, looked up again when an earlier sheet of the workbook created them."""
        if fields["worker"] is not None:
            return fields["worker"]
        found = by_digest(workers_visible_to(user=self.actor), "id_number_digest", [fields["id_number"]])
        if not found:
            raise ValidationError({"id_number": _("No social worker you can see has this ID number.")})
        return found[fields["id_number"]]

    def year(self, values, errors, *, since: int) -> int | None:
        year = values["year"]
        if year == "" or "year" in errors:
            return None
        if not since <= year <= date.today().year:
            errors.setdefault("year", []).append(_("%(year)s is not a possible year.") % {"year": year})
            return None
        return year


class ExamResult(models.TextChoices):
    PASSED = "passed", gettext_lazy("Passed")
    FAILED = "failed", gettext_lazy("Not passed")


@register
class ExamRegister(_WorkerRecordRegister):
    """Results of the national professional level exam. A pass above the worker's certificate
    raises it, as `exam_record` does for a result entered by hand."""

    key = "exams"
    label = gettext_lazy("Exam results")
    sheet_names = ("考试成绩", "职业水平考试", "Exam results")
    permission = "positions.add_exam"
    order = 35
    columns = (
        Column("name", "姓名", "name"),
        Column("id_number", "身份证号", "id_number", ID_NUMBER, required=True, headers=("身份证号码", "公民身份号码")),
        Column("year", "考试年份", "year", NUMBER, required=True, headers=("年份", "考试年度")),
        Column("level", "考试级别", "level", CHOICE, required=True, choices=CertificateLevel,
               aliases=CERTIFICATE_ALIASES, headers=("级别", "报考级别")),
        Column("result", "考试结果", "result", CHOICE, required=True, choices=ExamResult, aliases={
            "passed": ("通过", "合格", "已通过", "是", "达标", "pass", "yes"),
            "failed": ("未通过", "不合格", "不通过", "否", "未达标", "fail", "no"),
        }, headers=("结果", "是否通过")),
        Column("score", "成绩", "score", DECIMAL, headers=("分数", "总分", "考试成绩")),
    )  # fmt: skip

    def prepare(self, rows):
        super().prepare(rows)
        self.exams = {
            (exam.worker_id, exam.year, exam.level): exam
            for exam in Exam.objects.filter(worker__in=list(self.workers.values())).select_related("worker")
        }

    def identity(self, values):
        if not (values["id_number"] and values["year"] and values["level"]):
            return ""
        return f"{values['id_number']} {values['year']} {CertificateLevel(values['level']).label}"

    def check(self, values, errors):
        worker = self.worker(values, errors)
        year = self.year(values, errors, since=2008)  # the national exam was first held in 2008
        if values["level"] == CertificateLevel.NONE:
            errors.setdefault("level", []).append(_("Give the level of the exam sat."))
        score = values["score"]
        if score != "" and not Decimal(0) <= score < Decimal(10000):
            errors.setdefault("score", []).append(_("%(score)s is not a possible score.") % {"score": score})
        elif score != "" and score != score.quantize(Decimal("0.1")):
            errors.setdefault("score", []).append(_("Give the score to one decimal place."))
        if worker is not None and year is not None and not errors:
            self.matched[self.identity(values)] = self.exams.get((worker.pk, year, values["level"]))
        return {
            "worker": worker,
            "id_number": values["id_number"],
            "year": year,
            "level": values["level"],
            "passed": values["result"] == ExamResult.PASSED,
            "score": score if score != "" else None,
        }

    def save(self, fields, *, existing, recorder):
        worker = self.worker_at_save(fields)
        level_before = worker.certificate_level
        exam = exam_record(
            actor=self.actor, worker=worker, year=fields["year"], level=fields["level"],
            passed=fields["passed"], score=fields["score"],
        )  # fmt: skip
        (recorder.update if existing else recorder.create)(exam)
        if exam.worker.certificate_level != level_before:
            recorder.update(exam.worker)  # the pass raised the worker's certificate


@register
class AwardRegister(_WorkerRecordRegister):
    key = "awards"
    label = gettext_lazy("Awards")
    sheet_names = ("表彰奖励", "荣誉表彰", "Awards")
    permission = "positions.add_award"
    order = 36
    columns = (
        Column("name", "姓名", "name"),
        Column("id_number", "身份证号", "id_number", ID_NUMBER, required=True, headers=("身份证号码", "公民身份号码")),
        Column("award", "荣誉名称", "award", required=True, headers=("表彰名称", "奖励名称", "荣誉称号")),
        Column("level", "表彰级别", "level", CHOICE, required=True, choices=Award.Level, aliases={
            "national": ("国家", "全国", "国家级", "部级", "全国性"),
            "provincial": ("省", "省级", "省部级", "湖北省"),
            "city": ("市", "市级", "地市级", "宜昌市"),
            "district": ("区", "区级", "县级", "区县级", "县区级"),
        }, headers=("级别", "荣誉级别")),
        Column("year", "年份", "year", NUMBER, required=True, headers=("表彰年份", "获奖年份", "年度")),
        Column("awarded_by", "颁发单位", "awarded_by", headers=("授予单位", "表彰单位", "颁奖单位")),
    )  # fmt: skip

    def prepare(self, rows):
        super().prepare(rows)
        self.awards = {
            (award.worker_id, fold(award.name), award.year): award
            for award in Award.objects.filter(worker__in=list(self.workers.values()))
        }

    def identity(self, values):
        if not (values["id_number"] and values["award"] and values["year"]):
            return ""
        return f"{values['id_number']} {values['year']} {values['award']}"

    def check(self, values, errors):
        worker = self.worker(values, errors)
        year = self.year(values, errors, since=1949)
        fields = {
            "name": values["award"],
            "level": values["level"],
            "year": year,
            "worker": worker,
            "awarded_by": values["awarded_by"],
        }
        self.clean_model(Award(**fields), errors, exclude=("worker",), field_columns={"name": "award"})
        if worker is not None and year is not None and not errors:
            self.matched[self.identity(values)] = self.awards.get((worker.pk, fold(values["award"]), year))
        return {**fields, "id_number": values["id_number"]}

    def save(self, fields, *, existing, recorder):
        fields = {**fields, "worker": self.worker_at_save(fields)}
        fields.pop("id_number")
        award = award_save(actor=self.actor, award=existing, **fields)
        (recorder.update if existing else recorder.create)(award)
