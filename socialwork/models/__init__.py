from .audit import AuditEntry
from .base import TimeStampedModel
from .notifications import Notification, NotificationPreference
from .users import User

__all__ = ["AuditEntry", "Notification", "NotificationPreference", "TimeStampedModel", "User"]
