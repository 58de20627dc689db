"""The backup key and the encryption of a backup's parts, streamed in chunks.

The key is BACKUP_ENCRYPTION_KEY (or the file BACKUP_ENCRYPTION_KEY_FILE names): 32 random bytes
in URL-safe base64, nothing derived from DJANGO_SECRET_KEY or the field-encryption keys, so that
losing one of them never opens the backups and the backups never carry their own key. It is read
from the environment of the process that backs up or restores, not from the settings: only that
container is given it (docker-compose.yml's `backup`). Several keys may be given, comma-separated:
the first encrypts, any of them decrypts (to rotate, put the new key first).

A part is a header, then chunks. The header says the format, the cipher, the chunk size, which
key (an identifier derived from it, never the key), a random salt and nonce prefix, and the part's
context (the backup's id and the part's name, so that a part cannot be swapped for another). Each
part has its own key, derived from the backup key and its salt (HKDF; with SHA-256, or SM3 for
SM4), and each chunk its own nonce: the prefix, the chunk's number and a flag on the last chunk
(the STREAM construction), so a chunk changed, dropped, reordered or cut off at the end fails to
decrypt. The header is authenticated with every chunk. Memory is two chunks, whatever the size.
"""

import base64
import hashlib
import hmac
import os
import secrets
import struct
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.utils.translation import gettext as _

MAGIC = b"SWBACKUP"
VERSION = 1
TAG_SIZE = 16
NONCE_PREFIX_SIZE = 7
SALT_SIZE = 16
KEY_ID_SIZE = 8
DEFAULT_CHUNK_SIZE = 1024 * 1024
MAX_CHUNK_SIZE = 64 * 1024 * 1024
_FIXED = struct.Struct(">8sBBI8s16s7sH")


class BackupError(Exception):
    """A backup that cannot be made, read or restored; the message says why, for the operator."""


@dataclass(frozen=True)
class CipherSuite:
    code: int
    name: str
    key_size: int

    def algorithm(self, key: bytes):
        return algorithms.AES(key) if self.name == "aes-256-gcm" else algorithms.SM4(key)

    def hash(self):
        return hashes.SHA256() if self.name == "aes-256-gcm" else hashes.SM3()


AES_256_GCM = CipherSuite(1, "aes-256-gcm", 32)
SM4_GCM = CipherSuite(2, "sm4-gcm", 16)
SUITES = {suite.name: suite for suite in (AES_256_GCM, SM4_GCM)}
SUITES_BY_CODE = {suite.code: suite for suite in SUITES.values()}


def suite_named(name: str) -> CipherSuite:
    try:
        return SUITES[name.lower()]
    except KeyError:
        raise BackupError(
            _("Unknown backup cipher %(name)s: use aes-256-gcm or sm4-gcm.") % {"name": name}
        ) from None


def key_generate() -> str:
    """A new backup key, as BACKUP_ENCRYPTION_KEY takes it."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def _key_decode(text: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(text.strip() + "=" * (-len(text.strip()) % 4))
    except ValueError:
        key = b""
    if len(key) != 32:
        raise BackupError(
            _(
                "BACKUP_ENCRYPTION_KEY must be 32 random bytes in URL-safe base64 (manage.py backup --generate-key)."
            )
        )
    return key


def backup_keys(environ=None) -> list[bytes]:
    """The backup keys, the one that encrypts first. Refused when there is none: a backup is
    never written unencrypted."""
    environ = os.environ if environ is None else environ
    text = environ.get("BACKUP_ENCRYPTION_KEY", "")
    if not text and environ.get("BACKUP_ENCRYPTION_KEY_FILE"):
        try:
            text = Path(environ["BACKUP_ENCRYPTION_KEY_FILE"]).read_text().strip()
        except OSError as error:
            raise BackupError(
                _("The backup key file cannot be read: %(error)s") % {"error": error.strerror}
            ) from None
    keys = [_key_decode(part) for part in text.split(",") if part.strip()]
    if not keys:
        raise BackupError(
            _("No backup key: set BACKUP_ENCRYPTION_KEY (or BACKUP_ENCRYPTION_KEY_FILE) where backups run.")
        )
    return keys


def key_id(key: bytes) -> bytes:
    """Which key encrypted a part, without saying anything of the key."""
    return hmac.new(key, b"socialwork backup key id", hashlib.sha256).digest()[:KEY_ID_SIZE]


def derive(key: bytes, *, suite: CipherSuite, salt: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=suite.hash(), length=suite.key_size, salt=salt, info=info).derive(key)


def _mac(key: bytes, body: bytes, *, suite: CipherSuite, salt: bytes) -> str:
    from cryptography.hazmat.primitives import hmac as crypto_hmac

    mac_key = derive(key, suite=suite, salt=salt, info=b"socialwork backup manifest")
    signer = crypto_hmac.HMAC(mac_key, suite.hash())
    signer.update(body)
    return signer.finalize().hex()


def manifest_mac(keys: list[bytes], body: bytes, *, suite: CipherSuite, salt: bytes) -> str:
    """The manifest's seal under the first key (HMAC with SHA-256, or SM3 for SM4)."""
    return _mac(keys[0], body, suite=suite, salt=salt)


def manifest_verify(keys: list[bytes], body: bytes, mac: str, *, suite: CipherSuite, salt: bytes) -> bool:
    return any(hmac.compare_digest(_mac(key, body, suite=suite, salt=salt), mac) for key in keys)


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    if counter >= 2**32:
        raise BackupError(_("The part is too large for its chunk size."))
    return prefix + struct.pack(">IB", counter, 1 if last else 0)


