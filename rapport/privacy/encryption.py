"""Encryption of confidential text at rest.

Keys come from settings.RAPPORT_ENCRYPTION_KEYS (environment or key file,
never the database). The first key encrypts; every key decrypts, so a new key
can be put first and `manage.py rotate_keys` re-encrypts old rows before the old
key is dropped.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# Stored values start with this marker so that plaintext slipped in by a bug is
# recognisable and rejected rather than silently served.
TOKEN_PREFIX = "fernet:"  # noqa: S105 - a marker, not a secret


class DecryptionError(Exception):
    """A stored value could not be decrypted with any configured key."""


@lru_cache(maxsize=4)
def _multifernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured(
            "No encryption keys: set RAPPORT_ENCRYPTION_KEYS (comma-separated Fernet keys) "
            "or run `make run`, which writes a development key file."
        )
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError as error:
        raise ImproperlyConfigured(f"RAPPORT_ENCRYPTION_KEYS holds a malformed key: {error}") from error


def cipher() -> MultiFernet:
    return _multifernet(tuple(settings.RAPPORT_ENCRYPTION_KEYS))


def encrypt(plaintext: str) -> str:
    return TOKEN_PREFIX + cipher().encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt(stored: str) -> str:
    if not stored.startswith(TOKEN_PREFIX):
        raise DecryptionError("stored value is not an encrypted token")
    try:
        return cipher().decrypt(stored[len(TOKEN_PREFIX) :].encode("ascii")).decode("utf-8")
    except InvalidToken as error:
        raise DecryptionError("no configured key decrypts this value") from error


def reencrypt(stored: str) -> str:
    """The same plaintext under the first (current) key."""
    if not stored.startswith(TOKEN_PREFIX):
        raise DecryptionError("stored value is not an encrypted token")
    token = cipher().rotate(stored[len(TOKEN_PREFIX) :].encode("ascii"))
    return TOKEN_PREFIX + token.decode("ascii")


# Files encrypted with the same keys (recordings, exports) register how to
# re-encrypt them, so that `manage.py rotate_keys` leaves nothing on an old key.
FILE_ROTATORS: dict[str, Callable[[], int]] = {}


def register_file_rotator(label: str, rotate_all: Callable[[], int]) -> None:
    FILE_ROTATORS[label] = rotate_all


@lru_cache(maxsize=8)
def _mac_keys(keys: tuple[str, ...], purpose: str) -> tuple[bytes, ...]:
    _multifernet(keys)  # the same checks: at least one key, every key well formed
    return tuple(
        hmac.new(base64.urlsafe_b64decode(key.encode()), purpose.encode(), hashlib.sha256).digest()
        for key in keys
    )


def mac_keys(purpose: str) -> tuple[bytes, ...]:
    """Keys for a keyed MAC (HMAC-SHA256), one derived from each encryption key, the current first.

    Derived, not reused: a MAC key for one ``purpose`` says nothing about the encryption key or
    about the MAC keys of other purposes. They live where the encryption keys live (never in the
    database) and change when they are rotated.
    """
    return _mac_keys(tuple(settings.RAPPORT_ENCRYPTION_KEYS), purpose)


def generate_key() -> str:
    return Fernet.generate_key().decode("ascii")
