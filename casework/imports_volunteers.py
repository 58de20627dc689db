"""The registers of volunteers and their hours a station brings in from its spreadsheets (sheets
志愿者 and 志愿服务时长, `socialwork.imports`), written through `volunteer_save` and
`volunteer_hours_add`: a station's people import their own station's volunteers, as they register
them one by one.

A volunteer holds no ID number here, so a volunteer is found by name and phone number among the
volunteers of the person's station: the few of the same name are read (their phones decrypted)
and compared, nobody else's. The hours sheet has one row per volunteer and day served, naming the
volunteer by name, and by phone where two share a name."""

import contextlib
import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from casework.models import Volunteer, VolunteerHours
from casework.selectors import station_of, volunteers_visible_to
from casework.services.community import PHONE, volunteer_hours_add, volunteer_save
from positions.models import ServiceUnit
from socialwork.imports.cells import CHOICE, CODE, DATE, Column, fold, parse_decimal
from socialwork.imports.registry import Register, register

STATION_LEVELS = (ServiceUnit.Level.STATION, ServiceUnit.Level.ROOM, ServiceUnit.Level.POST)
HOURS_UNIT = re.compile(r"\s*(个)?(小时|钟头|时|hours?|h)\s*$", re.IGNORECASE)


class VolunteerStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("volunteer", "Active")
    INACTIVE = "inactive", gettext_lazy("No longer active")


def volunteer_identity(name: str, phone: str) -> str:
    """How a volunteer is named in a file: name and phone, as the preview shows a duplicate."""
    return f"{name} · {phone}" if phone else name


class _StationRegister(Register):
    """A register of the person's own station: its rows are checked against that station only."""

    @classmethod
    def allowed(cls, user) -> bool:
        # volunteer_save: only people who work at a service station (or a room or post under
        # one) register its volunteers; the rows are checked against the station itself.
        return super().allowed(user) and bool(user.unit_id) and user.unit.level in STATION_LEVELS

    def __init__(self, *, actor, pending=None):
        super().__init__(actor=actor, pending=pending)
        self.station = station_of(actor.unit) if actor.unit_id else None
        self.matched: dict[str, object] = {}

    def on_record(self, identity):
        return self.matched.get(identity)

    def no_station(self, errors) -> bool:
        if self.station is None:
            errors.setdefault("", []).append(
                _("Only people who work at a service station can register volunteers.")
            )
        return self.station is None

    def volunteers_named(self, names) -> dict[str, list[Volunteer]]:
        """The station's volunteers of these names, by folded name (one query)."""
        found: dict[str, list[Volunteer]] = {}
        if self.station is None:
            return found
        names = sorted({str(name).strip() for name in names} - {""})
        volunteers = volunteers_visible_to(user=self.actor).filter(station=self.station, name__in=names)
        for volunteer in volunteers.order_by("pk"):
            found.setdefault(fold(volunteer.name), []).append(volunteer)
        return found

    @staticmethod
    def phone_of(volunteer: Volunteer) -> str:
        return re.sub(r"[\s-]", "", volunteer.phone or "")

    def match(self, candidates: list[Volunteer], phone: str) -> Volunteer | None:
        """The volunteer of these (of one name) with this phone; without a phone, the only one."""
        bare = re.sub(r"[\s-]", "", phone)
        if bare:
            return next((volunteer for volunteer in candidates if self.phone_of(volunteer) == bare), None)
        return candidates[0] if len(candidates) == 1 else None

    def phone_checked(self, values, errors) -> str:
        phone = str(values["phone"]).strip()
        if phone and "phone" not in errors and not PHONE.match(phone):
            errors["phone"] = [_("Enter a phone number of digits only, such as 13812345678.")]
        return phone


