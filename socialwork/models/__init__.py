from .audit import AuditEntry
from .base import TimeStampedModel
from .notifications import Notification, NotificationPreference
from .tokens import ApiToken, ApiTokenPolicy
from .twofactor import SecondFactorPolicy
from .users import User

__all__ = [
    "ApiToken",
    "ApiTokenPolicy",
    "AuditEntry",
    "Notification",
    "NotificationPreference",
    "SecondFactorPolicy",
    "TimeStampedModel",
    "User",
]
