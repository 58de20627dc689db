"""Background tasks of the shared engine. Thin: ids in, one service, safe to run twice."""

from celery import shared_task

from . import reminders, services


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def reminder_task(kind: str) -> int:
    return reminders.reminder_run(kind=kind)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notification_email(notification_id: int) -> bool:
    return services.notification_email_send(notification_id=notification_id)
