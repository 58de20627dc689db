"""Settings of the real workers that tests/faults/test_worker_killed.py starts and kills: the
development settings (Redis from CELERY_BROKER_URL, so the project's own visibility timeout and
broker options), with that timeout shortened from half an hour to seconds for the test."""

from socialwork.settings.development import *  # noqa: F403

VISIBILITY_TIMEOUT = 5
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,  # noqa: F405
    "visibility_timeout": VISIBILITY_TIMEOUT,
    "unacked_restore_interval": 1,
}
