"""Engine and unit-of-work sessions for SQLite (default) and PostgreSQL.

Rasa's action server runs ``Action.run`` on its event loop, so actions call the repository through
:func:`run_sync`, which moves the blocking database work to a worker thread.

A SQLite file is created 0600 in a 0700 folder (``bot.security.files``) with ``secure_delete`` on,
so deleted rows are overwritten in the file; engines hide bound values from errors and logs.
"""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from bot.security.files import private_sqlite_file
from bot.settings import Settings

T = TypeVar("T")

_engines: dict[str, Engine] = {}
_lock = threading.Lock()


def _new_engine(url: str) -> Engine:
    """hide_parameters: a failed statement's error quotes its bound values (a person's answers)
    in every message and log line; with it SQLAlchemy says only that they were hidden."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            private_sqlite_file(Path(parsed.database))
        # A pool: SQLAlchemy 1.4 opens (and sets up) a new connection per session on a file otherwise,
        # which costs more than the work of a typical repository call.
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            poolclass=QueuePool,
            hide_parameters=True,
            future=True,
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            # WAL lets the web app read while Rasa and the action server write.
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA secure_delete=ON")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, hide_parameters=True, future=True)


def get_engine(url: str | None = None) -> Engine:
    """One engine (and connection pool) per database URL per process."""
    url = url or Settings.from_env().database_url
    with _lock:
        if url not in _engines:
            _engines[url] = _new_engine(url)
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
