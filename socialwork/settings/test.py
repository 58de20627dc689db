"""Tests: the development settings with fast hashing, in-memory mail and tasks run inline."""

from .development import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
DEMO_MODE = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CELERY_TASK_STORE_EAGER_RESULT = True
# Tests read messages in English; the tests of the Chinese default (i18n, browser journeys) set
# LANGUAGE_CODE back to zh-hans themselves.
LANGUAGE_CODE = "en"
# Django runs tests with DEBUG off; static files still come from the finders, as in development.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Fixtures register dozens of clients as one person within a second; the tests of intake's
# look-up limits (tests/casework/test_intake_probes.py) set the limits they test.
CASEWORK_DUPLICATE_CHECKS_PER_HOUR = 10_000
CASEWORK_DUPLICATE_CHECK_BURST = 10_000
# The WSGI module's start-up decryption check (socialwork/crypto/checks.py) needs the database;
# tests import that module without one, and test the check itself.
FIELD_ENCRYPTION_STARTUP_CHECK = False
