"""Reads of the monthly qualification allowance: policies, who is eligible, rolls and their lines.

A roll belongs to the district. District-wide people holding the view permission see all of it;
a station manager sees the lines of the workers visible to them (`worker_scope`) and the totals
of those lines only; nobody else sees rolls at all.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from io import BytesIO

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from positions.models import (
    AllowanceLine,
    AllowancePolicy,
    AllowanceRoll,
    Appointment,
    CertificateLevel,
    SocialWorker,
)
from positions.selectors.workforce import worker_scope
from positions.workflow import actions_for
from socialwork.actions import action_require
from socialwork.local_rules import owners_q, rules_for
from socialwork.money import MoneyField, yuan
from socialwork.roles import Role
from socialwork.scoping import region_scope
from socialwork.spreadsheets import safe_row

ZERO = Decimal("0.00")


def can_view_allowances(user) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_district_wide:
        return user.has_perm("positions.view_allowanceroll")
    return user.has_role(Role.STATION_MANAGER)


def allowance_policies(*, place) -> list[AllowancePolicy]:
    """The amounts that apply in a place (a district's own table, else its city's default), by
    level and newest first. One query."""
    rows = rules_for(AllowancePolicy, place)
    return sorted(rows, key=lambda policy: (policy.level, -policy.effective_from.toordinal()))


def allowance_amounts_on(*, day: date, place) -> dict[str, Decimal]:
    """The monthly amount per certificate level on a day in a place (its district's table, else
    its city's): the policy with the latest `effective_from` on or before it. A senior social
    worker without a policy of their own gets the social worker's amount. A level without any
    policy is absent (not paid)."""
    amounts: dict[str, Decimal] = {}
    for policy in allowance_policies(place=place):
        if policy.effective_from <= day:
            amounts.setdefault(policy.level, policy.monthly_amount)
    if CertificateLevel.SENIOR not in amounts and CertificateLevel.SOCIAL_WORKER in amounts:
        amounts[CertificateLevel.SENIOR] = amounts[CertificateLevel.SOCIAL_WORKER]
    return amounts


def appointments_on(*, day: date) -> QuerySet[Appointment]:
    """Appointments held on a day: started on or before it and not ended before it."""
    return Appointment.objects.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day), starts_on__lte=day)


def workers_eligible_on(*, day: date, district=None) -> QuerySet[SocialWorker]:
    """Workers eligible for the allowance on a day: active, certified, registered on that day and
    holding a post on it (in the district, when one is given: each district pays those holding its
    posts); annotated with `unit_name`, the unit of their post then (the first by position code
    when they hold several)."""
    on_duty = appointments_on(day=day).filter(worker=OuterRef("pk"))
    if district is not None:
        on_duty = on_duty.filter(position__unit__region__path__startswith=district.path)
    return (
        SocialWorker.objects.filter(
            Q(registration_valid_until__isnull=True) | Q(registration_valid_until__gte=day),
            status=SocialWorker.Status.ACTIVE,
            certificate_level__in=CertificateLevel.certified(),
            registered_on__lte=day,
        )
        .filter(Exists(on_duty))
        .annotate(unit_name=Subquery(on_duty.order_by("position__code").values("position__unit__name")[:1]))
        .order_by("pk")
    )


def _rolls_filter(user) -> Q:
    """The rolls of the person's place: each district's for a city, their district's for a
    district administrator or a station manager (a roll is its district's)."""
    if user.is_district_wide:
        return region_scope(user, via="region") | Q(region__isnull=True) if user.region_id else Q()
    if user.unit_id:
        return owners_q(user.unit.region)
    return Q(pk__in=[])


def _sees_whole_roll(user) -> bool:
    return user.is_district_wide


def _lines_filter(user, prefix: str = "") -> Q:
    """The lines this person may see: all, or those of the workers visible to them."""
    if _sees_whole_roll(user):
        return Q()
    return Q(**{f"{prefix}worker__in": SocialWorker.objects.filter(worker_scope(user)).values("pk")})


def allowance_rolls_visible_to(*, user) -> QuerySet[AllowanceRoll]:
    """The rolls this person may open, each annotated with `shown_total` and `shown_count`: the
    stored totals for district-wide people, the sum and count of their visible lines otherwise."""
    if not can_view_allowances(user):
        return AllowanceRoll.objects.none()
    rolls = AllowanceRoll.objects.filter(_rolls_filter(user)).select_related("closed_by", "region")
    if _sees_whole_roll(user):
        return rolls.annotate(shown_total=F("total"), shown_count=F("worker_count"))
    visible = _lines_filter(user, prefix="lines__")
    return rolls.annotate(
        shown_total=Coalesce(Sum("lines__amount", filter=visible), ZERO, output_field=MoneyField()),
        shown_count=Count("lines", filter=visible),
    )


def allowance_lines_visible_to(*, user, roll: AllowanceRoll) -> QuerySet[AllowanceLine]:
    return (
        AllowanceLine.objects.filter(_lines_filter(user), roll=roll)
        .select_related("worker")
        .order_by("unit_name", "worker__name", "worker__pk")
    )


@dataclass
class RollPage:
    roll: AllowanceRoll
    lines: list[AllowanceLine]
    total: Decimal
    worker_count: int
    by_level: list[tuple[str, int, Decimal]]


def allowance_roll_page(*, user, pk: int) -> RollPage:
    """A roll with the lines this person may see and their totals, per level as well. Raises
    AllowanceRoll.DoesNotExist when it is not theirs to see."""
    roll = allowance_rolls_visible_to(user=user).get(pk=pk)
    lines = list(allowance_lines_visible_to(user=user, roll=roll))
    per_level: dict[str, list] = {}
    for line in lines:
        count_total = per_level.setdefault(line.level, [0, ZERO])
        count_total[0] += 1
        count_total[1] += line.amount
    labels = dict(CertificateLevel.choices)
    by_level = [(labels[level], *per_level[level]) for level in CertificateLevel.values if level in per_level]
    total = roll.total if _sees_whole_roll(user) else yuan(sum((line.amount for line in lines), ZERO))
    count = roll.worker_count if _sees_whole_roll(user) else len(lines)
    return RollPage(roll=roll, lines=lines, total=total, worker_count=count, by_level=by_level)


XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def allowance_roll_workbook(*, user, roll: AllowanceRoll) -> BytesIO:
    """The roll as an Excel workbook: a header row, one row per visible line, a total row. The
    payroll file is the declared action `export` (positions.workflow)."""
    from openpyxl import Workbook

    action_require(actions_for(user, roll), "export")

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=f"{roll.month:%Y-%m}")
    sheet.append(
        safe_row(
            [
                _("No."),
                pgettext("person", "Name"),
                _("Unit"),
                _("Certificate level"),
                _("Certificate number"),
                _("Amount (yuan)"),
            ]
        )
    )
    labels = dict(CertificateLevel.choices)
    total, number = ZERO, 0
    for number, line in enumerate(allowance_lines_visible_to(user=user, roll=roll).iterator(), start=1):
        sheet.append(
            safe_row(
                [
                    number,
                    line.worker.name,
                    line.unit_name,
                    labels.get(line.level, line.level),
                    line.worker.certificate_number,
                    line.amount,
                ]
            )
        )
        total += line.amount
    sheet.append(
        safe_row(
            [
                _("Total"),
                ngettext("%(count)d worker", "%(count)d workers", number) % {"count": number},
                None,
                None,
                None,
                yuan(total),
            ]
        )
    )
    output = BytesIO()
    workbook.save(output)
    output.seek(0)
    return output
