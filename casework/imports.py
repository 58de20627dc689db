"""The registers of clients, open cases and closed cases of past years a station brings in from its
spreadsheets (`socialwork.imports`), each row written through casework's own services: a client
through `client_register` (or `client_update`), a case through `case_import`, so that an imported
record is seen by exactly those who would see it had it been entered by hand (`client_scope`,
`case_scope`) and carries the same audit rows.

Choices made here:
- Household members are a column of the client's row ("张三(父亲)、李四(母亲，务农)"), not a sheet
  of their own: a member belongs to one client, the bureau's registers keep them on the client's
  line, and the client's ID number stays the one identity of the row.
- A closed case of past years is a Case in the closed state, with its closing day and an approved
  Closing holding its reason and summary, not a model of its own: the figures, the dashboard, the
  practice assessment's evidence and every list already count closed cases by `status` and
  `closed_on`, so a summary counts wherever a closed case counts without any of them changing.
- The date a client signed the consent form on paper is the client's `consent_recorded_on`, with
  the consent to services and to the processing of their data: the same rule as on the page
  (`consent_date_check`), and without it no client is registered.
- The ID number is required: it is the client's identity (found by its digest, nobody's number is
  decrypted) and how a case's row names its client.
"""

import re

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework.categories import BUILT_IN
from casework.models import Case, Client, Closing, HouseholdMember, VulnerabilityCategory
from casework.models.common import RiskLevel
from casework.selectors import case_scope, clients_visible_to, station_of
from casework.services import (
    case_import,
    client_import_check,
    client_register,
    client_update,
    consent_date_check,
)
from positions.models import Region, SocialWorker
from socialwork.idnumbers import identity, validate_id_number
from socialwork.imports.cells import CHOICE, CODE, DATE, ID_NUMBER, Column, fold, listing, parse_id_number
from socialwork.imports.registry import Register, by_digest, register
from socialwork.roles import Role

ID_PATTERN = re.compile(r"\d{17}[\dX]")
SEPARATORS = "、,，;；/\n"
MAX_MEMBERS = 20

# The bureau's own words for each built-in category (by code), beside its name in either language.
CATEGORY_ALIASES = {
    "low_income": ("低保", "低保户", "低保家庭", "低保对象", "低收入", "低收入人口", "低保边缘", "低保边缘家庭",
                   "特困", "特困人员", "特困供养", "特困供养人员", "五保", "五保户"),
    "disabled": ("残疾", "残疾人", "残障", "残障人士"),
    "elderly_alone": ("独居", "独居老人", "空巢独居老人"),
    "children_in_distress": ("困境儿童", "事实无人抚养儿童", "孤儿"),
    "left_behind_children": ("留守儿童", "农村留守儿童"),
    "left_behind_elderly": ("留守老人", "空巢老人"),
    "left_behind_women": ("留守妇女",),
    "autism": ("孤独症", "自闭症", "孤独症儿童"),
    "community_correction": ("社区矫正", "社区矫正对象", "矫正对象"),
    "drug_rehabilitation": ("戒毒康复", "社区戒毒", "社区康复", "戒毒人员", "社区戒毒康复人员"),
}  # fmt: skip

R = HouseholdMember.Relation
RELATION_WORDS = {
    R.SPOUSE: ("配偶", "妻子", "丈夫", "爱人", "妻", "夫", "老伴"),
    R.CHILD: ("子女", "儿子", "女儿", "子", "女", "长子", "次子", "长女", "次女", "孩子", "养子", "养女"),
    R.PARENT: ("父母", "父亲", "母亲", "父", "母", "爸爸", "妈妈", "继父", "继母", "养父", "养母"),
    R.SIBLING: ("兄弟姐妹", "兄弟", "姐妹", "哥哥", "姐姐", "弟弟", "妹妹", "兄", "姐", "弟", "妹"),
    R.GRANDPARENT: ("祖父母", "祖父", "祖母", "爷爷", "奶奶", "外祖父", "外祖母", "外公", "外婆", "姥姥", "姥爷"),
    R.GRANDCHILD: ("孙子女", "孙子", "孙女", "外孙", "外孙女"),
    # Kin the bureau writes by name: kept as "other" with the word itself as the situation.
    R.OTHER: ("其他", "叔叔", "伯伯", "伯父", "叔父", "舅舅", "姑姑", "姨妈", "阿姨", "婶婶", "侄子", "侄女",
              "儿媳", "女婿", "监护人", "亲属"),
}  # fmt: skip

