from .audit import AuditArchive, AuditChainCheck, AuditEntry, AuditPolicy
from .base import TimeStampedModel
from .notifications import Notification, NotificationPreference
from .tokens import ApiToken, ApiTokenPolicy
from .users import User

__all__ = [
    "ApiToken",
    "ApiTokenPolicy",
    "AuditArchive",
    "AuditChainCheck",
    "AuditEntry",
    "AuditPolicy",
    "Notification",
    "NotificationPreference",
    "TimeStampedModel",
    "User",
]
