"""Tests: the development settings with fast hashing, in-memory mail and tasks run inline."""

import os
import re

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

# `make test` runs the suite in several processes (pytest-xdist, PYTEST_XDIST_WORKER gw0, gw1…):
# on Redis each takes its own database (8 and up), so that a test starting a real Celery worker
# never takes another process's tasks. The workers such a test starts read it from the environment.
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if _XDIST_WORKER.startswith("gw") and CELERY_BROKER_URL.startswith("redis://"):  # noqa: F405
    _DATABASE = 8 + int(_XDIST_WORKER[2:]) % 8
    CELERY_BROKER_URL = re.sub(r"(/\d*)?$", f"/{_DATABASE}", CELERY_BROKER_URL, count=1)  # noqa: F405
    os.environ["CELERY_BROKER_URL"] = CELERY_BROKER_URL