STATUS_ALIASES = {
    "intake": ("接案", "接案中", "已接案", "新接案"),
    "assessment": ("预估", "需求评估", "预估中"),
    "planning": ("计划", "制定计划", "服务计划"),
    "intervention": ("介入", "服务中", "跟进中", "介入中", "在办"),
    "evaluation": ("评估", "成效评估", "评估中"),
    "closed": ("结案", "已结案", "结束"),
    "reopened": ("重新开案", "重启"),
}
SOURCE_ALIASES = {
    "walk_in": ("主动求助", "来访", "自行求助", "来电来访"),
    "referral": ("转介", "他人转介", "部门转介", "社区转介"),
    "outreach": ("主动发现", "外展", "走访发现", "排查发现"),
    "hotline": ("热线", "12345", "12349", "热线电话"),
}
RISK_ALIASES = {"low": ("低", "低风险"), "medium": ("中", "中风险", "一般"), "high": ("高", "高风险")}
REASON_ALIASES = {
    "goals_reached": ("目标达成", "服务目标达成", "已达成目标", "目标已达成", "问题解决", "正常结案"),
    "client_withdrew": ("主动退出", "服务对象退出", "本人要求结案", "不愿继续"),
    "moved_away": ("迁出", "搬离", "外迁", "搬迁"),
    "referred_on": ("转介", "转介结案", "转介其他机构"),
    "no_contact": ("失联", "联系不上", "无法联系"),
    "died": ("死亡", "去世", "离世", "病故"),
    "other": ("其他",),
}


def _raw_ids(rows, *keys) -> set[str]:
    """The ID numbers a chunk's cells hold, read as the column reads them, for its look-ups."""
    found = set()
    for row in rows:
        for key in keys:
            try:
                found.add(parse_id_number(row.get(key, "")))
            except ValueError:
                continue
    return found - {""}


def _name_forms(text: str) -> set[str]:
    """A person's name as a register writes it: as given, and without a trailing note in brackets
    (the accounts' names read 胡群泽（社工）)."""
    text = text or ""
    return {fold(text), fold(re.sub(r"[（(][^（()）]*[)）]\s*$", "", text))} - {""}


class _CaseworkRegister(Register):
    """A register of case records: written by someone at a service station, into their station."""

    field_columns: dict[str, str] = {}

    @classmethod
    def allowed(cls, user) -> bool:
        return super().allowed(user) and station_of(getattr(user, "unit", None)) is not None

    def __init__(self, *, actor, pending=None):
        super().__init__(actor=actor, pending=pending)
        self.station = station_of(actor.unit) if actor.unit_id else None
        self._categories = None

    # Categories

    def category_lookup(self) -> dict[str, VulnerabilityCategory]:
        """Every spelling of each category in use (its name, the built-in label in both languages
        and the bureau's own words), folded, to the category: read once per import."""
        if self._categories is None:
            lookup = {}
            categories = list(VulnerabilityCategory.objects.filter(active=True))
            by_code = {category.code: category for category in categories if category.code}
            for code, words in CATEGORY_ALIASES.items():
                if code in by_code:
                    lookup.update({fold(word): by_code[code] for word in words})
            for language in ("en", "zh-hans"):
                with translation.override(language):
                    lookup.update(
                        {fold(str(BUILT_IN[code])): c for code, c in by_code.items() if code in BUILT_IN}
                    )
            lookup.update({fold(category.name): category for category in categories})
            self._categories = (lookup, [category.name for category in categories])
        return self._categories[0]

    def category(self, text: str, key: str, errors: dict) -> VulnerabilityCategory | None:
        if not text:
            return None
        found = self.category_lookup().get(fold(text))
        if found is None:
            errors.setdefault(key, []).append(
                _("“%(value)s” is not a category in use. The categories are: %(allowed)s.")
                % {"value": text, "allowed": listing(self._categories[1])}
            )
        return found


