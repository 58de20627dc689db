from .audit import AuditEntry
from .backups import BackupRun
from .base import TimeStampedModel
from .notifications import Notification, NotificationPreference
from .tokens import ApiToken, ApiTokenPolicy
from .users import User

__all__ = [
    "ApiToken",
    "ApiTokenPolicy",
    "AuditEntry",
    "BackupRun",
    "Notification",
    "NotificationPreference",
    "TimeStampedModel",
    "User",
]
