"""Field encryption (AES-256-GCM) and blind indexes (HMAC-SHA256) for personal data.

Keys come from TUOYU_FIELD_KEY (comma-separated urlsafe-base64 32-byte keys, the first one encrypts) or
from the key file (settings.FIELD_KEY_FILE, one key per line, the first one encrypts), generated on first
use. Each stored value names the id of the key that sealed it, so old values stay readable after a new
key is put first; `tuoyu rotate-field-key` re-seals every value with the new key and recomputes the
blind indexes, which are keyed from the current key.

Stored form: ``<key id>$<urlsafe base64 of nonce(12) || ciphertext || tag(16)>``.

The audit key (HMAC-SHA256 of audit events and checkpoints) is a keyring of its own, loaded the same way
from TUOYU_AUDIT_KEY or settings.AUDIT_KEY_FILE (var/audit.keys): the first key signs, the others only
verify. It is not derived from the field key, so retiring an old field key never leaves audit events
that can no longer be checked, and neither key is ever stored in the database.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class DecryptionError(Exception):
    """A stored value could not be decrypted: unknown key id or tampered ciphertext."""


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def key_id(key: bytes) -> str:
    return hashlib.sha256(key).hexdigest()[:8]


def generate_key() -> str:
    return _b64encode(secrets.token_bytes(32))


@dataclass(frozen=True)
class Keyring:
    keys: dict[str, bytes]
    current_id: str

    @property
    def current(self) -> bytes:
        return self.keys[self.current_id]

    @property
    def index_key(self) -> bytes:
        # Separate sub-key so the blind index never reuses the encryption key directly.
        return hmac.new(self.current, b"tuoyu blind index v1", hashlib.sha256).digest()


class UnknownKeyError(KeyError):
    """A MAC names a key id that is not in the keyring."""


def _parse_keys(lines: list[str], origin: str) -> Keyring:
    keys: dict[str, bytes] = {}
    first = None
    for raw in lines:
        raw = raw.strip()
        if not raw or raw.startswith("#"):
            continue
        try:
            key = _b64decode(raw)
        except ValueError as exc:
            raise ImproperlyConfigured(f"{origin}: a key is not valid base64") from exc
        if len(key) != 32:
            raise ImproperlyConfigured(f"{origin}: a key must be 32 bytes")
        kid = key_id(key)
        keys[kid] = key
        first = first or kid
    if first is None:
        raise ImproperlyConfigured(f"{origin}: no key")
    return Keyring(keys=keys, current_id=first)


def key_file_path() -> Path:
    return Path(settings.FIELD_KEY_FILE)


def _key_file(path: Path) -> Keyring:
    """The keys in a key file, which is created (0600, one new key) if it does not exist yet."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process created it first: read theirs
            pass
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(generate_key() + "\n")
    return _parse_keys(path.read_text().splitlines(), str(path))


@lru_cache(maxsize=1)
def keyring() -> Keyring:
    if settings.FIELD_KEY:
        return _parse_keys(settings.FIELD_KEY.split(","), "TUOYU_FIELD_KEY")
    return _key_file(key_file_path())


@lru_cache(maxsize=1)
def audit_keyring() -> Keyring:
    if settings.AUDIT_KEY:
        return _parse_keys(settings.AUDIT_KEY.split(","), "TUOYU_AUDIT_KEY")
    return _key_file(Path(settings.AUDIT_KEY_FILE))


def reset_keyring_cache() -> None:
    keyring.cache_clear()
    audit_keyring.cache_clear()


def audit_mac(message: bytes, *, kid: str | None = None) -> tuple[str, str]:
    """(key id, HMAC-SHA256 hex) of a message under the current audit key, or under the key ``kid``.

    Raises UnknownKeyError when ``kid`` is not in the audit keyring."""
    ring = audit_keyring()
    kid = kid or ring.current_id
    try:
        key = ring.keys[kid]
    except KeyError:
        raise UnknownKeyError(kid) from None
    return kid, hmac.new(key, message, hashlib.sha256).hexdigest()


@lru_cache(maxsize=32)
def _aead(key: bytes) -> AESGCM:
    """The AES-GCM cipher of a key, made once per key and process (it holds only the key; making it per
    value was two-thirds of a decryption, and a roster page decrypts one ID number per row)."""
    return AESGCM(key)


def encrypt(plaintext: str, *, context: str) -> str:
    ring = keyring()
    nonce = secrets.token_bytes(12)
    sealed = _aead(ring.current).encrypt(nonce, plaintext.encode("utf-8"), context.encode("utf-8"))
    return f"{ring.current_id}${_b64encode(nonce + sealed)}"


def decrypt(stored: str, *, context: str) -> str:
    try:
        kid, body = stored.split("$", 1)
    except ValueError as exc:
        raise DecryptionError("value is not in the encrypted form") from exc
    ring = keyring()
    key = ring.keys.get(kid)
    if key is None:
        raise DecryptionError(f"unknown field key id {kid}")
    data = _b64decode(body)
    try:
        return _aead(key).decrypt(data[:12], data[12:], context.encode("utf-8")).decode("utf-8")
    except InvalidTag as exc:
        raise DecryptionError("ciphertext failed authentication") from exc


def is_current(stored: str) -> bool:
    return stored.split("$", 1)[0] == keyring().current_id


def blind_index(value: str, *, context: str) -> str:
    """Deterministic HMAC of a normalised value, for exact lookups without decrypting."""
    return hmac.new(keyring().index_key, f"{context}\x00{value}".encode(), hashlib.sha256).hexdigest()


def _fingerprint_hex(key: bytes, value: str, purpose: str) -> str:
    # A sub-key per purpose, apart from the blind index's: a fingerprint cannot be matched against an index.
    sub = hmac.new(key, b"tuoyu fingerprint v1\x00" + purpose.encode(), hashlib.sha256).digest()
    return hmac.new(sub, value.encode(), hashlib.sha256).hexdigest()


def fingerprint(value: str, *, purpose: str) -> str:
    """A keyed fingerprint of data that holds personal data, to recognise the same data again (an
    idempotent retry) without keeping anything a dictionary can be run against.

    Stored form ``<key id>$<hex HMAC>``: it names its key, so it still matches after a key rotation (old
    keys stay in the ring for reading); it cannot be recomputed without the data, so rotation leaves it.
    """
    ring = keyring()
    return f"{ring.current_id}${_fingerprint_hex(ring.current, value, purpose)}"


def fingerprint_matches(stored: str, value: str, *, purpose: str) -> bool:
    kid, sep, digest = (stored or "").partition("$")
    key = keyring().keys.get(kid) if sep else None
    if key is None:  # a retired key (or no fingerprint): it cannot be recognised, so it is not the same
        return False
    return hmac.compare_digest(digest, _fingerprint_hex(key, value, purpose))