# Clients


def _split_members(text: str) -> list[str]:
    """The members of a household column, split on 、 , ; and new lines outside brackets."""
    items, current, depth = [], [], 0
    for char in text:
        if char in "(（":
            depth += 1
        elif char in ")）":
            depth = max(depth - 1, 0)
        if char in SEPARATORS and depth == 0:
            items.append("".join(current))
            current = []
        else:
            current.append(char)
    items.append("".join(current))
    return [item.strip() for item in items if item.strip()]


RELATION_LOOKUP = {fold(word): relation for relation, words in RELATION_WORDS.items() for word in words}


def _relation_labels() -> dict[str, str]:
    """The relations' labels in both languages (Father is no label: Parent is), folded."""
    labels = {}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            labels.update({fold(label): value for value, label in R.choices})
    return labels


def parse_household(text: str) -> list[dict]:
    """Household members as the register writes them: 张三(父亲)、李四(母亲，务农). Raises ValueError
    naming what cannot be read."""
    members = []
    for item in _split_members(text):
        match = re.fullmatch(r"(.+?)\s*[（(]\s*(.*?)\s*[)）]", item)
        if match is None:
            raise ValueError(
                _("Write each member as name(relation), such as 张三(父亲)、李四(母亲): “%(value)s”.")
                % {"value": item}
            )
        name, inside = match.group(1).strip(), match.group(2)
        word, *rest = re.split(r"[，,；;：:\s]", inside, maxsplit=1)
        situation = rest[0] if rest else ""
        relation = RELATION_LOOKUP.get(fold(word)) or _relation_labels().get(fold(word))
        if relation is None:
            raise ValueError(
                _("“%(word)s” is not a relation: write 配偶, 子女, 父母, 兄弟姐妹, 祖父母, 孙子女 or 其他.")
                % {"word": word or item}
            )
        situation = situation.strip()
        if relation == R.OTHER and fold(word) not in {
            fold("其他"),
            *(k for k, v in _relation_labels().items() if v == R.OTHER),
        }:
            situation = f"{word}，{situation}" if situation else word
        members.append({"name": name, "relation": relation, "situation": situation})
    if len(members) > MAX_MEMBERS:
        raise ValueError(
            _("A household of more than %(count)d members cannot be right.") % {"count": MAX_MEMBERS}
        )
    return members


