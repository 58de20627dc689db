"""Writes that every app shares: the audit log and notifications."""

import logging
from datetime import timedelta
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.db.models import Model, Q
from django.utils import timezone, translation

from .models import AuditEntry, Notification, NotificationPreference, User
from .notifications import KINDS

logger = logging.getLogger(__name__)
# The outbox gives up for this run after this many emails in a row could not be sent (the mail
# server is down): the next run, a minute later, tries again.
OUTBOX_FAILURES_IN_A_ROW = 3


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
    *,
    actor: User | None,
    action: str,
    target: Model | None = None,
    summary: str = "",
    changes=None,
    target_type: str = "",
    target_id: str = "",
) -> AuditEntry:
    """Append one row to the audit log. Called inside the service's own transaction. The
    database stamps the time; the actor's username and name are kept as they are now, and the
    address of the request being served (socialwork.audit), if any.

    The action is declared with its label in socialwork.audit_actions: while
    settings.AUDIT_REQUIRE_LABELS is on an undeclared one is refused, and in production it is
    written anyway (the log shows its code) and reported in the error log. The summary names the
    record (number, name, amount), never a sentence: the words are the action's label, shown in
    the reader's language. A target that is not a saved record (a username nobody holds) is given
    as target_type and target_id.

    The row is sealed and chained to the one before it (socialwork.audit_chain): from here to the
    commit of the caller's transaction, other audit rows wait for this one."""
    from .audit import request_address
    from .audit_actions import action_label
    from .audit_chain import chain_append

    if action_label(action) is None:
        message = (
            f"The audit action {action!r} has no label: declare it in socialwork/audit_actions.py, "
            f'e.g. audit_action({action!r}, _("...")).'
        )
        if settings.AUDIT_REQUIRE_LABELS:
            raise ImproperlyConfigured(message)
        logger.error(message)
    actor = actor if actor and actor.is_authenticated else None
    if target is not None:
        target_type = target._meta.label_lower
        target_id = "" if target.pk is None else str(target.pk)
    return chain_append(
        actor_id=actor.pk if actor else None,
        actor_username=actor.username if actor else "",
        actor_name=actor.full_name if actor else "",
        action=action,
        target_type=target_type,
        target_id=target_id,
        summary=str(summary)[:255],
        changes=changes or {},
        address=request_address(),
    )


class Channels(NamedTuple):
    in_app: bool
    email: bool
    messenger: bool


def notification_channels(*, user: User, kind: str) -> Channels:
    """(in the inbox, by email, by messenger) for this person and kind; all unless they said
    otherwise."""
    preference = NotificationPreference.objects.filter(user=user, kind=kind).first()
    if preference is None:
        return Channels(True, True, True)
    return Channels(preference.in_app, preference.email, preference.messenger)


def notification_send(
    *, user: User, kind: str, key: str, title, body="", url: str = "", reference: str = ""
) -> Notification | None:
    """Notify one person once per key, through the channels they chose.

    The key is unique in the database, so sending the same key twice (two runs of a reminder,
    two workers at once) leaves one notification and one email. The email is in the database's
    outbox with the notification, so a broker that is down delays it and loses none: it is queued
    at once after the commit, and the outbox task sends whatever that missed. Returns the new
    notification, or None when it was sent before or the person wants no channel.

    The enterprise messenger (socialwork.messenger), when the installation has one and the person
    an account id on it, has an outbox of its own, sent the same way. Its message names the record
    by `reference` (a case number) only, never by the title or body.
    """
    if kind not in KINDS:
        raise ImproperlyConfigured(f"Notification kind {kind!r} is not declared (socialwork.notifications).")
    from .messenger import messenger_enabled

    in_app, email, messenger = notification_channels(user=user, kind=kind)
    email = email and bool(user.email)
    messenger = messenger and bool(user.messenger_id) and messenger_enabled()
    if not (in_app or email or messenger):
        return None
    # Titles are written in the recipient's language, whatever language the sender runs in.
    with translation.override(user.language):
        title, body = str(title), str(body)
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                user=user,
                kind=kind,
                key=key,
                title=title,
                body=body,
                url=url,
                reference=str(reference)[:40],
                in_app=in_app,
                email_wanted=email,
                messenger_wanted=messenger,
            )
    except IntegrityError:
        # Sent before. Its email, if still unsent, waits in the outbox; if a worker died between
        # saving it and queueing the email, queue it at once too: each is sent once however queued.
        # The messenger's outbox has its own pauses between attempts: its drain sends it.
        unsent = Notification.objects.filter(key=key, email_wanted=True, emailed_at__isnull=True)
        if email and (pk := unsent.values_list("pk", flat=True).first()):
            _email_later(pk)
        return None
    if email:
        _email_later(notification.pk)
    if messenger:
        _messenger_later(notification.pk)
    return notification


def _email_later(notification_id: int) -> None:
    from .tasks import notification_email

    # The fast path. robust: a broker that is down must not undo the page's write; the in-app
    # notification stands and the outbox task sends the email (`notification_outbox_drain`).
    transaction.on_commit(lambda: notification_email.delay(notification_id), robust=True)


def _messenger_later(notification_id: int) -> None:
    from .tasks import notification_messenger

    # As the email's fast path: a broker that is down leaves the message to the messenger's drain.
    transaction.on_commit(lambda: notification_messenger.delay(notification_id), robust=True)


