"""Settings of the real worker that tests/socialwork/test_reminder_faults.py starts and kills.

The development settings, with a broker that hands an unacknowledged message to another worker
after a few seconds instead of an hour, so the test sees a redelivery within its time.
"""

from socialwork.settings.development import *  # noqa: F403

CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 4,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
