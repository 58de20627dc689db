"""Reminder kinds of case records. Registered with the engine in socialwork.reminders.

A notification goes to the inbox and, as the person chose, by email: its title names the case by
number only, never a client.
"""

from datetime import timedelta
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from casework.models import Case, CaseworkPolicy, FollowUp, Referral, RiskLevel
from casework.selectors import (
    cases_quiet,
    district_administrators_over,
    follow_ups_after_closing_due,
    referrals_overdue,
    subject_requests_overdue,
)
from socialwork.reminders import Reminder, reminder
from socialwork.roles import Role

CLOSED = Case.Status.CLOSED


def _station_managers(station_ids) -> dict[int, list]:
    """The active station managers of each station."""
    managers: dict[int, list] = {}
    people = get_user_model().objects.filter(
        unit_id__in=set(station_ids), groups__name=Role.STATION_MANAGER, is_active=True
    )
    for user in people.distinct():
        managers.setdefault(user.unit_id, []).append(user)
    return managers


@reminder("casework_follow_ups_due", label=_("Case follow-up due"), hour=8)
def casework_follow_ups_due(day):
    """Each morning the case's assigned worker hears of every follow-up due today or overdue and
    not yet done (a closed case's follow-ups included; those after closing have their own kind below)."""
    follow_ups = (
        FollowUp.objects.exclude(kind=FollowUp.Kind.AFTER_CLOSING)
        .filter(
            done_on__isnull=True,
            due_on__lte=day,
            case__removed_at__isnull=True,
            case__worker__isnull=False,
            case__worker__is_active=True,
        )
        .select_related("case__worker")
        .order_by("due_on", "pk")
    )
    for follow_up in follow_ups:
        case = follow_up.case
        if follow_up.due_on < day:
            title = format_lazy(
                _("Follow-up of case {case} overdue since {date}"), case=case.number, date=follow_up.due_on
            )
        else:
            title = format_lazy(_("Follow-up of case {case} due today"), case=case.number)
        yield Reminder(
            user=case.worker, item=f"follow_up:{follow_up.pk}", title=title, url=case.get_absolute_url()
        )


@reminder("casework_after_closing_follow_ups_due", label=_("Follow-up after closing due"), hour=8)
def casework_after_closing_follow_ups_due(day):
    """Each morning the case's worker and the station's managers hear of every follow-up after
    closing due today or overdue and not yet done (casework.selectors.follow_ups_after_closing_due).
    A case labelled sensitive is named to its supervisor instead of the station manager."""
    follow_ups = list(
        follow_ups_after_closing_due(on=day)
        .select_related("case__worker", "case__supervisor")
        .order_by("due_on", "pk")
    )
    if not follow_ups:
        return
    managers = _station_managers(follow_up.case.station_id for follow_up in follow_ups)
    for follow_up in follow_ups:
        case = follow_up.case
        if follow_up.due_on < day:
            title = format_lazy(
                _("Follow-up after closing of case {case} overdue since {date}"), case=case.number,
                date=follow_up.due_on,
            )  # fmt: skip
        else:
            title = format_lazy(_("Follow-up after closing of case {case} due today"), case=case.number)
        people = {} if case.sensitive else {user.pk: user for user in managers.get(case.station_id, [])}
        for user in (case.worker, case.supervisor if case.sensitive else None):
            if user is not None and user.is_active:
                people[user.pk] = user
        for user in people.values():
            yield Reminder(
                user=user, item=f"after_closing:{follow_up.pk}", title=title, url=case.get_absolute_url()
            )


@reminder("casework_quiet_cases", label=_("Open case without a recent note"), hour=8, day_of_week=1)
def casework_quiet_cases(day):
    """Each Monday, the worker and the station manager hear of every quiet case: open, with no
    service note for the district's quiet_case_days (default 30) since its last note, or since
    intake if none (the rule is casework.selectors.case_quiet). A case labelled sensitive is named
    to its supervisor instead of the station manager, who does not see it."""
    cases = list(cases_quiet(on=day).select_related("worker", "supervisor").order_by("station", "number"))
    if not cases:
        return
    managers = _station_managers(case.station_id for case in cases)
    for case in cases:
        since = case.last_note_on or case.intake_on
        title = format_lazy(
            _("Case {case} has had no service note for {days} days"),
            case=case.number,
            days=(day - since).days,
        )
        people = {} if case.sensitive else {user.pk: user for user in managers.get(case.station_id, [])}
        for user in (case.worker, case.supervisor if case.sensitive else None):
            if user is not None and user.is_active:
                people[user.pk] = user
        for user in people.values():
            yield Reminder(user=user, item=f"quiet:{case.pk}", title=title, url=case.get_absolute_url())


