"""Reminder kinds of the network. Registered with the engine in socialwork.reminders."""

from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from socialwork.reminders import Reminder, reminder
from socialwork.roles import Role

from . import registration_events  # noqa: F401 (declares registration's audit actions and notifications)
from .selectors import registration
from .selectors.network import coverage


@reminder("network_coverage_gaps", label=_("Gaps in the service network"), hour=9, day_of_week=1)
def network_coverage_gaps(day):
    """Each Monday, district administrators hear which towns lack a station and which
    communities lack a room, inside their own region."""
    admins = (
        get_user_model()
        .objects.filter(groups__name=Role.DISTRICT_ADMIN, is_active=True)
        .select_related("region", "unit")
        .prefetch_related("groups")
    )
    for admin in admins:
        gaps = coverage(user=admin)
        towns, communities = gaps.towns_without_station, gaps.communities_without_room
        if not (towns or communities):
            continue
        yield Reminder(
            user=admin,
            item=f"region:{admin.region_id}",
            title=format_lazy(
                _(
                    "{towns} towns without a service station, {communities} communities without a service room"
                ),
                towns=len(towns),
                communities=len(communities),
            ),
            body="、".join(region.name for region in [*towns, *communities][:30]),
            url=reverse("positions:coverage"),
        )


@reminder(
    "registration_hours_short",
    label=_("Registration expiring with continuing-education hours short"),
    hour=9,
)
def registration_hours_short(day):
    """Each day: a registration expiring within six months whose period's hours are short is told
    to the worker (with an account) and their station managers, once at six months before its
    expiry, once at three and once at one (a period first found inside three months hears only
    the point it has reached)."""
    periods = list(registration.periods_expiring(day=day, months=max(registration.REMINDER_MONTHS)))
    ledgers = registration.ledgers_of(periods)
    managers = registration.station_managers_of([period.worker for period in periods])
    for period in periods:
        ledger = ledgers[period.pk]
        if ledger.required is None or ledger.short <= 0:
            continue
        point = min(
            m for m in registration.REMINDER_MONTHS if day >= period.ends_on - relativedelta(months=m)
        )
        worker = period.worker
        people = list(managers.get(worker.pk, []))
        if worker.user_id and worker.user.is_active:
            people.append(worker.user)
        for person in people:
            yield Reminder(
                user=person,
                item=f"registration:{period.pk}:{point}",
                once=True,
                title=format_lazy(
                    _("Registration of {name} expires on {date}: {short} continuing-education hours missing"),
                    name=worker.name,
                    date=f"{period.ends_on:%Y-%m-%d}",
                    short=floatformat(ledger.short, -1),
                ),
                body=format_lazy(
                    _("{total} of the {required} hours this period requires are recorded."),
                    total=floatformat(ledger.total, -1),
                    required=floatformat(ledger.required, -1),
                ),
                url=worker.get_absolute_url() + "#registration",
            )


@reminder("registration_renewal_open", label=_("Registration ready to renew"), hour=9)
def registration_renewal_open(day):
    """Each day: once renewal has opened (three months before expiry) and the period's hours
    suffice, the worker's station managers hear once that it can be renewed."""
    periods = list(registration.periods_expiring(day=day, months=registration.RENEWAL_OPENS_MONTHS))
    ledgers = registration.ledgers_of(periods)
    managers = registration.station_managers_of([period.worker for period in periods])
    for period in periods:
        ledger = ledgers[period.pk]
        if ledger.required is None or ledger.short > 0 or day < registration.renewal_opens_on(period):
            continue
        for person in managers.get(period.worker_id, []):
            yield Reminder(
                user=person,
                item=f"renewal:{period.pk}",
                once=True,
                title=format_lazy(
                    _("Registration of {name} can be renewed (expires on {date})"),
                    name=period.worker.name,
                    date=f"{period.ends_on:%Y-%m-%d}",
                ),
                url=reverse("positions:registration_renew", args=[period.worker_id]),
            )
