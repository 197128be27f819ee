"""Rasa's SQL tracker store, pointed at the app's own database and aware of "delete my data".

endpoints.yml::

    tracker_store:
      type: bot.rasa_ext.tracker_store.DatabaseUrlTrackerStore

Why a subclass instead of `type: SQL`:

* One setting. Rasa's SQL store wants dialect/host/port/db/... spelled out in endpoints.yml; this
  one reads `DATABASE_URL` (the same value the web app and the action server use, SQLite file in
  `var/` by default), so conversation history lives next to the app tables and `erase_person` can
  delete both in one transaction.
* Erasure must stick. `action_erase_data` deletes the person's rows, app tables and tracker
  events alike, while Rasa is still holding the conversation in memory. At the end of the turn
  Rasa saves that tracker, and `SQLTrackerStore.save` only compares row counts: with zero rows
  left it would write the whole session back, the "delete my data" request included. The store
  also destroys the person's key then, so what it had written before is unreadable everywhere.
* Encrypted at rest. Rows carry the sender's keyed hash, not the sender id (an SMS id holds the
  phone number), and each event's `data` is sealed with the person's key, in the format
  `bot.persistence.tracker_events` defines (the repository reads the same rows for transcripts).
  `keys()` therefore lists hashes, not sender ids. The engine hides bound values from errors and
  logs.
"""
from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Query, Session, sessionmaker
from sqlalchemy.pool import QueuePool

from bot.persistence.people import sender_hash
from bot.persistence.tracker_events import event_row, open_event
from bot.rasa_ext import ERASE_ACTION_NAME
from bot.security import keystore
from bot.security.files import private_sqlite_file
from bot.settings import Settings

# Seconds a SQLite connection waits for a write lock. The web app, the action server and Rasa all
# write to the same file; pysqlite's default of 5 s is short when a long erase is running.
SQLITE_BUSY_TIMEOUT_SECONDS = "30"


def _last_erase_index(events: Iterable[Event]) -> int | None:
    """Position of the last `ActionExecuted(action_erase_data)` in `events`, or None."""
    found = None
    for index, event in enumerate(events):
        if isinstance(event, ActionExecuted) and event.action_name == ERASE_ACTION_NAME:
            found = index
    return found


def _sql_tracker_store_kwargs(database_url: str) -> dict[str, Any]:
    """Split a database URL into the keyword arguments `SQLTrackerStore.__init__` takes."""
    url: URL = make_url(database_url)
    query = dict(url.query)
    # Rasa applies its PostgreSQL pool sizes and POSTGRESQL_SCHEMA only when the driver name is
    # exactly "postgresql"; psycopg2 is SQLAlchemy's default driver for it, so both mean the same.
    dialect = "postgresql" if url.drivername == "postgresql+psycopg2" else url.drivername
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        # SQLTrackerStore retries a failed connection every 5 s forever; a missing folder would
        # make `rasa run` hang instead of failing, so create it (and the file, 0600) like
        # bot.persistence.db does.
        private_sqlite_file(Path(url.database))
        query.setdefault("timeout", SQLITE_BUSY_TIMEOUT_SECONDS)
    return {
        "dialect": dialect,
        "host": url.host,
        "port": url.port,
        "db": url.database,
        "username": url.username,
        "password": url.password,
        "query": query,
    }


