"""Engine and unit-of-work sessions for SQLite (default) and PostgreSQL.

Rasa's action server runs ``Action.run`` on its event loop, so actions call the repository through
:func:`run_sync`, which moves the blocking database work to a worker thread.

Engines are made by :mod:`bot.persistence.engines` (private files, hidden bound values, pooling);
the data file runs WAL with ``secure_delete`` on, so deleted rows are overwritten in the file.
"""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.persistence.engines import new_engine
from bot.settings import Settings

T = TypeVar("T")

_engines: dict[str, Engine] = {}
_lock = threading.Lock()


# WAL lets the web app read while Rasa and the action server write; secure_delete overwrites
# deleted rows in the file.
SQLITE_PRAGMAS = ("journal_mode=WAL", "foreign_keys=ON", "busy_timeout=30000", "secure_delete=ON")


def get_engine(url: str | None = None) -> Engine:
    """One engine (and connection pool) per database URL per process."""
    url = url or Settings.from_env().database_url
    with _lock:
        if url not in _engines:
            _engines[url] = new_engine(url, SQLITE_PRAGMAS)
        return _engines[url]


def dispose_engines() -> None:
    """Close every pool (the key store's too); tests call this between databases."""
    from bot.security import keystore

    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()
    keystore.dispose_engines()


def truncate_wal(url: str | None = None) -> None:
    """On SQLite, copy the WAL into the database file and empty it (after an erasure).

    ``secure_delete`` zeroes deleted rows in the database file, but the WAL still holds the pages
    as they were written; this leaves no old frame behind once other readers let go (best effort:
    a reader in the middle of a transaction keeps its frames until the next checkpoint).
    """
    engine = get_engine(url)
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """One transaction: commit when the block succeeds, roll back when it raises."""
    session = sessionmaker(bind=get_engine(url), expire_on_commit=False, future=True)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


async def run_sync(func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run blocking (database) work in a thread so the event loop keeps serving other people."""
    return await asyncio.get_running_loop().run_in_executor(None, functools.partial(func, *args, **kwargs))
