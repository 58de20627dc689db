"""Keys of their own, apart from DJANGO_SECRET_KEY, that rotate.

A keyring is a list of keys, each with a short id: the first is current (it encrypts, or
computes digests); every key in the list decrypts, or matches. Each stored value names the
cipher and the key id that made it (``sm4gcm:2026b:…``), so values made under several keys and
ciphers live side by side while ``manage.py reencrypt`` moves them to the current one.

Keys are 32 random bytes, written in settings as ``id:base64`` (``make_key()`` prints one). A
key is never used as it is: each use (a cipher, a digest, another engineer's backup or audit
chain) derives its own subkey with HKDF, named by that use, so one key cannot serve two
purposes by accident. This module knows nothing of models: other parts (backups, the audit
chain) may build a ``Keyring`` from their own setting with ``keyring_from_setting``.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from django.core.exceptions import ImproperlyConfigured
from django.utils.crypto import salted_hmac

KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,12}$")
KEY_BYTES = 32
FERNET, SM4GCM = "fernet", "sm4gcm"
CIPHERS = (FERNET, SM4GCM)
HMAC_SHA256, HMAC_SM3 = "hmac-sha256", "hmac-sm3"
DIGESTS = {HMAC_SHA256: ("h2", hashes.SHA256), HMAC_SM3: ("s3", hashes.SM3)}
LEGACY, PLAIN = "legacy", "plain"
LEGACY_TOKEN = "gAAAAA"  # every Fernet token: version byte 0x80, then a timestamp's high bytes


class DecryptionError(Exception):
    """A stored value cannot be decrypted with the keys configured. The message names the key id
    and cipher the value asks for, never the value itself."""


def make_key(key_id: str) -> str:
    """A new key as settings write it: ``id:base64`` of 32 random bytes."""
    if not KEY_ID.match(key_id):
        raise ValueError("a key id is 1 to 12 letters, digits, - or _")
    return f"{key_id}:{base64.b64encode(os.urandom(KEY_BYTES)).decode()}"


def parse_keys(entries, setting: str) -> dict[str, bytes]:
    """``["2026b:base64", "2026a:base64"]`` → ``{"2026b": b"…", "2026a": b"…"}``, in order; a
    malformed entry is a configuration error naming the setting, never the key."""
    keys: dict[str, bytes] = {}
    for position, entry in enumerate(entries, start=1):
        key_id, _, encoded = str(entry).strip().partition(":")
        if not KEY_ID.match(key_id):
            raise ImproperlyConfigured(
                f"{setting}: entry {position} must be id:base64key, the id 1 to 12 letters, digits, - or _."
            )
        try:
            key = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            key = b""
        if len(key) != KEY_BYTES:
            raise ImproperlyConfigured(
                f"{setting}: the key {key_id!r} must be {KEY_BYTES} random bytes in base64 "
                "(python manage.py reencrypt --new-key ID prints one)."
            )
        if key_id in keys:
            raise ImproperlyConfigured(f"{setting}: the key id {key_id!r} appears twice.")
        keys[key_id] = key
    return keys


def _derive(key: bytes, purpose: str, length: int, algorithm) -> bytes:
    return HKDF(algorithm=algorithm(), length=length, salt=None, info=purpose.encode()).derive(key)


@dataclass(frozen=True)
class Keyring:
    """Keys by id, the first current. ``purpose`` separates this keyring's subkeys from any
    other keyring built from the same keys."""

    keys: dict[str, bytes]
    purpose: str
    legacy: tuple[bytes, ...] = field(default=())

    @property
    def current_id(self) -> str:
        if not self.keys:
            raise ImproperlyConfigured(f"No key is configured for {self.purpose}.")
        return next(iter(self.keys))

    def subkey(self, key_id: str, use: str, length: int = 32, algorithm=hashes.SHA256) -> bytes:
        """The subkey of one key for one use (a cipher, a digest, a file format)."""
        try:
            key = self.keys[key_id]
        except KeyError:
            raise DecryptionError(f"the key {key_id!r} of {self.purpose} is not configured") from None
        return _cached_subkey(key, f"{self.purpose}/{use}", length, algorithm)


@lru_cache(maxsize=256)
def _cached_subkey(key: bytes, info: str, length: int, algorithm) -> bytes:
    return _derive(key, info, length, algorithm)


# Ciphers. Each value is "<cipher>:<key id>:<payload>"; the header is authenticated with it.


def _fernet(ring: Keyring, key_id: str) -> Fernet:
    return _fernet_of(ring.subkey(key_id, FERNET))


@lru_cache(maxsize=256)
def _fernet_of(subkey: bytes) -> Fernet:
    """One Fernet per subkey, made once: an export decrypts an ID number per row (making one took a
    third of the time of each decryption)."""
    return Fernet(base64.urlsafe_b64encode(subkey))


def _sm4_key(ring: Keyring, key_id: str) -> bytes:
    return ring.subkey(key_id, SM4GCM, length=16, algorithm=hashes.SM3)


def encrypt(ring: Keyring, cipher: str, plaintext: str) -> str:
    key_id = ring.current_id
    header = f"{cipher}:{key_id}:"
    data = plaintext.encode()
    if cipher == FERNET:
        # Fernet has no associated data: the header is bound by the key id (a token made under
        # another key does not decrypt) and the cipher name (another cipher's payload is no token).
        return header + _fernet(ring, key_id).encrypt(data).decode()
    if cipher == SM4GCM:
        nonce = os.urandom(12)
        encryptor = Cipher(algorithms.SM4(_sm4_key(ring, key_id)), modes.GCM(nonce)).encryptor()
        encryptor.authenticate_additional_data(header.encode())
        body = encryptor.update(data) + encryptor.finalize()
        return header + base64.urlsafe_b64encode(nonce + body + encryptor.tag).decode().rstrip("=")
    raise ImproperlyConfigured(f"FIELD_CIPHER must be one of {', '.join(CIPHERS)}, not {cipher!r}.")


def header(value: str) -> tuple[str, str]:
    """(cipher, key id) of a stored value; ("legacy", "") for a value made by the old package,
    ("plain", "") for one that is no ciphertext at all."""
    cipher, sep, rest = value.partition(":")
    if sep and cipher in CIPHERS:
        return cipher, rest.partition(":")[0]
    return (LEGACY if value.startswith(LEGACY_TOKEN) and not sep else PLAIN), ""


def decrypt(ring: Keyring, value: str) -> str:
    cipher, key_id = header(value)
    try:
        if cipher == LEGACY:
            return _legacy_decrypt(ring, value)
        payload = value[len(cipher) + len(key_id) + 2 :]
        if cipher == FERNET:
            return _fernet(ring, key_id).decrypt(payload.encode()).decode()
        if cipher == SM4GCM:
            raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
            nonce, body, tag = raw[:12], raw[12:-16], raw[-16:]
            decryptor = Cipher(algorithms.SM4(_sm4_key(ring, key_id)), modes.GCM(nonce, tag)).decryptor()
            decryptor.authenticate_additional_data(f"{cipher}:{key_id}:".encode())
            return (decryptor.update(body) + decryptor.finalize()).decode()
    except (InvalidToken, InvalidTag, ValueError, binascii.Error, UnicodeDecodeError):
        raise DecryptionError(
            f"a value made with {cipher} under the key {key_id!r} of {ring.purpose} does not decrypt "
            "with the key configured under that id"
        ) from None
    if cipher == PLAIN:
        raise DecryptionError(
            f"a value of a column encrypted with the {ring.purpose} keys is stored in clear (has a migration not run?)"
        )
    raise DecryptionError(f"a value names the cipher {cipher!r}, which this application does not know")


def _legacy_decrypt(ring: Keyring, value: str) -> str:
    """A token of django-fernet-encrypted-fields: Fernet under PBKDF2(secret key, salt)."""
    if not ring.legacy:
        raise DecryptionError(
            "a value was made by the former field encryption (the secret key and FIELD_ENCRYPTION_SALTS), "
            "and no legacy salt is configured"
        )
    for key in ring.legacy:
        try:
            return Fernet(key).decrypt(value.encode()).decode()
        except InvalidToken:
            continue
    raise InvalidToken


def is_current(ring: Keyring, cipher: str, value: str) -> bool:
    return value.startswith(f"{cipher}:{ring.current_id}:")


@lru_cache(maxsize=32)
def legacy_keys(secret_keys: tuple[str, ...], salts: tuple[str, ...]) -> tuple[bytes, ...]:
    """The keys the old package derived, in its order (each secret key with each salt)."""
    keys = []
    for secret in secret_keys:
        for salt in salts:
            kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=salt.encode(), iterations=100_000)
            keys.append(base64.urlsafe_b64encode(kdf.derive(secret.encode())))
    return tuple(keys)


# Digests: "<key id>:<h2|s3>:<base64 of the HMAC>", at most 12 + 4 + 43 = 59 characters.


def digest(ring: Keyring, algorithm: str, purpose: str, value: str, key_id: str | None = None) -> str:
    key_id = key_id or ring.current_id
    tag, hash_class = DIGESTS[algorithm]
    mac = crypto_hmac.HMAC(ring.subkey(key_id, f"digest/{purpose}", algorithm=hash_class), hash_class())
    mac.update(value.encode())
    return f"{key_id}:{tag}:{base64.urlsafe_b64encode(mac.finalize()).decode().rstrip('=')}"


def digest_candidates(ring: Keyring, purpose: str, value: str, legacy_secrets=()) -> list[str]:
    """Every digest a stored row may hold for this value while keys or the algorithm rotate: under
    each configured key with each algorithm, and (until the upgrade's re-encryption is done) the
    former digest keyed by the secret key."""
    found = [digest(ring, algorithm, purpose, value, key_id) for key_id in ring.keys for algorithm in DIGESTS]
    for secret in legacy_secrets:
        found.append(salted_hmac(purpose, value, secret=secret, algorithm="sha256").hexdigest())
    return found


def digest_is_current(ring: Keyring, algorithm: str, stored: str) -> bool:
    return stored.startswith(f"{ring.current_id}:{DIGESTS[algorithm][0]}:")


def keyring_from_setting(setting: str, purpose: str) -> Keyring:
    """A keyring from any setting of the same form (``["id:base64", ...]``, first current), for
    another use of keys kept apart (encrypted backups, the audit chain's key): its subkeys are
    derived under ``purpose``, so they never equal the field keys' even from the same key."""
    from django.conf import settings

    return Keyring(keys=parse_keys(getattr(settings, setting, ()), setting), purpose=purpose)


# Bytes (stored files): b"swb1:<cipher>:<key id>\n" then the payload, the header authenticated
# with it. The same keys as the columns, under subkeys of their own use ("bytes/<cipher>").

BYTES_MAGIC = b"swb1:"


def encrypt_bytes(ring: Keyring, cipher: str, data: bytes) -> bytes:
    key_id = ring.current_id
    head = BYTES_MAGIC + f"{cipher}:{key_id}\n".encode()
    if cipher == FERNET:
        fernet = Fernet(base64.urlsafe_b64encode(ring.subkey(key_id, f"bytes/{FERNET}")))
        return head + fernet.encrypt(data)
    if cipher == SM4GCM:
        nonce = os.urandom(12)
        key = ring.subkey(key_id, f"bytes/{SM4GCM}", length=16, algorithm=hashes.SM3)
        encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
        encryptor.authenticate_additional_data(head)
        body = encryptor.update(data) + encryptor.finalize()
        return head + nonce + body + encryptor.tag
    raise ImproperlyConfigured(f"FIELD_CIPHER must be one of {', '.join(CIPHERS)}, not {cipher!r}.")


def bytes_header(blob: bytes) -> tuple[str, str]:
    """(cipher, key id) of encrypted bytes; ("plain", "") for bytes that carry no header."""
    if not blob.startswith(BYTES_MAGIC):
        return PLAIN, ""
    line = blob[len(BYTES_MAGIC) : blob.find(b"\n", 0, 64)] if b"\n" in blob[:64] else b""
    cipher, _, key_id = line.decode("ascii", "replace").partition(":")
    return (cipher, key_id) if cipher in CIPHERS and key_id else (PLAIN, "")


def decrypt_bytes(ring: Keyring, blob: bytes) -> bytes:
    cipher, key_id = bytes_header(blob)
    if cipher == PLAIN:
        raise DecryptionError(f"a stored file of {ring.purpose} carries no encryption header")
    head_length = blob.index(b"\n") + 1
    head, payload = blob[:head_length], blob[head_length:]
    try:
        if cipher == FERNET:
            return Fernet(base64.urlsafe_b64encode(ring.subkey(key_id, f"bytes/{FERNET}"))).decrypt(payload)
        key = ring.subkey(key_id, f"bytes/{SM4GCM}", length=16, algorithm=hashes.SM3)
        nonce, body, tag = payload[:12], payload[12:-16], payload[-16:]
        decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
        decryptor.authenticate_additional_data(head)
        return decryptor.update(body) + decryptor.finalize()
    except (InvalidToken, InvalidTag, ValueError):
        raise DecryptionError(
            f"a file made with {cipher} under the key {key_id!r} of {ring.purpose} does not decrypt "
            "with the key configured under that id"
        ) from None
