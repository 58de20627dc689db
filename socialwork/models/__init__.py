from .audit import AuditArchive, AuditChainCheck, AuditEntry, AuditPolicy
from .backups import BackupRun
from .base import TimeStampedModel
from .imports import ImportedRecord, ImportRun
from .notifications import Notification, NotificationPreference
from .tokens import ApiToken, ApiTokenPolicy
from .twofactor import SecondFactorPolicy
from .users import User

__all__ = [
    "ApiToken",
    "ApiTokenPolicy",
    "AuditArchive",
    "AuditChainCheck",
    "AuditEntry",
    "AuditPolicy",
    "BackupRun",
    "ImportRun",
    "ImportedRecord",
    "Notification",
    "NotificationPreference",
    "SecondFactorPolicy",
    "TimeStampedModel",
    "User",
]