@register
class VolunteerRegister(_StationRegister):
    key = "volunteers"
    label = gettext_lazy("Volunteers")
    sheet_names = ("志愿者", "志愿者名册", "Volunteers")
    permission = "casework.add_volunteer"
    identity_column = "name"
    order = 60
    columns = (
        Column("name", "姓名", "name", required=True, headers=("志愿者姓名",)),
        Column("phone", "联系电话", "phone", CODE, headers=("手机号码", "电话", "手机")),
        Column("station", "所属服务站", "station", headers=("服务站", "所属社工站", "社工站")),
        Column("skills", "技能特长", "skills", headers=("特长", "专长", "服务意向")),
        Column("registered_on", "注册日期", "registered_on", DATE, required=True,
               headers=("登记日期", "加入日期", "注册时间")),
        Column("status", "状态", "status", CHOICE, choices=VolunteerStatus, aliases={
            "active": ("在册", "活跃", "正常", "在岗", "是"),
            "inactive": ("退出", "注销", "停止", "不活跃", "已退出", "否"),
        }, headers=("是否在册",)),
    )  # fmt: skip

    def prepare(self, rows):
        self.on_file = self.volunteers_named(row.get("name", "") for row in rows)

    def identity(self, values):
        return volunteer_identity(values["name"], re.sub(r"[\s-]", "", str(values["phone"])))

    def check(self, values, errors):
        self.no_station(errors)
        phone = self.phone_checked(values, errors)
        station = values["station"]
        if (
            station
            and self.station is not None
            and fold(station) not in (fold(self.station.name), fold(self.station.code))
        ):
            errors.setdefault("station", []).append(
                _("Volunteers are registered by the people of their own station: import this row at %(station)s.")
                % {"station": station}
            )  # fmt: skip
        registered_on = values["registered_on"]
        if registered_on and registered_on > timezone.localdate():
            errors.setdefault("registered_on", []).append(_("This date is in the future."))
        fields = {
            "name": values["name"],
            "phone": phone,
            "skills": values["skills"],
            "registered_on": registered_on or None,
            "active": values["status"] != VolunteerStatus.INACTIVE,
        }
        self.clean_model(Volunteer(**fields), errors, exclude=("station",))
        if values["name"] and not errors:
            # Without a phone, the one volunteer of the station of that name is the row's.
            self.matched[self.identity(values)] = self.match(
                self.on_file.get(fold(values["name"]), []), phone
            )
        return fields

    def save(self, fields, *, existing, recorder):
        if existing is not None and not fields["phone"]:
            fields = {
                name: value for name, value in fields.items() if name != "phone"
            }  # keep the one on file
        volunteer = volunteer_save(actor=self.actor, volunteer=existing, **fields)
        (recorder.update if existing else recorder.create)(volunteer)


