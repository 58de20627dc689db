"""The quick start: debug on, a fixed local key, demo accounts allowed."""

from .base import *  # noqa: F403
from .base import env

DEBUG = True
SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-" + "x" * 50)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
# Every audit action has a label (socialwork.audit_actions): an unlabelled one fails at once here.
AUDIT_REQUIRE_LABELS = True
# A fixed key for the audit chain, development only: production refuses to start without its own.
AUDIT_CHAIN_KEYS = env.list("AUDIT_CHAIN_KEYS", default=["dev:dev-only-audit-chain-key-" + "z" * 32])
DEMO_MODE = env.bool("DEMO_MODE", default=True)
# Fixed development keys (never for production): base64 of 32 repeated bytes. The former salt
# stays, so a development database made before these keys still reads until `reencrypt`.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=["dev1:" + "ZGV2" * 10 + "ZGU="])
FIELD_DIGEST_KEYS = env.list("FIELD_DIGEST_KEYS", default=["dev1:" + "ZGln" * 10 + "ZGk="])
FIELD_ENCRYPTION_LEGACY_SALTS = env.list("FIELD_ENCRYPTION_SALTS", default=["dev-only-salt-" + "y" * 32])
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files straight from the apps and static/, no collectstatic needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
