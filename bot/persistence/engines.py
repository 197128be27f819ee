"""How every engine of ours is made: the app's database and the key store alike.

- ``hide_parameters``: a failed statement's error quotes its bound values (a person's answers) in
  every message and log line; with it SQLAlchemy says only that they were hidden.
- A SQLite file is created 0600 in a 0700 folder (``bot.security.files``) and pooled: SQLAlchemy
  1.4 otherwise opens (and sets up) a new connection per session on a file, which costs more than
  the work of a typical repository call or key lookup. Each database says which pragmas its
  connections get (the data file runs WAL, the key store a rollback journal).
- PostgreSQL connections are checked before use (``pool_pre_ping``), so a restarted server costs a
  reconnect, not an error.
- Each is made once per URL per process (:class:`Engines`): an engine is its connection pool.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import QueuePool

from bot.security.files import private_sqlite_file


def new_engine(url: str, sqlite_pragmas: Sequence[str] = ()) -> Engine:
    """An engine on ``url``; on SQLite every new connection runs ``PRAGMA <each of sqlite_pragmas>``."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, hide_parameters=True, future=True)
    if parsed.database and parsed.database != ":memory:":
        private_sqlite_file(Path(parsed.database))
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": 30},
        poolclass=QueuePool,
        hide_parameters=True,
        future=True,
    )

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        for pragma in sqlite_pragmas:
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    return engine


class Engines:
    """One engine (and connection pool) per URL per process, made by ``make`` on first use.

    Threads share it (the web app's thread pool, the action server's executor), hence the lock.
    """

    def __init__(self, make: Callable[[str], Engine]) -> None:
        self._make = make
        self._engines: dict[str, Engine] = {}
        self._lock = threading.Lock()

    def get(self, url: str) -> Engine:
        with self._lock:
            if url not in self._engines:
                self._engines[url] = self._make(url)
            return self._engines[url]

    def dispose(self) -> None:
        """Close every pool and forget the engines (tests switch databases)."""
        with self._lock:
            for engine in self._engines.values():
                engine.dispose()
            self._engines.clear()
