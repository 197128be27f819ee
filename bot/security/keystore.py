"""The key store: each person's data key, wrapped by the master key, kept apart from their data.

Apart, because crypto-shredding only works if a copy of the data never carries the keys: a backup
of ``var/advocate.db`` (or of the PostgreSQL data database) restored after "delete my data" must
find nothing to decrypt with. ``KEYSTORE_URL`` chooses the database of the ``person_keys`` table:

* unset, with SQLite data: ``keys.db`` in the same folder as the data file (``var/keys.db``);
* unset, with PostgreSQL data: the same database (simple to run, but then a backup of that
  database carries the keys with the data; set ``KEYSTORE_URL`` to a separate database to keep
  backups of the data useless without it).

Nothing here caches a key: the web app, the action server and Rasa are three processes, and a key
erased by one must not live on in another's memory. Each repository call or tracker load reads the
key once (one indexed lookup) and drops it when it returns.

The SQLite key store uses ``secure_delete`` and a rollback journal (not WAL), so a destroyed key is
overwritten in the file and no ``-wal`` keeps an old copy of its page.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import Column, DateTime, LargeBinary, MetaData, String, Table, delete, select
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

from bot.persistence.engines import Engines, new_engine
from bot.security.crypto import (
    MasterKey,
    PersonCipher,
    UnknownMasterKey,
    current_master_key,
    master_keys,
    new_data_key,
)

KEYSTORE_URL_VARIABLE = "KEYSTORE_URL"
KEYSTORE_FILE_NAME = "keys.db"

metadata = MetaData()
person_keys = Table(
    "person_keys",
    metadata,
    # The person's keyed sender hash (bot.security.hashing), the same value their rows carry.
    Column("person", String(64), primary_key=True),
    # Which master key wrapped it (bot.security.crypto.MasterKey.key_id).
    Column("key_id", String(16), nullable=False, index=True),
    Column("wrapped", LargeBinary, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

def keystore_url(database_url: str) -> str:
    """``KEYSTORE_URL``, else the default for the data database at ``database_url`` (see module doc)."""
    configured = os.environ.get(KEYSTORE_URL_VARIABLE, "").strip()
    if configured:
        return configured
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            raise ValueError("an in-memory SQLite database needs KEYSTORE_URL set to a key store file")
        return url.set(database=str(Path(url.database).with_name(KEYSTORE_FILE_NAME))).render_as_string(
            hide_password=False
        )
    return database_url


# A rollback journal, not WAL: no -wal file keeps the page of a destroyed key.
SQLITE_PRAGMAS = ("journal_mode=DELETE", "secure_delete=ON", "busy_timeout=30000")


def _new_engine(url: str) -> Engine:
    engine = new_engine(url, SQLITE_PRAGMAS)
    # Another process may create it at the same moment; anything else fails on first use.
    with contextlib.suppress(OperationalError, ProgrammingError):
        metadata.create_all(engine, checkfirst=True)
    return engine


_engines = Engines(_new_engine)


def get_engine(database_url: str) -> Engine:
    """The key store's engine for the data database at ``database_url`` (one per process)."""
    return _engines.get(keystore_url(database_url))


def dispose_engines() -> None:
    _engines.dispose()


@contextmanager
def _begin(database_url: str) -> Iterator[Connection]:
    with get_engine(database_url).begin() as connection:
        yield connection


def _unwrap(row: Any, person: str, keys: dict[str, MasterKey]) -> PersonCipher:
    master = keys.get(row.key_id)
    if master is None:
        raise UnknownMasterKey(
            f"a person's key was wrapped by master key {row.key_id}, which is neither ADVOCATE_MASTER_KEY "
            "nor ADVOCATE_MASTER_KEY_PREVIOUS"
        )
    return PersonCipher(person, master.unwrap(row.wrapped, person))


def find(database_url: str, person: str) -> PersonCipher | None:
    """The person's cipher, or None if they have no key (never stored anything, or erased)."""
    with get_engine(database_url).connect() as connection:
        row = connection.execute(select(person_keys).where(person_keys.c.person == person)).first()
    return _unwrap(row, person, master_keys()) if row is not None else None


def find_many(database_url: str, people: set[str]) -> dict[str, PersonCipher]:
    """Ciphers of several people in one query (a list of hand-offs spans many people)."""
    if not people:
        return {}
    keys = master_keys()
    with get_engine(database_url).connect() as connection:
        rows = connection.execute(select(person_keys).where(person_keys.c.person.in_(sorted(people)))).all()
    return {row.person: _unwrap(row, row.person, keys) for row in rows}


def get_or_create(database_url: str, person: str) -> PersonCipher:
    """The person's cipher, making them a key on their first write.

    Two processes may make the first write of one person at once: the loser of the insert reads the
    winner's key, so all of a person's values share one key.
    """
    found = find(database_url, person)
    if found is not None:
        return found
    master = current_master_key()
    data_key = new_data_key()
    try:
        with _begin(database_url) as connection:
            connection.execute(
                person_keys.insert().values(
                    person=person,
                    key_id=master.key_id,
                    wrapped=master.wrap(data_key, person),
                    created_at=datetime.now(timezone.utc),
                )
            )
    except IntegrityError:
        found = find(database_url, person)
        if found is None:
            raise
        return found
    return PersonCipher(person, data_key)


def destroy(database_url: str, person: str) -> bool:
    """Crypto-shred: delete the person's key; True if there was one. Their ciphertext is noise from now on."""
    with _begin(database_url) as connection:
        deleted = connection.execute(delete(person_keys).where(person_keys.c.person == person)).rowcount
    return bool(deleted)


def wrapped_key(database_url: str, person: str) -> bytes | None:
    """The stored (wrapped) key bytes, for checks that a destroyed key left no copy behind."""
    with _begin(database_url) as connection:
        return connection.scalar(select(person_keys.c.wrapped).where(person_keys.c.person == person))


@dataclass(frozen=True)
class RotationResult:
    rewrapped: int
    already_current: int
    unknown_master_key: int


def rewrap_all(database_url: str, batch_size: int = 200) -> RotationResult:
    """Re-wrap every key not yet under the current master key; resumable and idempotent.

    Each batch commits on its own, and a row is only updated if it still has the key id it was read
    with, so an interrupted run (or two at once) loses nothing: run it again and it does the rest.
    Keys under an id neither configured master key has are counted, left alone, and reported.
    """
    keys = master_keys()
    current = current_master_key()
    rewrapped = unknown = 0
    skipped: set[str] = set()
    while True:
        with _begin(database_url) as connection:
            rows = connection.execute(
                select(person_keys)
                .where(person_keys.c.key_id != current.key_id, person_keys.c.person.not_in(sorted(skipped)))
                .order_by(person_keys.c.person)
                .limit(batch_size)
            ).all()
            if not rows:
                break
            for row in rows:
                old = keys.get(row.key_id)
                if old is None:
                    skipped.add(row.person)
                    unknown += 1
                    continue
                wrapped = current.wrap(old.unwrap(row.wrapped, row.person), row.person)
                rewrapped += connection.execute(
                    person_keys.update()
                    .where(person_keys.c.person == row.person, person_keys.c.key_id == row.key_id)
                    .values(key_id=current.key_id, wrapped=wrapped)
                ).rowcount
    with _begin(database_url) as connection:
        total = len(connection.execute(select(person_keys.c.person)).all())
    return RotationResult(rewrapped=rewrapped, already_current=total - rewrapped - unknown, unknown_master_key=unknown)