@register
class ClientRegister(_CaseworkRegister):
    key = "clients"
    label = gettext_lazy("Clients")
    sheet_names = ("服务对象", "Clients")
    permission = "casework.add_client"
    identity_column = "id_number"
    order = 70
    field_columns = {"consent_recorded_on": "consent_on", "consents_to_data_processing": "consent_on"}
    columns = (
        Column("name", "姓名", "name", required=True, headers=("服务对象姓名",)),
        Column("id_number", "身份证号", "id_number", ID_NUMBER, required=True,
               headers=("身份证号码", "公民身份号码", "身份证")),
        Column("gender", "性别", "gender", CHOICE, choices=Client.Gender, aliases={"female": ("女",), "male": ("男",)}),
        Column("birth_date", "出生日期", "birth_date", DATE, headers=("出生年月",)),
        Column("phone", "联系电话", "phone", CODE, headers=("电话", "手机号码", "手机")),
        Column("address", "住址", "address", headers=("家庭住址", "现住址", "地址", "居住地址")),
        Column("community", "所在社区（村）", "community", required=True,
               headers=("社区（村）", "所在社区", "所属社区", "社区", "村（社区）", "所在村（社区）")),
        Column("categories", "对象类别", "categories", headers=("困难类别", "类别", "人员类别", "服务对象类别")),
        Column("household", "家庭成员", "household", headers=("家庭成员情况", "共同生活家庭成员")),
        Column("consent_on", "知情同意日期", "consent_on", DATE, required=True,
               headers=("签署知情同意书日期", "知情同意书签署日期", "同意书日期")),
    )  # fmt: skip

    @classmethod
    def allowed_values(cls, key):
        if key == "categories":
            names = VulnerabilityCategory.objects.filter(active=True).values_list("name", flat=True)
            return _("%(names)s; several separated by 、") % {"names": listing(names)}
        if key == "household":
            return "张三(父亲)、李四(母亲，务农)"
        if key == "community":
            return _("A community or village of your station's town or street, by name or code.")
        if key == "consent_on":
            return _("The day the client (or guardian) signed the consent form.")
        return ""

    def __init__(self, *, actor, pending=None):
        super().__init__(actor=actor, pending=pending)
        self._communities = None

    def prepare(self, rows):
        ids = _raw_ids(rows, "id_number")
        # Only clients the person sees: a number on record elsewhere is told nobody here (intake's
        # rule); the client is registered and flagged, as at intake.
        self.on_file = by_digest(clients_visible_to(user=self.actor), "id_number_digest", ids)
        if self._communities is None:
            self._communities = self._town_communities()

    def _town_communities(self) -> tuple[dict, dict]:
        """The communities and villages of the station's town or street, by folded name and code,
        and every other one in the district by name (to tell "elsewhere" from "unknown")."""
        if self.station is None:
            return {}, {}
        town = self.station.region.town_path
        here, elsewhere = {}, {}
        for region in Region.objects.filter(
            level__in=Region.COMMUNITY_LEVELS, path__startswith=self.station.region.district_path
        ):
            target = here if region.path.startswith(town) else elsewhere
            target.setdefault(fold(region.name), region)
            target.setdefault(fold(region.code), region)
        return here, elsewhere

    def on_record(self, identity):
        return self.on_file.get(identity)

    def community(self, text: str, errors: dict) -> Region | None:
        if not text:
            return None
        here, elsewhere = self._communities
        found = here.get(fold(text))
        if found is None:
            message = (
                _("“%(value)s” is not in your station's town or street.")
                if fold(text) in elsewhere
                else _("No community or village is called “%(value)s”.")
            )
            errors.setdefault("community", []).append(message % {"value": text})
        return found

    def check(self, values, errors):
        id_number = values["id_number"]
        if id_number and "id_number" not in errors:
            try:
                validate_id_number(id_number)
                values.update(
                    identity(
                        id_number, birth_date=values["birth_date"] or None, gender=values["gender"] or ""
                    )
                )
            except ValidationError as error:
                for name, messages in getattr(error, "error_dict", {"id_number": error}).items():
                    errors.setdefault(name, []).extend(ValidationError(messages).messages)
        community = self.community(values["community"], errors)
        categories = []
        for name in _split_members(values["categories"]) if values["categories"] else []:
            category = self.category(name, "categories", errors)
            if category is not None and category not in categories:
                categories.append(category)
        household = None
        if values["household"]:
            try:
                household = parse_household(values["household"])
            except ValueError as error:
                errors.setdefault("household", []).append(str(error))
        if values["consent_on"]:
            try:
                consent_date_check(values["consent_on"])
            except ValidationError as error:
                errors.setdefault("consent_on", []).extend(error.messages)
        fields = {
            "name": values["name"],
            "gender": values["gender"],
            "birth_date": values["birth_date"] or None,
            "id_number": id_number,
            "phone": values["phone"],
            "address": values["address"],
            "community": community,
            "consents_to_services": True,
            "consents_to_data_processing": True,
            "consent_recorded_on": values["consent_on"] or None,
        }
        self.clean_model(
            Client(**{name: value for name, value in fields.items() if name != "community"}),
            errors,
            exclude=(
                "community",
                "station",
                "created_by",
                "id_number_digest",
                "id_number",
                "phone",
                "address",
            ),
            field_columns=self.field_columns,
        )
        for member in household or []:
            self.clean_model(HouseholdMember(**member), errors, exclude=("client",),
                             field_columns={"name": "household", "relation": "household", "situation": "household"})  # fmt: skip
        return {**fields, "categories": categories, "household": household}

    def save(self, fields, *, existing, recorder):
        fields = dict(fields)
        categories, household = fields.pop("categories"), fields.pop("household")
        if existing is not None:
            client = client_update(
                actor=self.actor, client=existing, categories=categories, household=household, **fields
            )
        else:
            checked = client_import_check(
                actor=self.actor,
                id_number=fields["id_number"],
                name=fields["name"],
                birth_date=fields["birth_date"],
            )
            client = client_register(
                actor=self.actor, checked=checked, categories=categories, household=household or [], **fields
            )
        (recorder.update if existing is not None else recorder.create)(client)
        if household is not None:
            for member in client.household.all():
                recorder.create(member)


