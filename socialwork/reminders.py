"""The reminder engine every app plugs into.

A reminder kind is a small function registered with `@reminder`: given a day, it yields who is
to be reminded of what. The engine runs it on a beat schedule kept in the database (editable in
the admin) and sends each person one notification per item and day, however often it runs.

    @reminder("session_soon", label=_("Training session coming up"), hour=8)
    def session_soon(day):
        for enrolment in ...:
            yield Reminder(user=..., item=f"session:{session.pk}", title=..., url=...)
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone


@dataclass(frozen=True)
class Reminder:
    """One person to remind of one item. By default once per item and day; `once` makes it once
    per item for good (a session coming up is announced once, not every day until it starts)."""

    user: object
    item: str
    title: object
    body: object = ""
    url: str = ""
    once: bool = False


@dataclass(frozen=True)
class ReminderKind:
    name: str
    label: object
    find: Callable[[date], Iterable[Reminder]]
    crontab: dict = field(default_factory=dict)


REGISTRY: dict[str, ReminderKind] = {}


def reminder(name: str, *, label, **crontab):
    """Register a reminder kind; `crontab` is its default beat schedule (minute, hour, ...)."""

    from .notifications import notification_kind

    def register(find):
        REGISTRY[name] = ReminderKind(name=name, label=label, find=find, crontab=crontab)
        notification_kind(name, label=label)
        return find

    return register


def reminder_run(*, kind: str, day: date | None = None) -> int:
    """Run one reminder kind for a day; returns how many notifications went out this time."""
    from .services import notification_send

    day = day or timezone.localdate()
    reminder_kind = REGISTRY[kind]
    sent = 0
    for item in reminder_kind.find(day):
        when = "once" if item.once else day.isoformat()
        key = f"{kind}:{item.item}:{when}:{item.user.pk}"
        if notification_send(
            user=item.user, kind=kind, key=key, title=item.title, body=item.body, url=item.url
        ):
            sent += 1
    return sent


def sync_reminder_schedules(sender=None, **kwargs) -> None:
    """Make sure each registered kind has a periodic task; schedules edited in the admin stay."""
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    for kind in REGISTRY.values():
        name = f"reminder: {kind.name}"
        if PeriodicTask.objects.filter(name=name).exists():
            continue
        schedule, _created = CrontabSchedule.objects.get_or_create(
            minute=str(kind.crontab.get("minute", 0)),
            hour=str(kind.crontab.get("hour", 8)),
            day_of_week=str(kind.crontab.get("day_of_week", "*")),
            day_of_month=str(kind.crontab.get("day_of_month", "*")),
            month_of_year=str(kind.crontab.get("month_of_year", "*")),
            timezone=timezone.get_default_timezone_name(),
        )
        PeriodicTask.objects.create(
            name=name,
            task="socialwork.tasks.reminder_task",
            crontab=schedule,
            kwargs=f'{{"kind": "{kind.name}"}}',
        )
