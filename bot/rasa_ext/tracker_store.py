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
* A turn does not reread the whole conversation. Rasa reloads a tracker from its rows on every
  message (open, parse and replay every event of the session: the part of a turn that grew with
  the conversation). The store keeps the trackers it saved last (`RECENT_TRACKERS`, for
  `RECENT_SECONDS`), with the session's row count and highest row id, and hands one back only when
  the database still says exactly that and the tracker was not changed since: another instance's turn, an advocate's
  message written by the web app, an erasure or a turn that failed before its save all reload
  from the rows. A tracker that is not what the rows would give back (a new session started in
  the turn, an erasure) is not kept.
"""
from __future__ import annotations

import itertools
import time
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore, TrackerEventDiffEngine, create_engine_kwargs
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Query, Session, sessionmaker
from sqlalchemy.pool import QueuePool

from bot.persistence.db import through_outage
from bot.persistence.people import sender_hash
from bot.persistence.tracker_events import event_row, open_event
from bot.rasa_ext import ERASE_ACTION_NAME
from bot.security import keystore
from bot.security.files import private_sqlite_file
from bot.settings import Settings

# Seconds a SQLite connection waits for a write lock. The web app, the action server and Rasa all
# write to the same file; pysqlite's default of 5 s is short when a long erase is running.
SQLITE_BUSY_TIMEOUT_SECONDS = "30"
# Conversations whose last saved tracker is kept in memory (least recently saved dropped first); a
# tracker of 80 turns holds ~500 events, some hundreds of kilobytes.
RECENT_TRACKERS = 500
# How long a saved tracker is kept: a conversation's turns come seconds apart, and what a person
# said is not held open in memory longer than that (an erasure from the console, which this process
# does not hear of, drops it at the next turn, or when it expires here).
RECENT_SECONDS = 600.0


@dataclass(frozen=True)
class _Saved:
    """A tracker as it was saved, and what the database said about its session's rows then."""

    tracker: DialogueStateTracker
    events: int  # len(tracker.events) at the save: more means the tracker was changed since
    rows: tuple[int, int | None]  # (row count, highest row id) of the session after the save
    until: float  # time.monotonic() after which it is no longer handed back


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
        self._recent: OrderedDict[str, _Saved] = OrderedDict()
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

    def _session_rows(self, session: Session, sender_id: str) -> tuple[int, int | None]:
        """(row count, highest row id) of the sender's latest session: what a reload would read."""
        query = self._event_query(session, sender_id, fetch_events_from_all_sessions=False).order_by(None)
        count, highest = query.with_entities(sa.func.count(self.SQLEvent.id), sa.func.max(self.SQLEvent.id)).one()
        return int(count), highest

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """The latest session's tracker, waiting out a PostgreSQL restart (bot.persistence.db).

        Rasa wraps every store in a FailSafeTrackerStore that, on any error, reads from and saves to
        an empty in-memory store instead: a turn answered during a database restart would then be
        lost. Waiting keeps it.
        """
        return await through_outage(lambda: self._retrieve_latest(sender_id), self._database_url, "tracker store")

    async def retrieve_full_tracker(self, sender_id: str) -> DialogueStateTracker | None:
        """Every session of the conversation (Rasa reads it when a new session starts), waiting out an outage."""
        return await through_outage(
            lambda: self._retrieve(sender_id, fetch_events_from_all_sessions=True), self._database_url, "tracker store"
        )

    async def _retrieve_latest(self, sender_id: str) -> DialogueStateTracker | None:
        """The latest session's tracker: the one saved last when the rows are still just that."""
        self._forget_expired()
        saved = self._recent.get(sender_id)
        if saved is not None:
            with self.session_scope() as session:
                rows = self._session_rows(session, sender_id)
            if rows == saved.rows and len(saved.tracker.events) == saved.events:
                return saved.tracker
            del self._recent[sender_id]
        return await self._retrieve(sender_id, fetch_events_from_all_sessions=False)

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

    async def stream_events(self, tracker: DialogueStateTracker) -> None:
        """Rasa's streaming to an event broker, diffed against the rows (the kept tracker is this one)."""
        if self.event_broker is None:
            return
        old_tracker = await self._retrieve(tracker.sender_id, fetch_events_from_all_sessions=False)
        new_events = TrackerEventDiffEngine.event_difference(old_tracker, tracker)
        await self._stream_new_events(self.event_broker, new_events, tracker.sender_id)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Save the turn, waiting out a PostgreSQL restart (see `retrieve`); each try is one transaction."""
        await through_outage(lambda: self._save_once(tracker), self._database_url, "tracker store")

    async def _save_once(self, tracker: DialogueStateTracker) -> None:
        """`SQLTrackerStore.save` writing the rows of `bot.persistence.tracker_events` (hashed, sealed)."""
        await self.stream_events(tracker)
        with self.session_scope() as session:
            events = list(self._additional_events(session, tracker))
            if events:
                cipher = keystore.get_or_create(self._database_url, sender_hash(tracker.sender_id))
                for event in events:
                    session.add(self.SQLEvent(**event_row(cipher, event.type_name, event.as_dict())))
            session.commit()
            self._remember(session, tracker)

    def _remember(self, session: Session, tracker: DialogueStateTracker) -> None:
        """Keep the saved tracker for the next turn, if a reload would give back the same one.

        That is a tracker of one session, starting at its `SessionStarted` as the session's rows do,
        with no erasure in it (its rows hold only what followed).
        """
        sender_id = tracker.sender_id
        self._recent.pop(sender_id, None)
        self._forget_expired()
        events = tracker.events
        starts = [index for index, event in enumerate(events) if isinstance(event, SessionStarted)]
        if starts != [0] or _last_erase_index(events) is not None:
            return
        until = time.monotonic() + RECENT_SECONDS
        self._recent[sender_id] = _Saved(tracker, len(events), self._session_rows(session, sender_id), until)
        while len(self._recent) > RECENT_TRACKERS:
            self._recent.popitem(last=False)

    def _forget_expired(self) -> None:
        """Drop the trackers kept longer than `RECENT_SECONDS` (the oldest saves come first)."""
        now = time.monotonic()
        while self._recent and next(iter(self._recent.values())).until <= now:
            self._recent.popitem(last=False)

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
