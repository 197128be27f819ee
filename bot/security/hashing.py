"""Keyed hashes: look a person up (or count what was sent to a number) without storing who they are.

A plain SHA-256 of a phone number is no protection: the whole US numbering plan can be hashed in
minutes. An HMAC with a secret key (``ADVOCATE_HASH_KEY``, generated into ``var/secrets.env`` by
``make run`` like the other secrets) can only be recomputed by someone who also has the key, so a
copy of the database alone does not tell whose rows are whose.

``purpose`` separates the uses, so the hash that finds a conversation is not the one that counts
texts to a number: the same value hashed for two purposes gives unrelated results.
"""

from __future__ import annotations

import hashlib
import hmac

from bot.security.secrets import MissingSecret, required

HASH_KEY_VARIABLE = "ADVOCATE_HASH_KEY"


class MissingHashKey(MissingSecret):
    """The process was started without ``ADVOCATE_HASH_KEY`` (``make run`` always sets it)."""


def hash_key() -> bytes:
    return required(HASH_KEY_VARIABLE, MissingHashKey).encode()


def keyed_hash(value: str, purpose: str, key: bytes | None = None) -> str:
    """HMAC-SHA256 of ``value`` for one ``purpose``, as 64 hex characters.

    ``key`` defaults to this process's ``ADVOCATE_HASH_KEY``; tests pass another stack's key.
    """
    message = f"{purpose}\x00{value}".encode()
    return hmac.new(key or hash_key(), message, hashlib.sha256).hexdigest()
