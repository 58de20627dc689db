"""The register of social organizations a bureau brings in from its spreadsheet (sheet 社会组织,
`socialwork.imports`), each row written through `organization_save` and its teams through
`organization_teams_add`.

A bureau's 社会组织名录 holds one row per organization; its professional service teams are listed in
one cell, separated by 、 or a comma, each optionally with its speciality in brackets:
"康复训练队（康复）、法律服务队". An organization is found by its unified social credit code, or by
its name when it has none (a filed community organization often has no code)."""

import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from positions.selectors.network import regions_visible_to
from projects.models import ServiceArea, SocialOrganization
from projects.services import organization_save, organization_teams_add
from socialwork.creditcodes import validate_credit_code
from socialwork.imports.cells import (
    CHOICE,
    CODE,
    DATE,
    NUMBER,
    Column,
    choice_lookup,
    fold,
    listing,
    parse_choice,
)
from socialwork.imports.registry import Register, by_value, register

SEPARATORS = re.compile(r"[、,，;；/\n]+")
BRACKETED = re.compile(r"^(?P<name>.+?)\s*[（(](?P<speciality>[^）)]*)[）)]$")

SERVICE_AREAS = Column("service_areas", "服务领域", "service_areas", CHOICE, choices=ServiceArea, aliases={
    "youth": ("青少年", "青少年服务", "青少年事务"),
    "health": ("医务", "医务社工", "卫生健康", "医疗"),
    "correction": ("矫正", "社区矫正服务", "司法社工"),
    "military": ("优抚", "退役军人", "军休", "双拥"),
    "family": ("家庭", "婚姻家庭", "家庭综合服务", "妇女儿童"),
    "left_behind": ("三留守", "留守儿童", "留守老人", "留守妇女", "三留守人员"),
    "special_groups": ("特殊人群", "困境人群", "社会救助"),
    "elderly": ("养老", "为老服务", "老年人", "居家养老"),
    "disability": ("残疾人", "残障", "助残", "康复"),
    "other": ("其他", "综合", "社区治理"),
})  # fmt: skip


