"""Production: a real secret key and host list are required; transport security is on."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS, AUDIT_CHAIN_ALGORITHM, AUDIT_CHAIN_KEYS, SALT_KEY, SECRET_KEY, env

if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set to a random string of at least 50 characters "
        "(or set DJANGO_DEBUG=1 for development)."
    )
if not SALT_KEY or any(len(salt) < 32 for salt in SALT_KEY):
    raise ImproperlyConfigured(
        "FIELD_ENCRYPTION_SALTS must hold at least one random salt of 32 characters or more; it "
        "encrypts client data, so keep it (and DJANGO_SECRET_KEY) safe and never change it without "
        "keeping the old one after the new."
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