class DatabaseUrlTrackerStore(SQLTrackerStore):
    """`SQLTrackerStore` on `DATABASE_URL` whose `save` honours an erasure made this turn."""

    def __init__(
        self,
        domain: Domain | None = None,
        event_broker: EventBroker | None = None,
        host: str | None = None,
        **kwargs: Any,
    ) -> None:
        """Connect to `DATABASE_URL`, or to `host` if it is a full URL.

        Rasa builds custom tracker stores as `cls(host=<endpoints url>, domain=..., event_broker=...,
        **<other endpoints keys>)` for `rasa run`, `rasa shell` and `rasa export` alike. Leaving
        `url:` out of endpoints.yml gives `host=None` and the app's database; tests pass a URL.
        """
        database_url = host or Settings.from_env().database_url
        try:
            super().__init__(
                domain=domain, event_broker=event_broker, **_sql_tracker_store_kwargs(database_url), **kwargs
            )
        except ImportError as error:
            # Rasa treats an ImportError from a custom store as "class not found" and quietly
            # falls back to an in-memory store: history and erasure would silently stop working.
            raise RasaException(f"Cannot open the tracker store database: {error}") from error
        self._database_url = database_url
        self._use_engine_hiding_parameters()

    def _use_engine_hiding_parameters(self) -> None:
        """Replace the engine `SQLTrackerStore` made with one that never shows bound values.

        Its `create_engine` call takes no extra arguments, and a failing statement would otherwise
        print the event data (and the sender id) it was given into the log. The first engine did its
        job (creating the table) and is closed.
        """
        url = self.engine.url
        self.engine.dispose()
        options: dict[str, Any] = {"hide_parameters": True, **create_engine_kwargs(url)}
        if url.get_backend_name() == "sqlite":
            # Pooled like the app's engine (bot.persistence.db): a new connection per turn costs more than the turn.
            options.update(poolclass=QueuePool, connect_args={"check_same_thread": False})
        self.engine = sa.create_engine(url, **options)
        if url.get_backend_name() == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_secure_delete)
        self.sessionmaker = sessionmaker(bind=self.engine)

    def _event_query(self, session: Session, sender_id: str, fetch_events_from_all_sessions: bool) -> Query:
        """Rasa's query for a sender's events, on the rows of the sender's keyed hash."""
        return super()._event_query(session, sender_hash(sender_id), fetch_events_from_all_sessions)

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool) -> DialogueStateTracker | None:
        """`SQLTrackerStore._retrieve` opening each event with the person's key.

        No key means nothing of theirs can be read (never stored, or erased): no tracker. An event
        that does not open was written under a key destroyed since, so it is erased data: skipped.
        """
        cipher = keystore.find(self._database_url, sender_hash(sender_id))
        if cipher is None:
            return None
        with self.session_scope() as session:
            rows = self._event_query(session, sender_id, fetch_events_from_all_sessions).all()
            events = [event for event in (open_event(cipher, row.data) for row in rows) if event is not None]
        if not self.domain or not events:
            return None
        return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """`SQLTrackerStore.save` writing the rows of `bot.persistence.tracker_events` (hashed, sealed)."""
        await self.stream_events(tracker)
        with self.session_scope() as session:
            events = list(self._additional_events(session, tracker))
            if events:
                cipher = keystore.get_or_create(self._database_url, sender_hash(tracker.sender_id))
                for event in events:
                    session.add(self.SQLEvent(**event_row(cipher, event.type_name, event.as_dict())))
            session.commit()

    def _additional_events(self, session: Session, tracker: DialogueStateTracker) -> Iterator[Event]:
        """The events `SQLTrackerStore.save` writes; after an erasure, only what followed it.

        This is the one hook `save` calls inside its transaction before writing, so the delete
        below and the inserts commit together and the rows keep Rasa's exact format.

        If the tracker contains `ActionExecuted(action_erase_data)`, every stored row of the
        sender is deleted (whatever `erase_person` may have left or another writer added since)
        and only the events after the last such action are returned. The erase action itself is
        never written, so a tracker loaded from this store never contains one: seeing it means
        the erasure happened in the turn being saved. Later turns load just the post-erasure
        events and the parent's row counting lines up again. Saving the same in-memory tracker
        twice rewrites the same rows, so the result does not depend on the number of saves.

        The person's key is destroyed too (before the delete commits: if the commit fails, what is
        left cannot be read), and what follows the erasure is stored under a new key.
        """
        erase_index = _last_erase_index(tracker.events)
        if erase_index is None:
            return super()._additional_events(session, tracker)
        person = sender_hash(tracker.sender_id)
        session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == person).delete(synchronize_session=False)
        keystore.destroy(self._database_url, person)
        return itertools.islice(tracker.events, erase_index + 1, None)


def _sqlite_secure_delete(dbapi_connection: Any, _record: Any) -> None:
    """Deleted events are overwritten in the file, as on the app's own connections (bot.persistence.db)."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT_SECONDS) * 1000}")
    cursor.close()
