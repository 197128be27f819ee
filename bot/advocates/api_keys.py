"""Named API keys for the JSON API, one per staff member (``make api-key NAME="Maria Lopez"``).

A key is 32 random bytes, shown once when made; the database keeps its SHA-256 (enough for a
value that cannot be guessed) and its first characters to tell keys apart in listings. The name
on the key is who the audit log and the transcript say acted: a caller can no longer choose it.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from typing import Any

from bot.persistence import staff

KEY_PREFIX = "soa_"
SHOWN_PREFIX_CHARS = 10


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create(name: str) -> tuple[str, dict[str, Any]]:
    """A new key for ``name``: (the key, shown only now; its row)."""
    if not name.strip():
        raise ValueError("the key needs the name of the person who will use it")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    return key, staff.create_api_key(name, hash_key(key), key[:SHOWN_PREFIX_CHARS])


def authenticate(key: str, now: datetime) -> dict[str, Any] | None:
    """The live key row for a presented key; None if unknown or revoked."""
    if not key.startswith(KEY_PREFIX) or len(key) > 128:
        return None
    return staff.api_key_by_hash(hash_key(key), now)
