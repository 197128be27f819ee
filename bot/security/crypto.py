"""AES-GCM encryption of a person's values with their own data key, wrapped by the master key.

Why per-person keys: "delete my data" must also reach the copies we cannot delete row by row
(SQLite's ``-wal``, backups, replicas). Every value of a person is encrypted with a random 256-bit
key of their own; erasing destroys that key (``bot.security.keystore``), and every copy of their
ciphertext anywhere becomes noise. The data key is stored only wrapped (AES-GCM) by the master key.

The master key comes from ``ADVOCATE_MASTER_KEY`` (generated into ``var/secrets.env`` by
``make run``). The variable holds any string (the launcher writes urlsafe base64 of 32 random
bytes); the 32-byte AES key is derived from its UTF-8 bytes with HKDF-SHA256 (no salt, info
:data:`MASTER_KEY_INFO`), so every process and the rotation command derive the same key. A second
HKDF output (info :data:`KEY_ID_INFO`, 8 bytes, hex) is the master key's *id*: stored beside
every wrapped key, it says which master key unwraps it, so ``ADVOCATE_MASTER_KEY_PREVIOUS`` can keep
old rows readable while ``python -m bot.security.rotate_key`` re-wraps them, without the id
revealing anything about the key.

Every value is sealed with a fresh random 96-bit nonce and *associated data* naming the table,
the column and the person (their keyed hash), so a ciphertext copied into another column or into
another person's row fails to decrypt instead of being shown as theirs. Stored form:
``e1:`` + urlsafe base64 (no padding) of nonce + ciphertext + tag, plain text that fits any text
column of SQLite and PostgreSQL.
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from bot.security.secrets import MissingSecret, required

MASTER_KEY_VARIABLE = "ADVOCATE_MASTER_KEY"
PREVIOUS_MASTER_KEY_VARIABLE = "ADVOCATE_MASTER_KEY_PREVIOUS"
MASTER_KEY_INFO = b"second-opinion-advocate/master-key/v1"
KEY_ID_INFO = b"second-opinion-advocate/master-key-id/v1"
DATA_KEY_BYTES = 32
NONCE_BYTES = 12
CIPHERTEXT_PREFIX = "e1:"


class MissingMasterKey(MissingSecret):
    """The process was started without ``ADVOCATE_MASTER_KEY`` (``make run`` always sets it)."""


class UnknownMasterKey(RuntimeError):
    """A wrapped key names a master key id that neither configured master key has."""


class UndecryptableValue(ValueError):
    """Wrong key, tampered bytes, or a value moved from another column or person (never shows which)."""


def _hkdf(secret: bytes, info: bytes, length: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=info).derive(secret)


@dataclass(frozen=True)
class MasterKey:
    """The key that wraps data keys, and the id stored with what it wrapped."""

    key_id: str
    aead: AESGCM

    @classmethod
    def from_secret(cls, secret: str) -> MasterKey:
        material = secret.encode()
        return cls(key_id=_hkdf(material, KEY_ID_INFO, 8).hex(), aead=AESGCM(_hkdf(material, MASTER_KEY_INFO, 32)))

    def wrap(self, data_key: bytes, person: str) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self.aead.encrypt(nonce, data_key, _wrap_context(person))

    def unwrap(self, wrapped: bytes, person: str) -> bytes:
        try:
            return self.aead.decrypt(wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], _wrap_context(person))
        except InvalidTag as error:
            raise UndecryptableValue("the person's key does not unwrap with this master key") from error


def _wrap_context(person: str) -> bytes:
    """A wrapped key only unwraps for the person it was made for (rows cannot be swapped)."""
    return b"person_keys\x00" + person.encode()


def current_master_key() -> MasterKey:
    return MasterKey.from_secret(required(MASTER_KEY_VARIABLE, MissingMasterKey))


def master_keys() -> dict[str, MasterKey]:
    """Every master key this process may unwrap with, by id: the current one and, during a rotation, the previous."""
    keys = {}
    previous = os.environ.get(PREVIOUS_MASTER_KEY_VARIABLE, "")
    if previous:
        old = MasterKey.from_secret(previous)
        keys[old.key_id] = old
    current = current_master_key()
    keys[current.key_id] = current
    return keys


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=DATA_KEY_BYTES * 8)


def is_ciphertext(value: object) -> bool:
    return isinstance(value, str) and value.startswith(CIPHERTEXT_PREFIX)


class PersonCipher:
    """Seals and opens one person's values; ``person`` is their keyed hash (what the rows hold)."""

    def __init__(self, person: str, data_key: bytes) -> None:
        self.person = person
        self._aead = AESGCM(data_key)

    def _context(self, table: str, column: str) -> bytes:
        return f"{table}\x00{column}\x00{self.person}".encode()

    def seal(self, table: str, column: str, value: str | None) -> str | None:
        """``value`` encrypted for this person's ``table.column``; None stays None (absent stays absent)."""
        if value is None:
            return None
        nonce = os.urandom(NONCE_BYTES)
        sealed = nonce + self._aead.encrypt(nonce, value.encode(), self._context(table, column))
        return CIPHERTEXT_PREFIX + base64.urlsafe_b64encode(sealed).decode().rstrip("=")

    def open(self, table: str, column: str, stored: str | None) -> str | None:
        """The plaintext of a value :meth:`seal` made for the same person and column."""
        if stored is None:
            return None
        if not is_ciphertext(stored):
            raise UndecryptableValue(f"{table}.{column} does not hold a sealed value")
        body = stored[len(CIPHERTEXT_PREFIX) :]
        try:
            sealed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
            plain = self._aead.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], self._context(table, column))
        except (InvalidTag, ValueError) as error:
            raise UndecryptableValue(f"{table}.{column} does not decrypt with this person's key") from error
        return plain.decode()

    def seal_json(self, table: str, column: str, value: Any) -> str:
        return self.seal(table, column, json.dumps(value, ensure_ascii=False, separators=(",", ":"))) or ""

    def open_json(self, table: str, column: str, stored: str | None, default: Any = None) -> Any:
        plain = self.open(table, column, stored)
        return default if plain is None else json.loads(plain)