# Cases


class _CaseRegister(_CaseworkRegister):
    """Cases whose rows name their client by ID number (on record, or in the 服务对象 sheet of the
    same workbook) and their worker and supervisor by ID number or name. A case is the same as
    one on record when it has the same main client and intake date."""

    identity_column = "client_id_number"
    permission = "casework.add_case"
    field_columns = {
        "clients": "client_id_number", "intake_on": "intake_on", "category": "category", "worker": "worker",
        "supervisor": "supervisor", "closed_on": "closed_on", "last_note_on": "last_note_on",
        "closing_reason": "reason", "status": "status", "presenting_problem": "presenting_problem",
    }  # fmt: skip
    status = ""  # where every case of the register stands; "" when a column says

    def __init__(self, *, actor, pending=None):
        super().__init__(actor=actor, pending=pending)
        self._people = None

    def identity(self, values):
        number, day = values.get("client_id_number"), values.get("intake_on")
        return f"{number} {day.isoformat()}" if number and day else ""

    def prepare(self, rows):
        ids = _raw_ids(rows, "client_id_number")
        self.clients = by_digest(clients_visible_to(user=self.actor), "id_number_digest", ids)
        number_of = {client.pk: number for number, client in self.clients.items()}
        cases = Case.objects.filter(
            case_scope(self.actor), case_clients__primary=True, case_clients__client_id__in=list(number_of)
        ).annotate(main_client=F("case_clients__client_id"))
        self.on_file = {f"{number_of[case.main_client]} {case.intake_on.isoformat()}": case for case in cases}
        people = _raw_ids(rows, "worker", "supervisor")
        self.people_by_id = {
            number: worker.user
            for number, worker in by_digest(
                SocialWorker.objects.filter(user__isnull=False).select_related("user"), "id_number_digest",
                {value for value in people if ID_PATTERN.fullmatch(value)},
            ).items()
        }  # fmt: skip
        if self._people is None:
            self._people = self._load_people()

    def _load_people(self) -> tuple[dict, dict]:
        """The active people of the station (who may hold its cases) and the active supervisors, by
        each form of their name: read once per import, they are few."""
        User = get_user_model()

        def by_name(users):
            found = {}
            for user in users:
                names = _name_forms(user.full_name) | {fold(user.username)}
                worker = getattr(user, "worker", None)
                if worker is not None:
                    names |= _name_forms(worker.name)
                for name in names:
                    found.setdefault(name, set()).add(user)
            return found

        if self.station is None:
            return {}, {}
        staff = User.objects.filter(is_active=True, unit__path__startswith=self.station.path).select_related(
            "unit", "worker"
        )
        supervisors = User.objects.filter(is_active=True, groups__name=Role.SUPERVISOR).select_related(
            "worker"
        )
        return by_name(staff), by_name(supervisors)

    def on_record(self, identity):
        return self.on_file.get(identity)

    def person(self, text: str, key: str, errors: dict):
        """The worker (someone at the station) or supervisor (someone holding the role) a cell
        names, by ID number or by name."""
        if not text:
            return None
        staff, supervisors = self._people
        people = staff if key == "worker" else supervisors
        number = re.sub(r"\s", "", text).upper()
        if ID_PATTERN.fullmatch(number):
            user = self.people_by_id.get(number)
            if user is None or user not in {person for group in people.values() for person in group}:
                errors.setdefault(key, []).append(
                    _("No one with this ID number works at your station with a login account.")
                    if key == "worker"
                    else _("No supervisor with a login account has this ID number.")
                )
                return None
            return user
        found = set()
        for name in _name_forms(text):
            found |= people.get(name, set())
        if len(found) > 1:
            errors.setdefault(key, []).append(
                _("Several people are called “%(value)s”: write their ID number.") % {"value": text}
            )
            return None
        if not found:
            errors.setdefault(key, []).append(
                (
                    _(
                        "No one called “%(value)s” works at your station with a login account; leave it blank for the station manager to assign."
                    )
                    if key == "worker"
                    else _("No supervisor is called “%(value)s”.")
                )
                % {"value": text}
            )
            return None
        return found.pop()

    def client(self, number: str, errors: dict):
        """The client a row names: on record and seen by the person, or coming in with the
        服务对象 sheet of the same workbook (then looked up again when saving)."""
        if not number or "client_id_number" in errors:
            return None
        try:
            validate_id_number(number)
        except ValidationError as error:
            errors["client_id_number"] = list(error.messages)
            return None
        client = self.clients.get(number)
        if client is None and number not in self.pending.get("clients", set()):
            errors["client_id_number"] = [
                _(
                    "No client you can see has this ID number; register them first, or add them to the sheet 服务对象."
                )
            ]
        return client

    def check_dates(self, values, errors, *, closed_on=None):
        today = timezone.localdate()
        intake = values["intake_on"]
        for key in ("intake_on", "last_note_on", "closed_on"):
            if values.get(key) and values[key] > today:
                errors.setdefault(key, []).append(_("This date is in the future."))
        last = values.get("last_note_on")
        if intake and last and last < intake:
            errors.setdefault("last_note_on", []).append(_("A note cannot come before the intake date."))
        if intake and closed_on and closed_on < intake:
            errors.setdefault("closed_on", []).append(_("A case cannot close before its intake date."))
        if closed_on and last and last > closed_on:
            errors.setdefault("last_note_on", []).append(_("A note cannot come after the case closed."))

    def case_fields(self, values, errors) -> dict:
        client = self.client(values["client_id_number"], errors)
        if client is not None and values["client_name"] and fold(values["client_name"]) != fold(client.name):
            errors.setdefault("client_name", []).append(
                _("This ID number is that of %(name)s on record.") % {"name": client.name}
            )
        return {
            "client": client,
            "client_id_number": values["client_id_number"],
            "intake_on": values["intake_on"] or None,
            "category": self.category(values["category"], "category", errors),
            "worker": self.person(values["worker"], "worker", errors),
            "supervisor": self.person(values["supervisor"], "supervisor", errors),
            "source": values["source"] or Case.Source.WALK_IN,
            "risk_level": values.get("risk_level") or RiskLevel.LOW,
            "presenting_problem": values["presenting_problem"],
        }

    def save(self, fields, *, existing, recorder):
        if existing is not None:
            raise ValidationError(
                _(
                    "The case %(case)s is on record already and changes only on its own page; import again choosing “skip”."
                )
                % {"case": existing}
            )
        fields = dict(fields)
        number = fields.pop("client_id_number")
        client = fields.pop("client") or by_digest(
            clients_visible_to(user=self.actor), "id_number_digest", {number}
        ).get(number)
        if client is None:
            raise ValidationError({"clients": _("No client you can see has this ID number.")})
        sheet = getattr(recorder, "sheet", "") or self.sheet_names[0]
        source_row = _("Imported from row %(row)d of the sheet “%(sheet)s”.") % {
            "row": recorder.row,
            "sheet": sheet,
        }
        file_name = getattr(recorder, "file_name", "")
        if file_name:
            source_row = f"{file_name}: {source_row}"
        presenting_problem = fields.pop("presenting_problem") or _(
            "Not written in the register the case was imported from."
        )
        case = case_import(
            actor=self.actor, clients=[client], source_row=source_row, presenting_problem=presenting_problem,
            **fields,
        )  # fmt: skip
        recorder.create(case)
        for closing in case.closings.all():
            recorder.create(closing)


