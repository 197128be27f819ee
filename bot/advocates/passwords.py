"""Advocate passwords, hashed with Argon2id (argon2-cffi, the algorithm OWASP recommends first).

Only hashes are stored. The hasher's defaults are RFC 9106's low-memory profile; a hash made with
weaker parameters is upgraded the next time its owner signs in (:func:`needs_rehash`).
"""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 12
# Hashing a megabyte-long "password" would let anyone keep the server busy.
MAX_LENGTH = 1024

_hasher = PasswordHasher()
# Checked when the e-mail is unknown, so a wrong address takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not a real password, only for equal timing")


class WeakPassword(ValueError):
    """The password breaks the length rule; the message says which way."""


def check_strength(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"the password must have at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise WeakPassword(f"the password must have at most {MAX_LENGTH} characters")


def hash_password(password: str) -> str:
    check_strength(password)
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True if ``password`` matches; with no hash (unknown account) it still spends the same time."""
    if len(password) > MAX_LENGTH:
        return False
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)
