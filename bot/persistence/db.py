"""Engine and unit-of-work sessions for SQLite (default) and PostgreSQL.

Rasa's action server runs ``Action.run`` on its event loop, so actions call the repository through
:func:`run_sync`, which moves the blocking database work to a worker thread.

Engines are made by :mod:`bot.persistence.engines` (private files, hidden bound values, pooling);
the data file runs WAL with ``secure_delete`` on, so deleted rows are overwritten in the file.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bot.persistence.engines import Engines, new_engine
from bot.settings import Settings

T = TypeVar("T")
logger = logging.getLogger(__name__)

# How long a turn waits for a PostgreSQL server that went away (a restart, a fail-over) before it
# gives up: a restart takes a few seconds, and a person would rather wait than lose the message.
OUTAGE_WAIT_SECONDS = 30.0
_FIRST_RETRY = 0.2
_LONGEST_RETRY = 2.0

# WAL lets the web app read while Rasa and the action server write; secure_delete overwrites
# deleted rows in the file.
SQLITE_PRAGMAS = ("journal_mode=WAL", "foreign_keys=ON", "busy_timeout=30000", "secure_delete=ON")

_engines = Engines(lambda url: new_engine(url, SQLITE_PRAGMAS))


def get_engine(url: str | None = None) -> Engine:
    """One engine (and connection pool) per database URL per process."""
    return _engines.get(url or Settings.from_env().database_url)


def dispose_engines() -> None:
    """Close every pool (the key store's too); tests call this between databases."""
    from bot.security import keystore

    _engines.dispose()
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


def inserted(session: Session, row: T) -> T:
    """``row``, added and flushed: the database has given it its id and defaults, so it can be returned."""
    session.add(row)
    session.flush()
    return row


def is_outage(exc: BaseException, database_url: str | URL) -> bool:
    """True for a PostgreSQL server that is restarting or unreachable: worth waiting for.

    psycopg2 raises OperationalError for a server that refuses, closes or is shutting down. SQLite's
    OperationalError is a locked, missing or unreadable file, which waiting does not mend, and the
    web app answers it at once with a 503.
    """
    return isinstance(exc, OperationalError) and make_url(database_url).get_backend_name() == "postgresql"


async def through_outage(call: Callable[[], Awaitable[T]], database_url: str | URL, what: str) -> T:
    """`await call()`, again after a pause while the database is away, for up to OUTAGE_WAIT_SECONDS."""
    deadline = time.monotonic() + OUTAGE_WAIT_SECONDS
    delay = _FIRST_RETRY
    while True:
        try:
            return await call()
        except OperationalError as exc:
            if not is_outage(exc, database_url) or time.monotonic() + delay > deadline:
                raise
            # The kind only: a driver's message can name hosts, and never holds bound values here.
            kind = type(exc.orig).__name__
            logger.warning("%s: the database is unavailable (%s); trying again in %.1f s", what, kind, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, _LONGEST_RETRY)


async def run_sync(func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run blocking (database) work in a thread so the event loop keeps serving other people.

    Each repository call is one transaction, so one that failed because PostgreSQL went away is
    run again once it is back (through_outage).
    """
    loop = asyncio.get_running_loop()
    work = functools.partial(func, *args, **kwargs)
    return await through_outage(lambda: loop.run_in_executor(None, work), get_engine().url, "repository")
