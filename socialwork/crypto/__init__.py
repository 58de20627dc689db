"""Field encryption and keyed digests with keys of their own (FIELD_ENCRYPTION_KEYS,
FIELD_DIGEST_KEYS), a cipher chosen by FIELD_CIPHER (Fernet, or SM4-GCM for GB/T 39786) and the
former package's values readable while FIELD_ENCRYPTION_SALTS is set. See keyring.py."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

from . import keyring as kr
from .keyring import DecryptionError

__all__ = [
    "DecryptionError", "cipher", "decrypt", "decrypt_bytes", "digest", "digest_algorithm", "digest_current", "digest_lookup",
    "digest_keyring", "encrypt", "encrypt_bytes", "encryption_keyring", "is_current",
]  # fmt: skip

_cache: dict = {}

CIPHER_NAMES = {"fernet": kr.FERNET, "sm4": kr.SM4GCM, "sm4gcm": kr.SM4GCM, "sm4-gcm": kr.SM4GCM}


@receiver(setting_changed)
def _forget(setting, **kwargs):
    if setting.startswith("FIELD_") or setting.startswith("SECRET_KEY"):
        _cache.clear()


def cipher() -> str:
    """The cipher new values are made with (FIELD_CIPHER: fernet or sm4)."""
    name = str(getattr(settings, "FIELD_CIPHER", "fernet")).lower()
    try:
        return CIPHER_NAMES[name]
    except KeyError:
        raise ImproperlyConfigured(f"FIELD_CIPHER must be fernet or sm4, not {name!r}.") from None


def digest_algorithm() -> str:
    """HMAC-SM3 with SM4, HMAC-SHA256 with Fernet, unless FIELD_DIGEST says otherwise."""
    name = getattr(settings, "FIELD_DIGEST", "") or (kr.HMAC_SM3 if cipher() == kr.SM4GCM else kr.HMAC_SHA256)
    if name not in kr.DIGESTS:
        raise ImproperlyConfigured(f"FIELD_DIGEST must be one of {', '.join(kr.DIGESTS)}, not {name!r}.")
    return name


def _legacy_salts() -> tuple[str, ...]:
    return tuple(getattr(settings, "FIELD_ENCRYPTION_LEGACY_SALTS", ()) or ())


def _secrets() -> tuple[str, ...]:
    return (settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", ()))


def encryption_keyring() -> kr.Keyring:
    if "enc" not in _cache:
        keys = kr.parse_keys(getattr(settings, "FIELD_ENCRYPTION_KEYS", ()), "FIELD_ENCRYPTION_KEYS")
        salts = _legacy_salts()
        legacy = kr.legacy_keys(_secrets(), salts) if salts else ()
        _cache["enc"] = kr.Keyring(keys=keys, purpose="fields", legacy=legacy)
    return _cache["enc"]


def digest_keyring() -> kr.Keyring:
    if "dig" not in _cache:
        keys = kr.parse_keys(getattr(settings, "FIELD_DIGEST_KEYS", ()), "FIELD_DIGEST_KEYS")
        _cache["dig"] = kr.Keyring(keys=keys, purpose="field-digests")
    return _cache["dig"]


def encrypt(plaintext: str) -> str:
    return kr.encrypt(encryption_keyring(), cipher(), plaintext)


def decrypt(value: str) -> str:
    return kr.decrypt(encryption_keyring(), value)


def encrypt_bytes(data: bytes) -> bytes:
    """A file's bytes under the current key and cipher, the header naming both."""
    return kr.encrypt_bytes(encryption_keyring(), cipher(), data)


def decrypt_bytes(blob: bytes) -> bytes:
    """Bytes made by `encrypt_bytes` under any configured key and either cipher."""
    return kr.decrypt_bytes(encryption_keyring(), blob)


def is_current(value: str) -> bool:
    """Made with the current key and cipher: re-encryption leaves it alone."""
    return kr.is_current(encryption_keyring(), cipher(), value)


def current_prefix() -> str:
    return f"{cipher()}:{encryption_keyring().current_id}:"


def digest(purpose: str, value: str) -> str:
    """The keyed digest of a value, with the current digest key: equal for equal values, useless
    without the key. Rotating the encryption key leaves it as it is."""
    return kr.digest(digest_keyring(), digest_algorithm(), purpose, value)


def digest_lookup(purpose: str, value: str) -> list[str]:
    """Every digest a stored row may hold for this value (all digest keys and algorithms, and the
    former secret-key digest while the upgrade's salts are set): search with ``__in``."""
    return kr.digest_candidates(
        digest_keyring(), purpose, value, legacy_secrets=_secrets() if _legacy_salts() else ()
    )


def digest_current(stored: str) -> bool:
    return kr.digest_is_current(digest_keyring(), digest_algorithm(), stored)


def digest_prefix() -> str:
    return f"{digest_keyring().current_id}:{kr.DIGESTS[digest_algorithm()][0]}:"
