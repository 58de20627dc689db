"""Every background task's time limits in one place, and the broker's visibility timeout drawn
from them, so that the two cannot drift apart.

Redis keeps a delivered message unacknowledged until its task ends (`acks_late`); a message not
acknowledged within the visibility timeout is given to another worker. So the timeout is what a
task whose worker was killed waits before it runs again, and it must be longer than any task may
run, or a task still running would be given to a second worker. Read by the settings, so it
imports nothing of Django.
"""

from typing import NamedTuple


class Limits(NamedTuple):
    """Seconds: at `soft` the task is told to stop (SoftTimeLimitExceeded), at `hard` it is killed."""

    soft: int
    hard: int


DEFAULT = Limits(10 * 60, 11 * 60)
REMINDER = Limits(5 * 60, 6 * 60)
NOTIFICATION_EMAIL = Limits(60, 90)
NOTIFICATION_OUTBOX = Limits(4 * 60, 5 * 60)
# One message: a token and a send, each within MESSENGER_TIMEOUT, twice when the token expired.
NOTIFICATION_MESSENGER = Limits(90, 2 * 60)
ALLOWANCE_ROLL = Limits(5 * 60, 6 * 60)
ANNUAL_REPORT = Limits(15 * 60, 16 * 60)
# A dossier reads one project's or one station's year of records: a few dozen grouped queries.
DOSSIER = Limits(10 * 60, 11 * 60)
DASHBOARD = Limits(10 * 60, 11 * 60)
CLIENT_PURGE = Limits(15 * 60, 16 * 60)
# One INSERT of the open cases' clients into the new year: a province's few million in minutes.
SERVED_EXTEND = Limits(15 * 60, 16 * 60)
EXPORT = Limits(30 * 60, 31 * 60)
# An import of up to 100,000 rows, checked and written in one transaction: 100,000 workers took
# 16 minutes on a shared machine (bench/results_imports.md).
IMPORT = Limits(30 * 60, 31 * 60)
STALE_RECOVERY = Limits(60, 2 * 60)
# A database of a few GB dumps, or restores into the scratch database, in minutes; the limits stay
# under the visibility timeout. A larger one runs `manage.py backup` from cron (no time limit).
BACKUP = Limits(30 * 60, 31 * 60)
RESTORE_CHECK = Limits(30 * 60, 31 * 60)
# Verifying the audit chain reads every live row: about a minute a million rows, with room.
AUDIT_VERIFY = Limits(30 * 60, 31 * 60)

ALL = (
    DEFAULT, REMINDER, NOTIFICATION_EMAIL, NOTIFICATION_OUTBOX, NOTIFICATION_MESSENGER, ALLOWANCE_ROLL,
    ANNUAL_REPORT, DOSSIER, DASHBOARD, CLIENT_PURGE, SERVED_EXTEND, EXPORT, IMPORT, STALE_RECOVERY, BACKUP, RESTORE_CHECK, AUDIT_VERIFY,
)  # fmt: skip

# The longest hard limit and a margin for the worker to record the end and acknowledge.
VISIBILITY_TIMEOUT = max(limits.hard for limits in ALL) + 2 * 60