class EncryptingWriter:
    """A file-like object: what is written to it reaches `out` encrypted, a chunk at a time.
    `close()` writes the last chunk (it does not close `out`). Counts and hashes the plaintext."""

    def __init__(
        self, out, *, key: bytes, suite: CipherSuite, context: str, chunk_size: int = DEFAULT_CHUNK_SIZE
    ):
        if not 0 < chunk_size <= MAX_CHUNK_SIZE:
            raise ValueError("chunk_size")
        salt, prefix = secrets.token_bytes(SALT_SIZE), secrets.token_bytes(NONCE_PREFIX_SIZE)
        encoded = context.encode()
        self.header = _FIXED.pack(
            MAGIC, VERSION, suite.code, chunk_size, key_id(key), salt, prefix, len(encoded)
        )
        self.header += encoded
        self._key = derive(key, suite=suite, salt=salt, info=b"socialwork backup part")
        self._suite, self._prefix, self._chunk_size = suite, prefix, chunk_size
        self._out, self._buffer, self._counter = out, bytearray(), 0
        self.sha256, self.size, self.written = hashlib.sha256(), 0, len(self.header)
        self.closed = False
        out.write(self.header)

    def writable(self):
        return True

    def write(self, data) -> int:
        data = memoryview(data).cast("B")
        self.sha256.update(data)
        self.size += len(data)
        self._buffer += data
        # Keep at least one byte back: only close() knows which chunk is the last.
        while len(self._buffer) > self._chunk_size:
            self._emit(bytes(self._buffer[: self._chunk_size]), last=False)
            del self._buffer[: self._chunk_size]
        return len(data)

    def flush(self):
        pass

    def _emit(self, chunk: bytes, *, last: bool) -> None:
        encryptor = Cipher(
            self._suite.algorithm(self._key), modes.GCM(_nonce(self._prefix, self._counter, last))
        ).encryptor()
        encryptor.authenticate_additional_data(self.header)
        sealed = encryptor.update(chunk) + encryptor.finalize() + encryptor.tag
        self._out.write(sealed)
        self.written += len(sealed)
        self._counter += 1

    def close(self) -> None:
        if not self.closed:
            self._emit(bytes(self._buffer), last=True)
            self._buffer = bytearray()
            self.closed = True


@dataclass
class PartHeader:
    suite: CipherSuite
    chunk_size: int
    key_id: bytes
    salt: bytes
    prefix: bytes
    context: str
    raw: bytes


def _read_exactly(source, size: int) -> bytes:
    data = source.read(size)
    while data is not None and len(data) < size:
        more = source.read(size - len(data))
        if not more:
            break
        data += more
    return data or b""


def header_read(source) -> PartHeader:
    fixed = _read_exactly(source, _FIXED.size)
    if len(fixed) < _FIXED.size or not fixed.startswith(MAGIC):
        raise BackupError(_("This is not an encrypted backup part (its header is missing or damaged)."))
    magic, version, code, chunk_size, kid, salt, prefix, context_size = _FIXED.unpack(fixed)
    if version != VERSION or code not in SUITES_BY_CODE or not 0 < chunk_size <= MAX_CHUNK_SIZE:
        raise BackupError(_("The backup part's header is damaged or from an unknown version."))
    context = _read_exactly(source, context_size)
    if len(context) < context_size:
        raise BackupError(_("The backup part's header is damaged or from an unknown version."))
    return PartHeader(
        suite=SUITES_BY_CODE[code], chunk_size=chunk_size, key_id=kid, salt=salt, prefix=prefix,
        context=context.decode(errors="replace"), raw=fixed + context,
    )  # fmt: skip


def decrypt_stream(source, out, *, keys: list[bytes], context: str) -> tuple[str, int]:
    """Decrypt the part read from `source` into `out`; return the plaintext's SHA-256 and size.
    Nothing of a chunk reaches `out` before its tag is checked. Raises BackupError saying why:
    another key, another part, a changed, missing or extra chunk."""
    header = header_read(source)
    key = next(
        (candidate for candidate in keys if hmac.compare_digest(key_id(candidate), header.key_id)), None
    )
    if key is None:
        raise BackupError(
            _("The backup was encrypted with another key (key %(found)s; this installation has %(ours)s).")
            % {"found": header.key_id.hex(), "ours": ", ".join(key_id(k).hex() for k in keys)}
        )
    if header.context != context:
        raise BackupError(
            _("The part is not the one expected (it is %(found)s, not %(expected)s).")
            % {"found": header.context, "expected": context}
        )
    part_key = derive(key, suite=header.suite, salt=header.salt, info=b"socialwork backup part")
    sealed_size = header.chunk_size + TAG_SIZE
    sha256, size, counter = hashlib.sha256(), 0, 0
    current = _read_exactly(source, sealed_size)
    while True:
        following = _read_exactly(source, sealed_size) if len(current) == sealed_size else b""
        last = not following
        if len(current) < TAG_SIZE:
            raise BackupError(_("The backup part is cut short: its last chunk is missing."))
        decryptor = Cipher(
            header.suite.algorithm(part_key),
            modes.GCM(_nonce(header.prefix, counter, last), current[-TAG_SIZE:]),
        ).decryptor()
        decryptor.authenticate_additional_data(header.raw)
        try:
            plain = decryptor.update(current[:-TAG_SIZE]) + decryptor.finalize()
        except InvalidTag:
            if last:
                raise BackupError(
                    _("The backup part fails its authentication at chunk %(n)s: it was changed or cut short.")
                    % {"n": counter}
                ) from None
            raise BackupError(
                _("The backup part fails its authentication at chunk %(n)s: it was changed.") % {"n": counter}
            ) from None
        out.write(plain)
        sha256.update(plain)
        size += len(plain)
        counter += 1
        if last:
            return sha256.hexdigest(), size
        current = following
