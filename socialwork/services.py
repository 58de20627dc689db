"""Writes that every app shares: the audit log and notifications."""

from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone, translation

from .models import AuditEntry, Notification, NotificationPreference, User


def apply_changes(obj, fields: dict) -> dict:
    """Set `fields` on `obj`; return {name: [before, after]} of what changed, for the audit row.
    A new object changes from nothing (and has no relations to read yet)."""
    diff = {}
    for name, value in fields.items():
        before = getattr(obj, name) if obj.pk else None
        if before != value:
            diff[name] = [str(before), str(value)]
        setattr(obj, name, value)
    return diff


def audit_record(
    *, actor: User | None, action: str, target: Model, summary: str = "", changes=None
) -> AuditEntry:
    """Append one row to the audit log. Called inside the service's own transaction. The
    database stamps the time; the actor's username and name are kept as they are now."""
    actor = actor if actor and actor.is_authenticated else None
    return AuditEntry.objects.create(
        actor=actor,
        actor_username=actor.username if actor else "",
        actor_name=actor.full_name if actor else "",
        action=action,
        target_type=target._meta.label_lower,
        target_id="" if target.pk is None else str(target.pk),
        summary=summary[:255],
        changes=changes or {},
    )


def notification_channels(*, user: User, kind: str) -> tuple[bool, bool]:
    """(in the inbox, by email) for this person and kind; both unless they said otherwise."""
    preference = NotificationPreference.objects.filter(user=user, kind=kind).first()
    if preference is None:
        return True, True
    return preference.in_app, preference.email


def notification_send(
    *, user: User, kind: str, key: str, title, body="", url: str = ""
) -> Notification | None:
    """Notify one person once per key, through the channels they chose.

    The key is unique in the database, so sending the same key twice (two runs of a reminder,
    two workers at once) leaves one notification and one email. Returns the new notification,
    or None when it was sent before or the person wants neither channel.
    """
    in_app, email = notification_channels(user=user, kind=kind)
    email = email and bool(user.email)
    if not (in_app or email):
        return None
    # Titles are written in the recipient's language, whatever language the sender runs in.
    with translation.override(user.language):
        title, body = str(title), str(body)
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                user=user, kind=kind, key=key, title=title, body=body, url=url, in_app=in_app
            )
    except IntegrityError:
        # Sent before. If a worker died between saving it and queueing its email, queue the email
        # again: the email task sends each notification once, however often it is queued.
        unsent = Notification.objects.filter(key=key, emailed_at__isnull=True).values_list("pk", flat=True)
        if email and (pk := unsent.first()):
            _email_later(pk)
        return None
    if email:
        _email_later(notification.pk)
    return notification


def _email_later(notification_id: int) -> None:
    from .tasks import notification_email

    # robust: a broker that is down must not undo the page's write; the in-app notification stands
    # and the email is queued again the next time the same notification is sent.
    transaction.on_commit(lambda: notification_email.delay(notification_id), robust=True)


def notification_email_send(*, notification_id: int) -> bool:
    """Email one notification unless it was emailed already. Safe to run twice."""
    from django.core.mail import send_mail

    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update().select_related("user").filter(pk=notification_id).first()
        )
        if notification is None or notification.emailed_at is not None:
            return False
        body = notification.body
        if notification.url:
            body = f"{body}\n\n{notification.url}".strip()
        send_mail(notification.title, body, None, [notification.user.email])
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at", "updated_at"])
    return True


def notification_mark_read(*, user: User, notification_id: int | None = None) -> int:
    """Mark one of the user's notifications read, or all of them when no id is given."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=timezone.now())


def notification_preferences_save(*, user: User, choices: dict[str, tuple[bool, bool]]) -> None:
    """Store the person's channels per kind: {kind: (in_app, email)}."""
    with transaction.atomic():
        for kind, (in_app, email) in choices.items():
            NotificationPreference.objects.update_or_create(
                user=user, kind=kind, defaults={"in_app": in_app, "email": email}
            )
