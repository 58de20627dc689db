"""Reminder kinds of training. Registered with the engine in socialwork.reminders."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, F, Q
from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from positions.models import CertificateLevel, SocialWorker
from positions.selectors.network import installation_district
from socialwork.local_rules import RuleTable
from socialwork.reminders import Reminder, reminder
from training.models import Enrolment, HoursRequirement, TrainingSession
from training.selectors import hours_by_worker

S = Enrolment.Status

DAYS_BEFORE = 3  # participants hear of a session this many days ahead
UNDERSUBSCRIBED_WITHIN = 14  # organizers hear of a thin session this many days ahead
HOURS_REMINDER_FROM_MONTH = 10  # the last quarter: time is running out to reach the year's hours


def _starting_between(first: date, last: date):
    """Sessions starting on any day from `first` to `last`, in the district's time."""
    start = timezone.make_aware(datetime.combine(first, time.min))
    end = timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min))
    return TrainingSession.objects.filter(starts_at__gte=start, starts_at__lt=end)


@reminder("training_session_soon", label=_("Training session coming up"), hour=8)
def training_session_soon(day):
    """Each day, confirmed participants with a login account hear of their sessions starting
    within the next DAYS_BEFORE days (today included)."""
    sessions = _starting_between(day, day + timedelta(days=DAYS_BEFORE))
    enrolments = Enrolment.objects.filter(
        session__in=sessions, status=S.CONFIRMED, worker__user__isnull=False, worker__user__is_active=True
    ).select_related("session", "worker__user")
    for enrolment in enrolments:
        session = enrolment.session
        local_start = timezone.localtime(session.starts_at)
        yield Reminder(
            user=enrolment.worker.user,
            item=f"session:{session.pk}",
            once=True,  # the days before a session are a window, not a daily alarm
            title=format_lazy(
                _("Training on {date}: {topic}"), date=f"{local_start:%Y-%m-%d %H:%M}", topic=session.topic
            ),
            body=format_lazy(_("Venue: {venue}"), venue=session.venue),
            url=session.get_absolute_url(),
        )


@reminder("training_undersubscribed", label=_("Training session under-subscribed"), hour=9)
def training_undersubscribed(day):
    """Each day, a series' organizer hears of its sessions starting within two weeks that have
    fewer confirmed participants than their minimum."""
    sessions = (
        _starting_between(day, day + timedelta(days=UNDERSUBSCRIBED_WITHIN))
        .filter(series__organizer__isnull=False, series__organizer__is_active=True, minimum__gt=0)
        .annotate(confirmed=Count("enrolments", filter=Q(enrolments__status=S.CONFIRMED)))
        .filter(confirmed__lt=F("minimum"))
        .select_related("series__organizer")
    )
    for session in sessions:
        yield Reminder(
            user=session.series.organizer,
            item=f"session:{session.pk}",
            title=format_lazy(
                _("Under-subscribed: {session} has {confirmed} of at least {minimum} participants"),
                session=session,
                confirmed=session.confirmed,
                minimum=session.minimum,
            ),
            url=session.get_absolute_url(),
        )


@reminder(
    "training_hours_short", label=_("Training hours short of the year's requirement"), hour=9, day_of_week=1
)
def training_hours_short(day):
    """Each Monday of the last quarter, certified active workers with a login account who are
    short of the year's required hours hear how many they still lack."""
    if day.month < HOURS_REMINDER_FROM_MONTH:
        return
    table = RuleTable(HoursRequirement, year=day.year)
    if not table.rows:
        return
    root = installation_district()
    workers = (
        SocialWorker.objects.filter(
            status=SocialWorker.Status.ACTIVE, user__isnull=False, user__is_active=True
        )
        .exclude(certificate_level=CertificateLevel.NONE)
        .select_related("user", "employer_unit__region")
    )
    hours = hours_by_worker(year=day.year, workers=workers)
    for worker in workers:
        done = hours.get(worker.pk, Decimal(0))
        # The requirement of the worker's own district (else its city's).
        place = worker.employer_unit.region if worker.employer_unit_id else root
        requirement = table.rule_for(place, year=day.year)
        if requirement is None or done >= requirement.hours:
            continue
        yield Reminder(
            user=worker.user,
            item=f"hours:{day.year}",
            title=format_lazy(
                _("{year}: {hours} of the {required} training hours done"),
                year=day.year,
                hours=floatformat(done, -1),
                required=floatformat(requirement.hours, -1),
            ),
            body=format_lazy(
                _("{missing} hours are still missing before the end of the year."),
                missing=floatformat(requirement.hours - done, -1),
            ),
            url=worker.get_absolute_url(),
        )
