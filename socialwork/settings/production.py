"""Production: a real secret key and host list are required; transport security is on."""

from django.core.exceptions import ImproperlyConfigured

from socialwork.crypto import keyring as _keyring

from .base import *  # noqa: F403
from .base import (
    ALLOWED_HOSTS,
    AUDIT_CHAIN_ALGORITHM,
    AUDIT_CHAIN_KEYS,
    FIELD_CIPHER,
    FIELD_DIGEST_KEYS,
    FIELD_ENCRYPTION_KEYS,
    FIELD_ENCRYPTION_LEGACY_SALTS,
    MESSENGER_AGENT_ID,
    MESSENGER_APP_KEY,
    MESSENGER_APP_SECRET,
    MESSENGER_CORP_ID,
    MESSENGER_PROVIDER,
    SECRET_KEY,
    env,
)

if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set to a random string of at least 50 characters "
        "(or set DJANGO_DEBUG=1 for development)."
    )
if not FIELD_ENCRYPTION_KEYS or not FIELD_DIGEST_KEYS:
    raise ImproperlyConfigured(
        "FIELD_ENCRYPTION_KEYS and FIELD_DIGEST_KEYS must each hold at least one key (id:base64 of "
        "32 random bytes; `python manage.py reencrypt --new-key ID` prints one). They encrypt and "
        "find personal data: keep them safe, apart from the database and its backups, and never "
        "remove a key before `manage.py reencrypt` has moved every value off it."
    )
_keyring.parse_keys(FIELD_ENCRYPTION_KEYS, "FIELD_ENCRYPTION_KEYS")
_keyring.parse_keys(FIELD_DIGEST_KEYS, "FIELD_DIGEST_KEYS")
if FIELD_CIPHER.lower() not in ("fernet", "sm4", "sm4gcm", "sm4-gcm"):
    raise ImproperlyConfigured(f"FIELD_CIPHER must be fernet or sm4, not {FIELD_CIPHER!r}.")
if any(len(salt) < 32 for salt in FIELD_ENCRYPTION_LEGACY_SALTS):
    raise ImproperlyConfigured(
        "FIELD_ENCRYPTION_SALTS (the former encryption's, kept to read its values) are 32+ characters."
    )
if AUDIT_CHAIN_ALGORITHM not in ("sha256", "sm3"):
    raise ImproperlyConfigured('AUDIT_CHAIN_ALGORITHM must be "sha256" or "sm3".')
if not AUDIT_CHAIN_KEYS or any(
    len(key_id) == 0 or len(key) < 32 or key == SECRET_KEY
    for key_id, _colon, key in (entry.partition(":") for entry in AUDIT_CHAIN_KEYS)
):
    raise ImproperlyConfigured(
        "AUDIT_CHAIN_KEYS must hold at least one id:key pair (e.g. 2027a:<random key>) with a random "
        "key of 32 characters or more, not DJANGO_SECRET_KEY; it seals the audit log, so keep it "
        "apart from the database and keep old keys listed after the new one."
    )
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must name the hosts this site answers to.")
if MESSENGER_PROVIDER not in ("", "wecom", "dingtalk"):
    raise ImproperlyConfigured('MESSENGER_PROVIDER must be empty, "wecom" or "dingtalk".')
if MESSENGER_PROVIDER and not (
    MESSENGER_APP_SECRET
    and MESSENGER_AGENT_ID
    and (MESSENGER_CORP_ID if MESSENGER_PROVIDER == "wecom" else MESSENGER_APP_KEY)
):
    raise ImproperlyConfigured(
        "MESSENGER_PROVIDER needs MESSENGER_APP_SECRET, MESSENGER_AGENT_ID and the app's sign-in: "
        "MESSENGER_CORP_ID for wecom, MESSENGER_APP_KEY for dingtalk."
    )

DEBUG = False
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Pages send the CSRF token in forms and htmx headers, so no script needs to read the cookie.
CSRF_COOKIE_HTTPONLY = True