@register
class VolunteerHoursRegister(_StationRegister):
    """Hours served, one row per volunteer and day. The same hours of the same volunteer on the
    same day already on record are offered as a duplicate ("update" leaves them as they are)."""

    key = "volunteer_hours"
    label = gettext_lazy("Volunteer hours")
    sheet_names = ("志愿服务时长", "志愿服务记录", "Volunteer hours")
    permission = "casework.add_volunteerhours"
    identity_column = "name"
    order = 61
    columns = (
        Column("name", "姓名", "name", required=True, headers=("志愿者姓名", "志愿者")),
        Column("phone", "联系电话", "phone", CODE, headers=("手机号码", "电话", "手机")),
        Column("served_on", "服务日期", "served_on", DATE, required=True, headers=("日期", "服务时间")),
        Column("hours", "服务时长（小时）", "hours", required=True,
               headers=("服务时长", "时长", "小时数", "服务时数", "服务时长(小时)")),
        Column("description", "服务内容", "description", headers=("服务项目", "活动名称", "服务事项")),
    )  # fmt: skip

    @classmethod
    def allowed_values(cls, key):
        return _("More than 0 and at most 24, such as 2.5") if key == "hours" else ""

    def prepare(self, rows):
        self.on_file = self.volunteers_named(row.get("name", "") for row in rows)
        dates = set()
        for row in rows:
            with contextlib.suppress(ValueError):
                dates.add(self.convert(self.column("served_on"), row.get("served_on", "")))
        volunteers = [volunteer for same_name in self.on_file.values() for volunteer in same_name]
        self.entries = {
            (entry.volunteer_id, entry.served_on, entry.hours): entry
            for entry in VolunteerHours.objects.filter(volunteer__in=volunteers, served_on__in=dates)
        }

    def identity(self, values):
        name, phone = values["name"], re.sub(r"[\s-]", "", str(values["phone"]))
        return f"{volunteer_identity(name, phone)} {values['served_on']} {values['hours']}"

    def check(self, values, errors):
        self.no_station(errors)
        phone = self.phone_checked(values, errors)
        hours = self._hours(values, errors)
        served_on = values["served_on"]
        if served_on and served_on > timezone.localdate():
            errors.setdefault("served_on", []).append(_("This date is in the future."))
        volunteer = self._volunteer(values["name"], phone, errors)
        # The identity names the volunteer found, whether the row gave the phone or not.
        values["hours"] = hours if hours is not None else ""
        if volunteer is not None:
            values["phone"] = self.phone_of(volunteer)
        fields = {
            "volunteer": volunteer,
            "name": values["name"],
            "phone": phone,
            "served_on": served_on or None,
            "hours": hours,
            "description": values["description"],
        }
        if len(values["description"]) > 200:
            errors.setdefault("description", []).append(_("At most %(limit)d characters.") % {"limit": 200})
        if volunteer is not None and not errors:
            self.matched[self.identity(values)] = self.entries.get((volunteer.pk, served_on, hours))
        return fields

    def _hours(self, values, errors) -> Decimal | None:
        text = values["hours"]
        if text == "":
            return None
        try:
            hours = parse_decimal(HOURS_UNIT.sub("", text) if isinstance(text, str) else text)
        except ValueError as error:
            errors.setdefault("hours", []).append(str(error))
            return None
        if not Decimal(0) < hours <= Decimal(24):
            errors.setdefault("hours", []).append(_("Hours in a day are more than 0 and at most 24."))
            return None
        if hours != hours.quantize(Decimal("0.1")):
            errors.setdefault("hours", []).append(_("Give the hours to one decimal place, such as 2.5."))
            return None
        return hours.quantize(Decimal("0.1"))

    def _volunteer(self, name: str, phone: str, errors) -> Volunteer | None:
        """The station's volunteer the row names: by name, and by phone when given or when two
        share the name. None with an error, or None for one the 志愿者 sheet above brings in."""
        if not name or self.station is None:
            return None
        found = self.match(self.on_file.get(fold(name), []), phone)
        if found is not None:
            return found
        bare = re.sub(r"[\s-]", "", phone)
        pending = self.pending.get("volunteers", set())
        if volunteer_identity(name, bare) in pending or (
            not phone and any(identity.split(" · ")[0] == name for identity in pending)
        ):
            return None
        candidates = self.on_file.get(fold(name), [])
        if len(candidates) > 1 and not phone:
            errors.setdefault("phone", []).append(
                _("Your station has %(count)d volunteers called %(name)s; give the phone number.")
                % {"count": len(candidates), "name": name}
            )
        else:
            errors.setdefault("name", []).append(
                _("Your station has no volunteer %(name)s with this phone number.") % {"name": name}
                if phone
                else _("Your station has no volunteer called %(name)s.") % {"name": name}
            )
        return None

    def save(self, fields, *, existing, recorder):
        if existing is not None:
            return  # the same hours of the same day are on record: nothing to change
        volunteer = fields["volunteer"]
        if volunteer is None:  # brought in by the 志愿者 sheet of the same workbook, saved before
            volunteer = self.match(self.volunteers_named([fields["name"]]).get(fold(fields["name"]), []),
                                   fields["phone"])  # fmt: skip
        if volunteer is None:
            raise ValidationError(
                {"name": _("Your station has no volunteer called %(name)s.") % {"name": fields["name"]}}
            )
        entry = volunteer_hours_add(
            actor=self.actor, volunteer=volunteer, served_on=fields["served_on"], hours=fields["hours"],
            description=fields["description"],
        )  # fmt: skip
        recorder.create(entry)