def notification_outbox_drain(*, limit: int = 1000) -> int:
    """Email the notifications that want an email and have none yet, oldest first, each once.
    Run every minute by beat, so an email whose queueing failed (the broker was down) or whose
    worker died is sent a minute later. Several drains and the fast path may run at once: each
    notification is sent under its row lock, and one locked by another is left to it. Returns how
    many were sent."""
    pending = (
        Notification.objects.filter(email_wanted=True, emailed_at__isnull=True)
        .exclude(user__email="")
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    sent = failures = 0
    for notification_id in list(pending):
        try:
            sent += notification_email_send(notification_id=notification_id, skip_locked=True)
            failures = 0
        except OSError:  # smtplib's errors and sockets'; the notification stays in the outbox
            logger.exception("Notification %s could not be emailed", notification_id)
            failures += 1
            if failures >= OUTBOX_FAILURES_IN_A_ROW:
                break
    return sent


def notification_email_send(*, notification_id: int, skip_locked: bool = False) -> bool:
    """Email one notification unless it was emailed already (or, with `skip_locked`, is being
    emailed by someone else). Safe to run twice."""
    from django.core.mail import send_mail

    with transaction.atomic():
        notification = (
            # Only the notification's row: a lock on the person's would hold back (or, skipping,
            # pass over) every other notification of theirs.
            Notification.objects.select_for_update(skip_locked=skip_locked, of=("self",))
            .select_related("user")
            .filter(pk=notification_id)
            .first()
        )
        if notification is None or notification.emailed_at is not None or not notification.user.email:
            return False
        body = notification.body
        if notification.url:
            body = f"{body}\n\n{notification.url}".strip()
        send_mail(notification.title, body, None, [notification.user.email])
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at", "updated_at"])
    return True


def messenger_retry_delay(attempts: int) -> timedelta:
    """The pause after the `attempts`-th failed attempt: 1, 2, 4, 8... minutes, at most a day."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 24 * 60))


def _messenger_due(now) -> Q:
    return Q(
        messenger_wanted=True,
        messenger_sent_at__isnull=True,
        messenger_attempts__lt=settings.MESSENGER_MAX_ATTEMPTS,
    ) & (Q(messenger_next_at__isnull=True) | Q(messenger_next_at__lte=now))


def notification_messenger_drain(*, limit: int = 1000) -> int:
    """Send by messenger the notifications still to send whose pause after a failure is over,
    oldest first, each once. Run every minute by beat, beside the email's outbox. Several drains
    and the fast path may run at once: each is sent under its row lock, and one locked by another
    is left to it. Stops for this run after a few failures in a row (the provider is down).
    Returns how many were sent."""
    from .messenger import messenger_enabled

    if not messenger_enabled():
        return 0
    pending = (
        Notification.objects.filter(_messenger_due(timezone.now()))
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    sent = failures = 0
    for notification_id in list(pending):
        result = notification_messenger_send(notification_id=notification_id, skip_locked=True)
        if result is False:
            failures += 1
            if failures >= OUTBOX_FAILURES_IN_A_ROW:
                break
        elif result:
            sent += 1
            failures = 0
    return sent


def notification_messenger_send(*, notification_id: int, skip_locked: bool = False) -> bool | None:
    """Send one notification by messenger unless it was sent already, is waiting out its pause
    after a failure, has run out of attempts, or (with `skip_locked`) is being sent by someone
    else. Safe to run twice. A failure is recorded on the notification (attempts, the next
    attempt's time, the error's code) and the drain tries again; after MESSENGER_MAX_ATTEMPTS it
    gives up, and the notification keeps its last error. Returns True when sent, False when this
    attempt failed, None when there was nothing to do."""
    from .messenger import MessengerError, message_send, message_text, messenger_enabled

    if not messenger_enabled():
        return None
    with transaction.atomic():
        now = timezone.now()
        notification = (
            Notification.objects.select_for_update(skip_locked=skip_locked, of=("self",))
            .select_related("user")
            .filter(_messenger_due(now), pk=notification_id)
            .first()
        )
        if notification is None or not notification.user.messenger_id:
            return None
        notification.messenger_attempts += 1
        try:
            message_send(recipients=[notification.user.messenger_id], text=message_text(notification))
        except MessengerError as error:
            notification.messenger_error = error.reason
            if notification.messenger_attempts >= settings.MESSENGER_MAX_ATTEMPTS:
                notification.messenger_next_at = None
                logger.error(
                    "Notification %s: messenger gave up after %s attempts (%s)",
                    notification.pk,
                    notification.messenger_attempts,
                    error.reason,
                )
            else:
                notification.messenger_next_at = now + messenger_retry_delay(notification.messenger_attempts)
                logger.warning("Notification %s: messenger failed (%s)", notification.pk, error.reason)
            sent = False
        else:
            notification.messenger_sent_at = timezone.now()
            notification.messenger_next_at = None
            notification.messenger_error = ""
            sent = True
        notification.save(
            update_fields=[
                "messenger_attempts",
                "messenger_sent_at",
                "messenger_next_at",
                "messenger_error",
                "updated_at",
            ]
        )
    return sent


def notification_mark_read(*, user: User, notification_id: int | None = None) -> int:
    """Mark one of the user's notifications read, or all of them when no id is given."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=timezone.now())


def notification_preferences_save(*, user: User, choices: dict[str, tuple[bool, ...]]) -> None:
    """Store the person's channels per kind: {kind: (in_app, email)} or (in_app, email, messenger).
    Without the third (the installation has no messenger), that choice stays as it was."""
    with transaction.atomic():
        for kind, (in_app, email, *messenger) in choices.items():
            defaults = {"in_app": in_app, "email": email}
            if messenger:
                defaults["messenger"] = messenger[0]
            NotificationPreference.objects.update_or_create(user=user, kind=kind, defaults=defaults)