CASE_COLUMNS_HEAD = (
    Column("client_id_number", "服务对象身份证号", "client_id_number", ID_NUMBER, required=True,
           headers=("身份证号", "身份证号码", "服务对象身份证号码")),
    Column("client_name", "服务对象姓名", "client_name", headers=("姓名", "服务对象")),
    Column("intake_on", "开案日期", "intake_on", DATE, required=True, headers=("接案日期", "立案日期", "开案时间")),
    Column("category", "个案类别", "category", headers=("类别", "服务类别", "对象类别")),
)  # fmt: skip
CASE_COLUMNS_PEOPLE = (
    Column("worker", "负责社工", "worker", headers=("社工", "责任社工", "承办社工", "负责社工（身份证号或姓名）")),
    Column("supervisor", "督导", "supervisor", headers=("督导老师", "督导姓名")),
    Column("source", "个案来源", "source", CHOICE, choices=Case.Source, aliases=SOURCE_ALIASES, headers=("来源",)),
    Column("presenting_problem", "主要问题", "presenting_problem", headers=("服务需求", "问题描述", "个案概况")),
)  # fmt: skip


@register
class CaseRegister(_CaseRegister):
    key = "cases"
    label = gettext_lazy("Open cases")
    sheet_names = ("个案", "在办个案", "Cases")
    order = 80
    columns = (
        *CASE_COLUMNS_HEAD,
        Column("status", "个案状态", "status", CHOICE, required=True, choices=Case.Status, aliases=STATUS_ALIASES,
               headers=("状态", "服务阶段", "当前阶段")),
        *CASE_COLUMNS_PEOPLE,
        Column("risk_level", "风险等级", "risk_level", CHOICE, choices=RiskLevel, aliases=RISK_ALIASES,
               headers=("风险",)),
        Column("last_note_on", "最近服务日期", "last_note_on", DATE,
               headers=("最后服务日期", "最近一次服务日期", "最近记录日期")),
    )  # fmt: skip

    @classmethod
    def allowed_values(cls, key):
        if key in ("worker", "supervisor"):
            return _("An ID number or a name, of someone with a login account.")
        return ""

    def check(self, values, errors):
        if values["status"] == Case.Status.CLOSED:
            errors.setdefault("status", []).append(
                _("Put closed cases in the sheet 历年结案, with their closing day and reason.")
            )
        self.check_dates(values, errors)
        return {
            **self.case_fields(values, errors),
            "status": values["status"],
            "last_note_on": values["last_note_on"] or None,
        }


@register
class ClosedCaseRegister(_CaseRegister):
    key = "closed_cases"
    label = gettext_lazy("Closed cases of past years")
    sheet_names = ("历年结案", "结案个案", "已结案个案", "Closed cases")
    order = 81
    columns = (
        *CASE_COLUMNS_HEAD,
        Column("closed_on", "结案日期", "closed_on", DATE, required=True, headers=("结案时间",)),
        Column("reason", "结案原因", "reason", CHOICE, required=True, choices=Closing.Reason, aliases=REASON_ALIASES),
        Column("summary", "服务成效", "summary", headers=("结案小结", "成效", "服务成效及结案小结")),
        *CASE_COLUMNS_PEOPLE,
    )  # fmt: skip

    def check(self, values, errors):
        self.check_dates(values, errors, closed_on=values["closed_on"] or None)
        return {
            **self.case_fields(values, errors),
            "status": Case.Status.CLOSED,
            "closed_on": values["closed_on"] or None,
            "closing_reason": values["reason"],
            "closing_summary": values["summary"],
        }


# The other registers of this app, each in its own module, found with this one.
from casework import imports_volunteers  # noqa: F401,E402  (volunteers and their hours)