@register
class OrganizationRegister(Register):
    key = "organizations"
    label = gettext_lazy("Social organizations")
    sheet_names = ("社会组织", "社会组织名录", "Social organizations")
    permission = "projects.add_socialorganization"
    identity_column = "credit_code"
    order = 10
    field_columns = {"region": "region", "service_areas": "service_areas"}
    columns = (
        Column("name", "名称", "name", required=True, headers=("组织名称", "机构名称", "社会组织名称")),
        Column("credit_code", "统一社会信用代码", "credit_code", CODE, headers=("信用代码", "社会信用代码")),
        Column("registration", "登记或备案", "registration", CHOICE, choices=SocialOrganization.Registration,
               aliases={"registered": ("已登记", "民政登记", "登记注册", "注册"),
                        "filed": ("已备案", "街道备案", "社区备案")},
               headers=("登记/备案", "登记备案", "登记类型")),
        Column("kind", "组织类型", "kind", CHOICE, choices=SocialOrganization.Kind, aliases={
            "institution": ("社工机构", "社会工作服务机构", "民办社工机构", "民办非企业单位", "社会服务机构"),
            "association": ("社团", "协会", "社会团体法人"),
            "foundation": ("基金会",),
            "community": ("社区组织",),
        }, headers=("类型", "组织类别")),
        Column("registered_on", "登记日期", "registered_on", DATE, headers=("成立日期", "登记（备案）日期", "备案日期")),
        Column("grade", "评估等级", "grade", CHOICE, choices=SocialOrganization.Grade, aliases={
            "": ("未评估", "未评级", "无"),
            "1A": ("A", "1A级", "一A"), "2A": ("AA", "2A级", "二A"), "3A": ("AAA", "3A级", "三A"),
            "4A": ("AAAA", "4A级", "四A"), "5A": ("AAAAA", "5A级", "五A"),
        }, headers=("等级",)),
        Column("grade_year", "评估年份", "grade_year", NUMBER, headers=("评估年度",)),
        Column("service_areas", "服务领域", "service_areas", headers=("业务范围", "服务范围")),
        Column("region", "所在区域", "region", headers=("所在街道", "所在镇街", "所属区域")),
        Column("legal_representative", "法定代表人", "legal_representative", headers=("法人代表", "法人")),
        Column("contact_person", "联系人", "contact_person"),
        Column("phone", "联系电话", "phone", CODE, headers=("电话",)),
        Column("address", "地址", "address", headers=("住所", "办公地址")),
        Column("teams", "专业服务团队", "teams", headers=("服务团队", "团队")),
    )  # fmt: skip

    def __init__(self, *, actor, pending=None):
        super().__init__(actor=actor, pending=pending)
        self.area_lookup = choice_lookup(SERVICE_AREAS)
        self.names_seen: dict[str, int] = {}
        self.matched: dict[str, SocialOrganization | None] = {}
        self.regions = None

    @classmethod
    def allowed(cls, user) -> bool:
        # organization_save: the district's administrators register organizations.
        return super().allowed(user) and user.is_district_wide

    @classmethod
    def allowed_values(cls, key):
        if key == "service_areas":
            return _("One or more of: %(areas)s, separated by 、") % {"areas": listing(ServiceArea.labels)}
        if key == "teams":
            return _("Team names separated by 、; a speciality in brackets: 康复训练队（康复）、法律服务队")
        if key == "credit_code":
            return _("18 characters; blank for an organization filed without one")
        return ""

    def prepare(self, rows):
        if self.regions is None:  # a few hundred names at most: read once for the whole file
            self.regions = {}
            for region in regions_visible_to(user=self.actor).only("pk", "name", "path"):
                self.regions.setdefault(fold(region.name), []).append(region)
        codes = {str(row.get("credit_code", "")).strip().upper() for row in rows}
        names = {str(row.get("name", "")).strip() for row in rows}
        self.by_code = by_value(SocialOrganization.objects.all(), "credit_code", codes)
        self.by_name = by_value(SocialOrganization.objects.all(), "name", names)

    def identity(self, values):
        return values["credit_code"] or values["name"]

    def on_record(self, identity):
        return self.matched.get(identity)

    def check(self, values, errors):
        code = values["credit_code"] = str(values["credit_code"]).upper().replace(" ", "")
        if code:
            try:
                validate_credit_code(code)
            except ValidationError as error:
                errors["credit_code"] = list(error.messages)
        self._name(values, errors)
        registered_on = values["registered_on"]
        if registered_on and registered_on > timezone.localdate():
            errors.setdefault("registered_on", []).append(_("This date is in the future."))
        year = values["grade_year"]
        if year != "" and not 2000 <= year <= timezone.localdate().year:
            errors.setdefault("grade_year", []).append(
                _("%(year)s is not a possible year of evaluation.") % {"year": year}
            )
        if year != "" and not values["grade"] and "grade" not in errors:
            errors.setdefault("grade", []).append(_("Give the grade the year of evaluation is for."))
        fields = {
            "name": values["name"],
            "credit_code": code,
            "registration": values["registration"] or SocialOrganization.Registration.REGISTERED,
            "kind": values["kind"] or SocialOrganization.Kind.COMMUNITY,
            "registered_on": registered_on or None,
            "grade": values["grade"],
            "grade_year": year if isinstance(year, int) else None,
            "service_areas": self._areas(values["service_areas"], errors),
            "region": self._region(values["region"], errors),
            "legal_representative": values["legal_representative"],
            "contact_person": values["contact_person"],
            "phone": values["phone"],
            "address": values["address"],
        }
        self.clean_model(
            SocialOrganization(**fields), errors, exclude=("region",), field_columns=self.field_columns
        )
        fields["teams"] = self._teams(values["teams"], errors)
        return fields

    def _name(self, values, errors):
        """The organization on record the row names: by its credit code, else by its name (one
        filed without a code, or given its code now). A name names one organization: not twice
        in the file, nor another code's on record."""
        name, code = values["name"], values["credit_code"]
        if not name or "credit_code" in errors:
            return
        earlier = self.names_seen.setdefault(fold(name), self.row)
        if earlier != self.row and code:  # without a code the name is the identity: repeats are found there
            errors.setdefault("name", []).append(
                _("“%(value)s” is also on row %(row)d of this file.") % {"value": name, "row": earlier}
            )
        by_code, by_name = self.by_code.get(code) if code else None, self.by_name.get(name)
        holder = by_code or (by_name if by_name is not None and not by_name.credit_code else None)
        if by_name is not None and by_name != holder:
            errors.setdefault("name", []).append(
                _("An organization of this name is on record with the credit code %(code)s.")
                % {"code": by_name.credit_code}
                if by_name.credit_code
                else _("Another organization of this name is on record.")
            )
        self.matched[code or name] = holder

    def _areas(self, text: str, errors) -> list[str]:
        areas = []
        for part in SEPARATORS.split(text):
            if part.strip():
                try:
                    areas.append(parse_choice(part.strip(), self.area_lookup, SERVICE_AREAS))
                except ValueError as error:
                    errors.setdefault("service_areas", []).append(str(error))
        return areas

    def _region(self, name: str, errors):
        if not name:
            return None
        found = self.regions.get(fold(name), [])
        if len(found) == 1:
            return found[0]
        message = (
            _("“%(name)s” is not a town, street or community of your district.")
            if not found
            else _("More than one place is called “%(name)s”; give the town or street instead.")
        )
        errors.setdefault("region", []).append(message % {"name": name})
        return None

    @staticmethod
    def _teams(text: str, errors) -> list[tuple[str, str]]:
        teams = []
        for part in SEPARATORS.split(text):
            part = part.strip()
            if not part:
                continue
            match = BRACKETED.match(part)
            name, speciality = (match["name"], match["speciality"]) if match else (part, "")
            if len(name) > 150 or len(speciality) > 100:
                errors.setdefault("teams", []).append(
                    _("The team “%(name)s” has too long a name.") % {"name": name[:20]}
                )
                continue
            teams.append((name.strip(), speciality.strip()))
        return teams

    def save(self, fields, *, existing, recorder):
        teams = fields.pop("teams")
        organization = organization_save(actor=self.actor, organization=existing, **fields)
        (recorder.update if existing else recorder.create)(organization)
        for team in organization_teams_add(actor=self.actor, organization=organization, teams=teams):
            recorder.create(team)
