"""Background tasks of the shared engine. Thin: ids in, one service, safe to run twice.

Both tasks may run more than once for the same work: a worker killed halfway has its message
redelivered (`acks_late` with `reject_on_worker_lost`), a retry after a lost connection starts
over, and beat may start a reminder run while the last one is still going. That is safe because
every notification has a key unique in the database and commits on its own: a second run sends
only what the first did not, and an email is sent under a row lock that records it was sent.
"""

from celery import shared_task
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerError

from . import reminders, services, timelimits
from .backups import tasks as backup_tasks  # noqa: F401 (registers the backups' tasks with Celery)
from .imports import tasks as import_tasks  # noqa: F401 (registers the imports' tasks with Celery)
from .task_options import task_options

# Connection troubles worth another try: the database (restarted, failed over), the broker
# (queueing an email from inside a run) and the network at large (SMTP, sockets).
CONNECTION_ERRORS = (ConnectionError, TimeoutError, OperationalError, InterfaceError, BrokerError)

# A reminder run reads a few thousand rows at most and writes one row per notification: minutes
# at worst. The soft limit stops it cleanly; whatever it had sent stays sent, and the next run
# (or the retry) sends the rest. The hard limit only catches a run stuck in a call.
REMINDER_SOFT_TIME_LIMIT, REMINDER_TIME_LIMIT = timelimits.REMINDER


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=REMINDER_SOFT_TIME_LIMIT,
    time_limit=REMINDER_TIME_LIMIT,
    autoretry_for=CONNECTION_ERRORS,
    retry_backoff=True,
    retry_backoff_max=10 * 60,
    retry_jitter=True,
    max_retries=5,
)
def reminder_task(kind: str) -> int:
    return reminders.reminder_run(kind=kind)


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=timelimits.NOTIFICATION_EMAIL.soft,
    time_limit=timelimits.NOTIFICATION_EMAIL.hard,
    autoretry_for=(*CONNECTION_ERRORS, OSError),
    retry_backoff=True,
    retry_backoff_max=30 * 60,
    retry_jitter=True,
    max_retries=8,
)
def notification_email(notification_id: int) -> bool:
    return services.notification_email_send(notification_id=notification_id)


@shared_task(**task_options(timelimits.NOTIFICATION_OUTBOX, retry_on=(OperationalError, InterfaceError)))
def notification_outbox_drain() -> int:
    """Every minute (beat): email the notifications whose email is still to be sent."""
    return services.notification_outbox_drain()


@shared_task(**task_options(timelimits.NOTIFICATION_MESSENGER, retry_on=(OperationalError, InterfaceError)))
def notification_messenger(notification_id: int) -> bool | None:
    """After the commit: send one notification by messenger. A failure is recorded on it and its
    drain tries again later (not this task: the pauses between attempts are the outbox's)."""
    return services.notification_messenger_send(notification_id=notification_id)


@shared_task(**task_options(timelimits.NOTIFICATION_OUTBOX, retry_on=(OperationalError, InterfaceError)))
def notification_messenger_drain() -> int:
    """Every minute (beat): send by messenger what is still to send and due again."""
    return services.notification_messenger_drain()


@shared_task(**task_options(timelimits.AUDIT_VERIFY, retry_on=(OperationalError, InterfaceError)))
def audit_chain_verify() -> bool:
    """Daily (beat): verify the audit log's chain; the auditors are told where it breaks."""
    from .audit_chain import chain_verify

    return chain_verify().ok