@reminder("casework_unassigned_high_risk", label=_("High-risk case without a worker"), hour=8)
def casework_unassigned_high_risk(day):
    """Each day the station managers of the case's station hear of every open high-risk case that
    has no assigned worker. For a case labelled sensitive, which they do not see, the link leads to
    the break-glass page (they may open it to assign a worker; only they and the district learn it
    exists), and its supervisor is told too."""
    cases = list(
        Case.objects.filter(removed_at__isnull=True, risk_level=RiskLevel.HIGH, worker__isnull=True)
        .exclude(status=CLOSED)
        .select_related("supervisor")
        .order_by("intake_on", "pk")
    )
    if not cases:
        return
    managers = _station_managers(case.station_id for case in cases)
    for case in cases:
        title = format_lazy(_("High-risk case {case} has no worker: assign one"), case=case.number)
        url = case.get_absolute_url()
        if case.sensitive:
            glass = reverse("casework:break_glass") + "?" + urlencode({"number": case.number})
            for user in managers.get(case.station_id, []):
                yield Reminder(user=user, item=f"unassigned:{case.pk}", title=title, url=glass)
            if case.supervisor is not None and case.supervisor.is_active:
                yield Reminder(user=case.supervisor, item=f"unassigned:{case.pk}", title=title, url=url)
            continue
        for user in managers.get(case.station_id, []):
            yield Reminder(user=user, item=f"unassigned:{case.pk}", title=title, url=url)


@reminder("casework_subject_requests_overdue", label=_("Personal information request overdue"), hour=8)
def casework_subject_requests_overdue(day):
    """Each morning the district administrators over the client's station hear of every personal
    information request not answered by its due day (it names the request by number, never the
    client)."""
    requests = list(subject_requests_overdue(on=day).order_by("due_on", "pk"))
    administrators: dict[int, list] = {}
    for request in requests:
        region = request.station.region
        if region.pk not in administrators:
            administrators[region.pk] = list(district_administrators_over(region))
        title = format_lazy(
            _("Personal information request #{number} was due on {date} and is not answered"),
            number=request.pk,
            date=request.due_on,
        )
        for user in administrators[region.pk]:
            yield Reminder(
                user=user, item=f"subject_request:{request.pk}", title=title, url=request.get_absolute_url()
            )


@reminder("casework_referrals_overdue", label=_("Referral overdue"), hour=8)
def casework_referrals_overdue(day):
    """Each morning the case's worker hears, once, of a referral with no answer by its answer date
    or no conclusion by the date its result was expected; the district's referral_escalate_days
    (default 7) later, the case's supervisor hears of it too, once (a case with no supervisor: the
    station manager, unless the case is labelled sensitive). A new date given (the receiver asked
    for more time) makes it a new item."""
    policies = CaseworkPolicy.table()  # each referral by its case's district's days
    referrals = list(referrals_overdue(on=day))
    managers = _station_managers(
        referral.case.station_id for referral in referrals if referral.case.supervisor_id is None
    )
    for referral in referrals:
        case = referral.case
        url = case.get_absolute_url() + "#referrals"
        if referral.status == Referral.Status.REQUESTED and referral.answer_by and referral.answer_by < day:
            stage, since = "answer", referral.answer_by
            title = format_lazy(
                _("Referral of case {case} to {target}: no answer since {date}"),
                case=case.number, target=referral.target, date=since,
            )  # fmt: skip
        else:
            stage, since = "outcome", referral.outcome_by
            title = format_lazy(
                _("Referral of case {case} to {target}: no result since {date}"),
                case=case.number, target=referral.target, date=since,
            )  # fmt: skip
        item = f"referral:{referral.pk}:{stage}:{since.isoformat()}"
        if case.worker is not None and case.worker.is_active:
            yield Reminder(user=case.worker, item=f"{item}:worker", title=title, url=url, once=True)
        if day - since < timedelta(days=policies.at(case.station.region.path).referral_escalate_days):
            continue
        if case.supervisor is not None:
            above = [case.supervisor] if case.supervisor.is_active else []
        else:
            above = [] if case.sensitive else managers.get(case.station_id, [])
        for user in above:
            yield Reminder(user=user, item=f"{item}:above", title=title, url=url, once=True)
