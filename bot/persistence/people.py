"""Who a row belongs to, and the cipher its values are sealed with: shared by the person-data modules.

Callers of ``bot.persistence.repository`` pass plain sender ids; only this layer turns them into
the keyed hash the rows carry (``keyed_hash(sender_id, "sender")``) and fetches the person's key
(``bot.security.keystore``). A key is looked up once per repository call and not kept beyond it.
"""

from __future__ import annotations

from datetime import datetime, timezone

from bot.security import keystore
from bot.security.crypto import PersonCipher
from bot.security.hashing import keyed_hash
from bot.settings import Settings

SENDER_HASH_PURPOSE = "sender"


def sender_hash(sender_id: str) -> str:
    """What every ``sender_id`` column holds for this sender id."""
    return keyed_hash(sender_id, SENDER_HASH_PURPOSE)


def _database_url() -> str:
    return Settings.from_env().database_url


def writer(sender_id: str) -> PersonCipher:
    """The cipher to store the person's values with (their key is made on their first write)."""
    return keystore.get_or_create(_database_url(), sender_hash(sender_id))


def reader(sender_id: str) -> PersonCipher | None:
    """The cipher to read the person's values, or None if they have no key (so nothing readable)."""
    return keystore.find(_database_url(), sender_hash(sender_id))


def writer_by_hash(person: str) -> PersonCipher:
    return keystore.get_or_create(_database_url(), person)


def reader_by_hash(person: str) -> PersonCipher | None:
    return keystore.find(_database_url(), person)


def readers_by_hash(people: set[str]) -> dict[str, PersonCipher]:
    return keystore.find_many(_database_url(), people)


def destroy_key(sender_id: str) -> bool:
    """Crypto-shred the person: every copy of their ciphertext (WAL, backups) becomes unreadable."""
    return keystore.destroy(_database_url(), sender_hash(sender_id))


def iso(value: datetime | None) -> str | None:
    """ISO 8601 in UTC; SQLite hands datetimes back without their zone, so UTC is re-attached."""
    if value is None:
        return None
    return aware(value).isoformat()


def aware(value: datetime) -> datetime:
    """SQLite hands datetimes back naive; they are all UTC."""
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
