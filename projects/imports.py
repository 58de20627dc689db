"""The registers of projects a bureau brings in from its spreadsheets (`socialwork.imports`).

项目 (projects): one row per project of a past year, with its call, its contract and its
acceptance, written through `project_import`; the project lands in its final state (accepted,
terminated, or still running) with one transition "imported" naming the file's row.
项目付款 (project payments): one row per instalment paid, with the stage it paid for, written
through `payment_import`, which records the stage as a milestone reached: a second sheet, since
a project is paid several times and a row per payment is how bureaus keep their ledgers.

Both check the year's budget and the contract's schedule as the one-by-one workflow does.
"""

import re
from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Q, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from positions.models import Region
from projects.models import (
    Acceptance,
    Call,
    Contract,
    Payment,
    Project,
    ServiceArea,
    SocialOrganization,
    YearBudget,
)
from projects.services import call_save, payment_import, project_import, project_import_acceptance
from socialwork.creditcodes import validate_credit_code
from socialwork.imports.cells import CHOICE, CODE, DATE, DECIMAL, NUMBER, Column, fold, parse_date
from socialwork.imports.registry import Register, by_value, register
from socialwork.money import format_yuan
from socialwork.scoping import region_scope

CREDIT_CODE = re.compile(r"[0-9A-Z]{18}")
# Two dates in one cell: 2015.6.1-2015.12.31, 2015年6月1日至2015年12月31日, 20150601～20151231.
DATE_IN_TEXT = re.compile(r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?|\d{8}")
# The words of a stage that is the final share, paid once acceptance passed (no milestone): 尾款（10%）too.
FINAL_STAGES = ("尾款", "结算款", "验收后付款", "验收款", "final", "final payment", "final share")
FINAL_FOLDED = {fold(stage) for stage in FINAL_STAGES}


class _DistrictRegister(Register):
    """A register of the district's own: projects and their payments are the district's to bring in."""

    @classmethod
    def allowed(cls, user) -> bool:
        return super().allowed(user) and bool(user.is_superuser or user.is_district_wide)


def _term(text) -> tuple[date, date]:
    """The contract's term from one cell: two dates, as the bureau writes them."""
    found = DATE_IN_TEXT.findall(str(text))
    if len(found) != 2:
        raise ValueError(
            _("“%(value)s” is not a term; write it as 2015-06-01 至 2015-12-31.") % {"value": str(text)[:40]}
        )
    return parse_date(found[0]), parse_date(found[1])


def _year(text) -> int | None:
    """A year as bureaus write it: 2015, 2015年, 2015年度."""
    found = re.fullmatch(r"(\d{4})\s*(年度?)?", str(text).strip())
    return int(found[1]) if found else None


@register
class ProjectRegister(_DistrictRegister):
    key = "projects"
    label = gettext_lazy("Projects")
    sheet_names = ("项目", "Projects")
    permission = "projects.add_contract"
    identity_column = "number"
    order = 50
    field_columns = {"ends_on": "term", "starts_on": "term"}
    columns = (
        Column("year", "年度", "year", required=True, headers=("项目年度", "年份")),
        Column("title", "项目名称", "title", required=True),
        Column("number", "项目编号", "number", CODE, headers=("合同编号", "项目合同编号")),
        Column("kind", "项目类别", "kind", CHOICE, required=True, choices=Call.Kind, aliases={
            "micro": ("公益微项目", "社区公益微项目", "微项目", "实务专项", "社区社会工作实务专项"),
            "venture": ("公益创投", "创投", "公益创投项目"),
            "purchase": ("政府购买服务", "政府购买", "购买服务", "政府购买社会工作服务"),
        }),
        Column("call", "申报批次", "call", headers=("项目申报", "所属申报")),
        Column("service_area", "服务领域", "service_area", CHOICE, required=True, choices=ServiceArea,
               headers=("服务类别", "服务领域/类别"), aliases={
            "youth": ("青少年", "青少年服务", "儿童青少年"),
            "health": ("医务", "医务社工", "医疗卫生"),
            "correction": ("矫正", "社区矫正"),
            "military": ("优抚", "军人家庭", "优抚安置"),
            "family": ("家庭", "婚姻家庭", "家庭服务"),
            "left_behind": ("三留守", "留守", "三留守人员"),
            "special_groups": ("特殊人群",),
            "elderly": ("养老", "老年人", "为老服务", "养老服务"),
            "disability": ("残疾人", "残障", "残疾人康复"),
            "other": ("其他", "综合"),
        }),
        Column("community", "服务社区", "community", required=True, headers=("服务社区（村）", "社区（村）")),
        Column("organization", "承接机构", "organization", required=True,
               headers=("承接单位", "承接机构统一社会信用代码", "服务机构")),
        Column("beneficiaries", "服务对象", "beneficiaries"),
        Column("beneficiary_count", "受益人数", "beneficiary_count", NUMBER, headers=("服务人数",)),
        Column("amount", "合同金额", "amount", DECIMAL, required=True, headers=("合同金额（元）", "金额")),
        Column("term", "合同起止日期", "term", required=True, headers=("合同期限", "服务期限")),
        Column("signed_on", "签订日期", "signed_on", DATE, headers=("合同签订日期",)),
        Column("conclusion", "验收结果", "conclusion", CHOICE, choices=Acceptance.Conclusion, aliases={
            "pass": ("合格", "通过", "优秀", "良好", "验收合格", "验收通过"),
            "rectify": ("整改", "限期整改", "整改后复验"),
            "fail": ("不合格", "未通过", "验收不合格"),
        }),
        Column("score", "验收得分", "score", DECIMAL, headers=("评估得分", "得分")),
        Column("evaluated_on", "验收日期", "evaluated_on", DATE, headers=("评估日期",)),
        Column("evaluator", "评估机构", "evaluator", headers=("验收单位", "第三方评估机构")),
    )  # fmt: skip

    @classmethod
    def allowed_values(cls, key):
        return {
            "year": _("The year of the budget the contract is paid from: 2015 or 2015年."),
            "number": _("The contract's number; without one, a project is known by its year and name."),
            "call": _(
                "The call's title; left blank, the year's call of the project's kind (made if there is none)."
            ),
            "community": _("The community or village by its name or its code."),
            "organization": _("The organization's unified social credit code, or its name."),
            "amount": _("Yuan: 60000, 6万 or ￥60,000."),
            "term": _("Two dates: 2015-06-01 至 2015-12-31."),
        }.get(key, "")

    def __init__(self, *, actor, pending=None):
        super().__init__(actor=actor, pending=pending)
        self.budgets: dict[tuple, Decimal] | None = None  # (owner's path or None, year) → amount
        self.in_file: dict[tuple, Decimal] = defaultdict(Decimal)  # the file's contracts, by budget
        self.new_calls: dict[tuple, Decimal] = {}  # calls the file brings: (year, title, kind) → ceiling
        self.calls_made: dict[tuple, Call] = {}

    def identity(self, values):
        """The project number, or for a row without one its year and name."""
        if values.get("number"):
            return str(values["number"])
        if values.get("year") != "" and values.get("title"):
            return f"{values['year']} {values['title']}"
        return ""

    def prepare(self, rows):
        if self.budgets is None:  # what the years hold, once for the file
            self.budgets = {
                (path, year): amount
                for path, year, amount in YearBudget.objects.values_list("region__path", "year", "amount")
            }
            self.committed = list(  # (community's path, year, total)
                Contract.objects.values_list("project__community__path", "year")
                .annotate(total=Sum("amount"))
                .order_by()
            )
        text = lambda key: {str(row.get(key, "")).strip() for row in rows} - {""}  # noqa: E731
        years = {
            int(found[0]) for row in rows if (found := re.match(r"\d{4}", str(row.get("year", "")).strip()))
        }
        self.calls = list(Call.objects.filter(year__in=years))
        communities = text("community")
        regions = Region.objects.filter(level__in=Region.COMMUNITY_LEVELS).filter(
            Q(name__in=communities) | Q(code__in=communities)
        )
        self.regions = defaultdict(list)
        visible = set(regions.filter(region_scope(self.actor)).values_list("pk", flat=True))
        for region in regions:
            self.regions[region.name].append((region, region.pk in visible))
            self.regions[region.code].append((region, region.pk in visible))
        names = {
            value.upper() if CREDIT_CODE.fullmatch(value.upper()) else value for value in text("organization")
        }
        self.organizations = {}
        for organization in SocialOrganization.objects.filter(Q(credit_code__in=names) | Q(name__in=names)):
            self.organizations[organization.name] = organization
            if organization.credit_code:
                self.organizations[organization.credit_code] = organization
        numbers = text("number")
        self.on_file = {
            contract.number: contract.project
            for contract in Contract.objects.filter(number__in=numbers).select_related("project")
        }
        titles = text("title")
        for project in Project.objects.filter(year__in=years, title__in=titles).select_related("contract"):
            self.on_file.setdefault(f"{project.year} {project.title}", project)

    def on_record(self, identity):
        return self.on_file.get(identity)

    # Checking a row

    def organization(self, value: str, errors: dict, *, saving: bool = False):
        """The organization a row names by its credit code or its name; one the workbook's
        社会组织 sheet brings in is accepted in the preview and found when saving."""
        if not value:
            return None
        key = value.upper() if CREDIT_CODE.fullmatch(value.upper()) else value
        found = self.organizations.get(key)
        if found is None and saving:
            found = SocialOrganization.objects.filter(Q(credit_code=key) | Q(name=key)).first()
        if found is not None or saving:
            return found
        if key in self.pending.get("organizations", set()):
            return None
        if len(key) == 18 and key.isalnum():
            try:
                validate_credit_code(key)
            except ValidationError as error:
                errors.setdefault("organization", []).extend(error.messages)
                return None
            message = _("No social organization has the credit code “%(code)s”; register it first.")
        else:
            message = _("No social organization is named “%(name)s”; register it first.")
        errors.setdefault("organization", []).append(message % {"code": key, "name": key})
        return None

    def community(self, value: str, errors: dict):
        if not value:
            return None
        found = self.regions.get(value, [])
        if not found:
            errors.setdefault("community", []).append(
                _("No community or village is named “%(name)s”.") % {"name": value}
            )
            return None
        inside = [region for region, visible in found if visible]
        if not inside:
            errors.setdefault("community", []).append(
                _("“%(name)s” is outside your region.") % {"name": value}
            )
            return None
        if len(inside) > 1:
            errors.setdefault("community", []).append(
                _("Several communities are named “%(name)s”; give its code instead.") % {"name": value}
            )
            return None
        return inside[0]

    def call(self, values: dict, errors: dict):
        """The call a row belongs to: by its title in that year when the row gives one, else the
        year's call of that kind. A call the file brings has the largest contract as its ceiling."""
        year, kind, title = values["year"], values["kind"], values["call"]
        if year == "" or not kind:
            return None
        same_year = [call for call in self.calls if call.year == year]
        found = [call for call in same_year if fold(call.title) == fold(title)] if title else []
        if not title:
            found = [call for call in same_year if call.kind == kind]
        if found:
            call = found[0]
            if call.kind != kind:
                errors.setdefault("kind", []).append(
                    _("The call “%(call)s” is a %(kind)s.")
                    % {"call": call.title, "kind": call.get_kind_display()}
                )
            elif isinstance(values["amount"], Decimal) and values["amount"] > call.budget_ceiling:
                errors.setdefault("amount", []).append(
                    _("The contract of %(amount)s is above the call's ceiling of %(ceiling)s.")
                    % {"amount": format_yuan(values["amount"]), "ceiling": format_yuan(call.budget_ceiling)}
                )
            return call
        key = (year, title, kind)
        if isinstance(values["amount"], Decimal):
            self.new_calls[key] = max(self.new_calls.get(key, Decimal(0)), values["amount"])
        return key

    def check(self, values, errors):
        today = timezone.localdate()
        year = _year(values["year"])
        if values["year"] != "" and (year is None or not 2000 <= year <= today.year):
            errors.setdefault("year", []).append(
                _("“%(year)s” is not a possible year.") % {"year": values["year"]}
            )
            year = None
        values["year"] = year = "" if year is None else year  # as a number, for the identity
        amount = values["amount"]
        if amount != "" and amount <= 0:
            errors.setdefault("amount", []).append(_("The amount must be more than zero."))
            values["amount"] = amount = ""
        starts_on = ends_on = None
        if values["term"]:
            try:
                starts_on, ends_on = _term(values["term"])
            except ValueError as error:
                errors.setdefault("term", []).append(str(error))
            else:
                if ends_on < starts_on:
                    errors.setdefault("term", []).append(_("A contract cannot end before it starts."))
        signed_on = values["signed_on"] or starts_on
        if values["signed_on"] and values["signed_on"] > today:
            errors.setdefault("signed_on", []).append(_("A contract cannot be signed on a future date."))
        call = self.call(values, errors)
        community = self.community(values["community"], errors)
        organization = self.organization(values["organization"], errors)
        acceptance = self._acceptance(values, errors, starts_on)
        on_record = self.identity(values) in self.on_file  # its contract is already counted
        within_budget = (
            year != ""
            and amount != ""
            and not errors.get("amount")
            and not on_record
            and self._budget(year, amount, community, errors)
        )
        if values["number"] and len(values["number"]) > 50:
            errors.setdefault("number", []).append(_("A project number is at most 50 characters."))
        count = values["beneficiary_count"]
        if count != "" and count < 0:
            errors.setdefault("beneficiary_count", []).append(_("The number cannot be negative."))
        if within_budget and not errors:
            self.in_file[self._budget_key(year, community)] += amount  # the rows below count it
        return {
            "call": call,
            "title": values["title"][:200],
            "service_area": values["service_area"],
            "community": community,
            "organization": organization,
            "organization_named": values["organization"],
            "beneficiaries": values["beneficiaries"][:200] or _("As in the imported register"),
            "beneficiary_count": count if isinstance(count, int) else 0,
            "number": values["number"],
            "amount": amount,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "signed_on": signed_on,
            "acceptance": acceptance,
        }

    def _acceptance(self, values, errors, starts_on):
        conclusion, score, evaluated_on = values["conclusion"], values["score"], values["evaluated_on"]
        if not conclusion:
            if score != "" or evaluated_on:
                errors.setdefault("conclusion", []).append(
                    _("Give the acceptance result with its score and date.")
                )
            return None
        if score == "":
            errors.setdefault("score", []).append(_("Give the acceptance score (0 to 100)."))
        elif not 0 <= score <= 100:
            errors.setdefault("score", []).append(_("Enter a score from 0 to 100."))
        if not evaluated_on:
            errors.setdefault("evaluated_on", []).append(_("Give the date of the acceptance."))
        elif evaluated_on > timezone.localdate():
            errors.setdefault("evaluated_on", []).append(_("An acceptance cannot be dated in the future."))
        elif starts_on and evaluated_on < starts_on:
            errors.setdefault("evaluated_on", []).append(
                _("The acceptance cannot come before the contract began on %(date)s.") % {"date": starts_on}
            )
        return {
            "conclusion": conclusion,
            "score": score,
            "evaluated_on": evaluated_on or None,
            "evaluator": values["evaluator"][:150] or _("Not in the imported register"),
        }

    def _budget_key(self, year: int, community: Region | None) -> tuple | None:
        """The budget a row's contract is paid from: its community's district's own, else one
        without an owner (as `budget_for`)."""
        if community is not None and (community.district_path, year) in self.budgets:
            return (community.district_path, year)
        if (None, year) in self.budgets:
            return (None, year)
        return None

    def _budget(self, year: int, amount: Decimal, community: Region | None, errors: dict) -> bool:
        """The year's contracts, on record and in the file so far, fit the budget they are paid
        from (the rule `year_budget_check` applies again, locked, when each row is saved)."""
        if community is None:  # the community's own error says why; no budget to check against
            return False
        key = self._budget_key(year, community)
        if key is None:
            errors.setdefault("amount", []).append(
                _("There is no budget for %(year)s yet; set it first.") % {"year": year}
            )
            return False
        budget, owner = self.budgets[key], key[0]
        committed = sum(
            (total for path, y, total in self.committed if y == year and path.startswith(owner or "")),
            Decimal(0),
        )
        committed += self.in_file[key]
        if committed + amount > budget:
            errors.setdefault("amount", []).append(
                _("Only %(left)s of the %(year)s budget is left uncommitted.")
                % {"left": format_yuan(max(budget - committed, Decimal(0))), "year": year}
            )
            return False
        return True

    # Saving a row

    def save(self, fields, *, existing, recorder):
        self.row = recorder.row  # the row being written, as its transition names it
        if existing is not None:
            self._update(existing, fields, recorder)
            return
        call = fields["call"]
        if isinstance(call, tuple):
            call = self.calls_made.get(call) or self._make_call(call, recorder)
        organization = fields["organization"] or self.organization(
            fields["organization_named"], {}, saving=True
        )
        if organization is None:
            raise ValidationError({"organization": _("No social organization is named “%(name)s”; register it first.")
                                   % {"name": fields["organization_named"]}})  # fmt: skip
        written = project_import(
            actor=self.actor,
            call=call,
            title=fields["title"],
            service_area=fields["service_area"],
            community=fields["community"],
            organization=organization,
            beneficiaries=fields["beneficiaries"],
            beneficiary_count=fields["beneficiary_count"],
            number=fields["number"],
            amount=fields["amount"],
            starts_on=fields["starts_on"],
            ends_on=fields["ends_on"],
            signed_on=fields["signed_on"],
            acceptance=fields["acceptance"],
            source=self.source(recorder),
        )
        for record in written:
            recorder.create(record)

    def _update(self, project: Project, fields: dict, recorder) -> None:
        """A project on record, in the register again: its contract stays as signed (a change of
        amount or term is a supplementary agreement, on its page); an acceptance the register now
        gives is brought in (`project_import_acceptance`)."""
        contract = getattr(project, "contract", None)
        if contract is None or (contract.amount, contract.starts_on, contract.ends_on) != (
            fields["amount"],
            fields["starts_on"],
            fields["ends_on"],
        ):
            raise ValidationError(
                {"amount": _("The contract on record differs; change it on the project's page by a supplementary agreement.")}
            )  # fmt: skip
        written = project_import_acceptance(
            actor=self.actor, project=project, acceptance=fields["acceptance"], source=self.source(recorder)
        )
        for record in written:
            (recorder.update if record is project or isinstance(record, Project) else recorder.create)(record)

    def _make_call(self, key, recorder) -> Call:
        year, title, kind = key
        with translation.override("zh-hans"):
            title = title or f"{year}年{Call.Kind(kind).label}"
        call = call_save(
            actor=self.actor, year=year, kind=kind, title=title[:200], budget_ceiling=self.new_calls[key],
            opens_on=date(year, 1, 1), closes_on=date(year, 12, 31),
        )  # fmt: skip
        recorder.create(call)
        self.calls_made[key] = call
        return call

    def source(self, recorder=None) -> str:
        """Where the row came from, as the transition's reason names it: the sheet (the title the
        run gives the recorder, else this register's) and the row."""
        sheet = getattr(recorder, "sheet", "") or self.sheet_names[0]
        return _("sheet %(sheet)s, row %(row)d") % {"sheet": sheet, "row": self.row}


@register
class ProjectPaymentRegister(_DistrictRegister):
    key = "project_payments"
    label = gettext_lazy("Project payments")
    sheet_names = ("项目付款", "Project payments")
    permission = "projects.add_payment"
    identity_column = "number"
    order = 51
    field_columns = {"paid_on": "paid_on", "stage": "stage"}
    columns = (
        Column("number", "项目编号", "number", CODE, required=True, headers=("合同编号",)),
        Column("paid_on", "付款日期", "paid_on", DATE, required=True, headers=("拨付日期",)),
        Column("amount", "付款金额", "amount", DECIMAL, required=True, headers=("金额", "拨付金额", "付款金额（元）")),
        Column("stage", "付款节点", "stage", headers=("阶段", "项目节点", "付款阶段")),
    )  # fmt: skip

    @classmethod
    def allowed_values(cls, key):
        return {
            "number": _("The project's number, as on the 项目 sheet."),
            "amount": _("Yuan: 60000, 6万 or ￥60,000."),
            "stage": _(
                "The milestone it paid for (项目启动, 中期评估…); 尾款 for the final share, paid after acceptance."
            ),
        }.get(key, "")

    def identity(self, values):
        """A payment is named by its project, day, amount and stage: the same one twice is a repeat."""
        if not values.get("number") or not values.get("paid_on") or values.get("amount") == "":
            return ""
        return f"{values['number']} {values['paid_on']} {values['amount']:.2f} {values['stage']}".strip()

    def prepare(self, rows):
        numbers = {str(row.get("number", "")).strip() for row in rows}
        self.contracts = by_value(Contract.objects.select_related("project"), "number", numbers)
        self.on_file = {
            f"{payment.contract.number} {payment.paid_on} {payment.amount:.2f} {payment.note}".strip(): payment
            for payment in Payment.objects.filter(contract__in=list(self.contracts.values())).select_related(
                "contract"
            )
        }

        contracts = list(self.contracts.values())
        self.paid = defaultdict(Decimal)
        for payment in self.on_file.values():
            self.paid[payment.contract_id] += payment.amount
        self.accepted = set(
            Acceptance.objects.filter(
                project__contract__in=contracts, conclusion=Acceptance.Conclusion.PASS
            ).values_list("project__contract", flat=True)
        )

    def on_record(self, identity):
        return self.on_file.get(identity)

    def _contract_money(self, contract, fields, errors) -> None:
        """For a contract on record: the payments, on record and in the file, stay within it, and
        the final payment follows a passed acceptance (`payment_import` checks again, locked)."""
        if fields["final"] and contract.pk not in self.accepted:
            errors.setdefault("stage", []).append(_("The final payment is made only once acceptance passed."))
        if isinstance(fields["amount"], Decimal) and not errors:
            total = self.paid[contract.pk] + fields["amount"]
            if total > contract.amount:
                errors.setdefault("amount", []).append(
                    _("The payments would add up to %(total)s, more than the contract's %(amount)s.")
                    % {"total": format_yuan(total), "amount": format_yuan(contract.amount)}
                )
            else:
                self.paid[contract.pk] = total

    def check(self, values, errors):
        number, amount = values["number"], values["amount"]
        contract = self.contracts.get(number) if number else None
        if number and contract is None and number not in self.pending.get("projects", set()):
            errors.setdefault("number", []).append(
                _("No project on record or in this workbook has the number “%(number)s”.")
                % {"number": number}
            )
        if amount != "" and amount <= 0:
            errors.setdefault("amount", []).append(_("The amount must be more than zero."))
        if values["paid_on"] and values["paid_on"] > timezone.localdate():
            errors.setdefault("paid_on", []).append(_("A payment cannot be dated in the future."))
        fields = {
            "number": number,
            "contract": contract,
            "amount": amount,
            "paid_on": values["paid_on"] or None,
            "stage": values["stage"],
            "final": any(word in fold(values["stage"]) for word in FINAL_FOLDED),
        }
        if (
            contract is not None and self.identity(values) not in self.on_file
        ):  # a duplicate is offered, not added
            self._contract_money(contract, fields, errors)
        return fields

    def save(self, fields, *, existing, recorder):
        if existing is not None:
            raise ValidationError(_("This payment is already on record; choose “skip”."))
        contract = fields["contract"] or Contract.objects.filter(number=fields["number"]).first()
        if contract is None:
            raise ValidationError(
                {"number": _("No project on record or in this workbook has the number “%(number)s”.")
                 % {"number": fields["number"]}}
            )  # fmt: skip
        written = payment_import(
            actor=self.actor, contract=contract, amount=fields["amount"], paid_on=fields["paid_on"],
            stage=fields["stage"], final=fields["final"],
        )  # fmt: skip
        for record in written:
            recorder.create(record)


# The other registers of this app, each in its own module, found with this one.
from projects import imports_organizations  # noqa: F401,E402  (the social organizations: sheet 社会组织)
