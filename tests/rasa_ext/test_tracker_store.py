"""DatabaseUrlTrackerStore against real databases: a SQLite file, and PostgreSQL when
`TEST_DATABASE_URL` is set (e.g. postgresql://postgres@127.0.0.1:5432/test).

Each test gets a fresh database (SQLite file, or PostgreSQL schema dropped afterwards, see
tests/conftest.py) and a sender id of its own.
"""
from __future__ import annotations

import time
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
import rasa.core.tracker_store
from rasa.core.tracker_store import TrackerStore
from rasa.core.utils import AvailableEndpoints
from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Event,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException
from rasa.utils.endpoints import EndpointConfig
from sqlalchemy.engine import make_url

from bot.persistence import repository
from bot.persistence.people import sender_hash
from bot.persistence.tracker_events import open_event
from bot.rasa_ext import ERASE_ACTION_NAME
from bot.rasa_ext import tracker_store as tracker_store_module
from bot.rasa_ext.tracker_store import DatabaseUrlTrackerStore
from bot.security import keystore

STORE_PATH = "bot.rasa_ext.tracker_store.DatabaseUrlTrackerStore"

DOMAIN = Domain.from_dict(
    {
        "version": "3.1",
        "intents": ["greet", "delete_my_data", "add_question"],
        "slots": {"condition": {"type": "text", "mappings": [{"type": "custom"}]}},
        "responses": {"utter_greet": [{"text": "Hi!"}]},
        "actions": [ERASE_ACTION_NAME],
    }
)


def user(text: str, intent: str) -> UserUttered:
    return UserUttered(text, {"name": intent, "confidence": 1.0})


def session_start() -> list[Event]:
    return [ActionExecuted(ACTION_SESSION_START_NAME), SessionStarted(), ActionExecuted(ACTION_LISTEN_NAME)]


def greet_turn() -> list[Event]:
    return [user("hello", "greet"), BotUttered("Hi!"), ActionExecuted(ACTION_LISTEN_NAME)]


@pytest.fixture
def sender_id() -> str:
    return f"test-rasa-ext-{uuid.uuid4().hex}"


@pytest.fixture
def store(database_url: str) -> Iterator[DatabaseUrlTrackerStore]:
    """The store as Rasa builds it from endpoints.yml: no URL given, so it reads DATABASE_URL."""
    tracker_store = DatabaseUrlTrackerStore(domain=DOMAIN)
    yield tracker_store
    tracker_store.engine.dispose()


def stored(store: DatabaseUrlTrackerStore, sender_id: str) -> list[tuple[str, str | None, str | None]]:
    """(type, action, intent) of every row of `sender_id`, in insertion order, read from the sealed data.

    The rows are found by the sender's keyed hash, and their own name columns must be empty (they
    would say e.g. `crisis_self_harm` in the clear).
    """
    cipher = keystore.find(str(store.engine.url.render_as_string(hide_password=False)), sender_hash(sender_id))
    with store.session_scope() as session:
        rows = (
            session.query(store.SQLEvent)
            .filter(store.SQLEvent.sender_id == sender_hash(sender_id))
            .order_by(store.SQLEvent.id)
            .all()
        )
    assert all(row.action_name is None and row.intent_name is None for row in rows)
    found = []
    for row in rows:
        data = open_event(cipher, row.data)
        assert data is not None, "every stored event opens with the person's key"
        intent = (data.get("parse_data") or {}).get("intent", {}).get("name")
        found.append((row.type_name, data.get("name"), intent))
    return found


def tracker_with(sender_id: str, events: list[Event]) -> DialogueStateTracker:
    return DialogueStateTracker.from_events(sender_id, events, slots=DOMAIN.slots)


def as_dicts(events: Iterable[Event]) -> list[dict[str, Any]]:
    return [event.as_dict() for event in events]


def test_uses_database_url(store: DatabaseUrlTrackerStore, database_url: str) -> None:
    expected = make_url(database_url)
    actual = store.engine.url
    assert actual.get_backend_name() == expected.get_backend_name()
    assert (actual.host, actual.port, actual.database, actual.username) == (
        expected.host,
        expected.port,
        expected.database,
        expected.username,
    )
    assert dict(expected.query).items() <= dict(actual.query).items()


def test_creates_the_folder_of_a_new_sqlite_file(tmp_path: Path) -> None:
    """Rasa retries a failed connection forever; a missing folder must not make it hang."""
    database = tmp_path / "new" / "var" / "advocate.db"

    tracker_store = DatabaseUrlTrackerStore(host=f"sqlite:///{database}")

    assert database.is_file()
    assert tracker_store.engine.url.database == str(database)
    tracker_store.engine.dispose()


def test_loaded_from_endpoints_yml_as_rasa_does(tmp_path: Path, database_url: str) -> None:
    """`rasa run` and `rasa shell` both go through AvailableEndpoints and TrackerStore.create."""
    endpoints_file = tmp_path / "endpoints.yml"
    endpoints_file.write_text(f"tracker_store:\n  type: {STORE_PATH}\n")
    endpoints = AvailableEndpoints.read_endpoints(str(endpoints_file))

    tracker_store = TrackerStore.create(endpoints.tracker_store, event_broker=None)

    # Not Rasa's silent InMemoryTrackerStore fallback, and not wrapped as a synchronous store.
    assert type(tracker_store) is DatabaseUrlTrackerStore
    assert tracker_store.engine.url.database == make_url(database_url).database
    tracker_store.engine.dispose()


def test_a_missing_database_driver_stops_rasa(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Not Rasa's "class not found" path, which would quietly keep conversations in memory only."""

    def no_driver(*args: object, **kwargs: object) -> None:
        raise ModuleNotFoundError("No module named 'psycopg2'")

    monkeypatch.setattr(rasa.core.tracker_store.sa, "create_engine", no_driver)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'advocate.db'}")

    with pytest.raises(RasaException, match="psycopg2"):
        TrackerStore.create(EndpointConfig(type=STORE_PATH))


@pytest.mark.asyncio
async def test_round_trip_and_later_turns_are_stored_once(store: DatabaseUrlTrackerStore, sender_id: str) -> None:
    tracker = tracker_with(sender_id, [*session_start(), *greet_turn(), SlotSet("condition", "breast cancer")])
    await store.save(tracker)

    loaded = await store.retrieve(sender_id)
    assert loaded is not None
    # Rasa loads the latest session: the events stamped at or after its SessionStarted.
    session_started = next(event for event in tracker.events if isinstance(event, SessionStarted))
    latest_session = [event for event in tracker.events if event.timestamp >= session_started.timestamp]
    assert as_dicts(loaded.events) == as_dicts(latest_session)
    assert loaded.get_slot("condition") == "breast cancer"

    for event in greet_turn():
        loaded.update(event)
    await store.save(loaded)

    assert len(stored(store, sender_id)) == len(tracker.events) + len(greet_turn())
    reloaded = await store.retrieve(sender_id)
    assert reloaded is not None
    assert as_dicts(reloaded.events) == as_dicts(loaded.events)


@pytest.mark.asyncio
async def test_erasure_keeps_only_what_follows_the_erase_action(store: DatabaseUrlTrackerStore, sender_id: str) -> None:
    other = f"{sender_id}-other"
    await store.save(tracker_with(other, [*session_start(), *greet_turn()]))
    earlier = [*session_start(), *greet_turn(), SlotSet("condition", "lymphoma")]
    await store.save(tracker_with(sender_id, earlier))
    # The turn in which the action erased the data (the action server's own delete is left out
    # here: the store must not depend on it).
    tracker = tracker_with(
        sender_id,
        [
            *earlier,
            user("delete my data", "delete_my_data"),
            ActionExecuted(ERASE_ACTION_NAME),
            BotUttered("Done."),
            ActionExecuted(ACTION_LISTEN_NAME),
        ],
    )

    await store.save(tracker)

    assert stored(store, sender_id) == [("bot", None, None), ("action", ACTION_LISTEN_NAME, None)]
    assert len(stored(store, other)) == len(session_start()) + len(greet_turn())
    loaded = await store.retrieve(sender_id)
    assert loaded is not None
    assert [event.type_name for event in loaded.events] == ["bot", "action"]
    assert loaded.get_slot("condition") is None

    # Saving the same in-memory tracker again changes nothing.
    await store.save(tracker)
    assert stored(store, sender_id) == [("bot", None, None), ("action", ACTION_LISTEN_NAME, None)]

    # The next turn starts from what was kept and is appended exactly once.
    for event in greet_turn():
        loaded.update(event)
    await store.save(loaded)
    assert stored(store, sender_id) == [
        ("bot", None, None),
        ("action", ACTION_LISTEN_NAME, None),
        ("user", None, "greet"),
        ("bot", None, None),
        ("action", ACTION_LISTEN_NAME, None),
    ]
    reloaded = await store.retrieve(sender_id)
    assert reloaded is not None
    assert as_dicts(reloaded.events) == as_dicts(loaded.events)


@pytest.mark.asyncio
async def test_erasure_with_the_restart_the_action_returns(store: DatabaseUrlTrackerStore, sender_id: str) -> None:
    """action_erase_data returns Restarted; Rasa then runs action_session_start in the same turn."""
    events = [
        *session_start(),
        user("my mom has lymphoma", "add_question"),
        SlotSet("condition", "lymphoma"),
        ActionExecuted(ACTION_LISTEN_NAME),
        user("delete my data", "delete_my_data"),
        ActionExecuted(ERASE_ACTION_NAME),
        BotUttered("Done."),
        Restarted(),
        *session_start(),
    ]
    for second, event in enumerate(events):  # distinct timestamps: sessions are found by them
        event.timestamp = 1_700_000_000.0 + second
    tracker = tracker_with(sender_id, events)

    await store.save(tracker)

    assert stored(store, sender_id) == [
        ("bot", None, None),
        ("restart", None, None),
        ("action", ACTION_SESSION_START_NAME, None),
        ("session_started", None, None),
        ("action", ACTION_LISTEN_NAME, None),
    ]
    loaded = await store.retrieve(sender_id)
    assert loaded is not None
    assert [event.type_name for event in loaded.events] == ["session_started", "action"]
    loaded.update(user("hello", "greet"))
    await store.save(loaded)
    assert stored(store, sender_id)[-2:] == [("action", ACTION_LISTEN_NAME, None), ("user", None, "greet")]
    assert len(stored(store, sender_id)) == 6


@pytest.mark.asyncio
async def test_erase_person_and_store_together(store: DatabaseUrlTrackerStore, sender_id: str) -> None:
    """The real flow on the app's database: the action erases, then Rasa saves its tracker."""
    first_turn = [*session_start(), user("save: is it curable?", "add_question"), ActionExecuted(ACTION_LISTEN_NAME)]
    await store.save(tracker_with(sender_id, first_turn))
    repository.add_questions(sender_id, ["Is it curable?"])
    tracker = await store.retrieve(sender_id)
    assert tracker is not None
    tracker.update(user("delete my data", "delete_my_data"))
    tracker.update(ActionExecuted(ERASE_ACTION_NAME))

    counts = repository.erase_person(sender_id)  # what action_erase_data does mid-turn
    tracker.update(BotUttered("Done."))
    tracker.update(ActionExecuted(ACTION_LISTEN_NAME))
    await store.save(tracker)

    assert counts["events"] == len(first_turn)
    assert counts["questions"] == 1
    assert repository.list_questions(sender_id) == []
    assert stored(store, sender_id) == [("bot", None, None), ("action", ACTION_LISTEN_NAME, None)]


# --- the trackers kept between turns -------------------------------------------------------------


async def next_turn(store: DatabaseUrlTrackerStore, sender_id: str) -> DialogueStateTracker:
    """A later turn as Rasa runs it: load, add a turn, save; returns the saved tracker."""
    tracker = await store.retrieve(sender_id)
    assert tracker is not None
    for event in greet_turn():
        tracker.update(event)
    await store.save(tracker)
    return tracker


async def reloaded(store: DatabaseUrlTrackerStore, sender_id: str) -> DialogueStateTracker | None:
    """What the rows give back, read by a store that has kept nothing (another Rasa instance)."""
    fresh = DatabaseUrlTrackerStore(domain=DOMAIN)
    try:
        return await fresh.retrieve(sender_id)
    finally:
        fresh.engine.dispose()


@pytest.mark.asyncio
async def test_a_saved_tracker_is_handed_back_as_the_rows_would_give_it(
    store: DatabaseUrlTrackerStore, sender_id: str
) -> None:
    await store.save(tracker_with(sender_id, [*session_start(), *greet_turn()]))
    saved = await next_turn(store, sender_id)

    kept = await store.retrieve(sender_id)
    from_rows = await reloaded(store, sender_id)

    assert kept is saved  # not reread, reopened and replayed
    assert from_rows is not None and as_dicts(kept.events) == as_dicts(from_rows.events)
    assert kept.current_state() == from_rows.current_state()


@pytest.mark.asyncio
async def test_what_another_writer_added_is_read_from_the_rows(store: DatabaseUrlTrackerStore, sender_id: str) -> None:
    """Another Rasa instance's turn, or an advocate's message the web app wrote, is never missed."""
    await store.save(tracker_with(sender_id, [*session_start(), *greet_turn()]))
    kept = await next_turn(store, sender_id)
    other_instance = DatabaseUrlTrackerStore(domain=DOMAIN)
    try:
        await next_turn(other_instance, sender_id)
    finally:
        other_instance.engine.dispose()

    loaded = await store.retrieve(sender_id)

    assert loaded is not kept
    assert loaded is not None and len(loaded.events) == len(kept.events) + len(greet_turn())


@pytest.mark.asyncio
async def test_a_turn_that_failed_before_its_save_is_not_handed_back(
    store: DatabaseUrlTrackerStore, sender_id: str
) -> None:
    await store.save(tracker_with(sender_id, [*session_start(), *greet_turn()]))
    kept = await next_turn(store, sender_id)
    kept.update(user("save: is it curable?", "add_question"))  # the turn then dies: no save

    loaded = await store.retrieve(sender_id)

    assert loaded is not None and loaded is not kept
    assert as_dicts(loaded.events) == as_dicts(list(kept.events)[:-1])


@pytest.mark.asyncio
async def test_an_erasure_by_the_web_app_is_seen_at_once(store: DatabaseUrlTrackerStore, sender_id: str) -> None:
    await store.save(tracker_with(sender_id, [*session_start(), *greet_turn(), SlotSet("condition", "lymphoma")]))
    await next_turn(store, sender_id)

    repository.erase_person(sender_id)  # "delete my data" from the console, between two turns

    assert await store.retrieve(sender_id) is None


@pytest.mark.asyncio
async def test_trackers_the_rows_would_not_give_back_are_not_kept(
    store: DatabaseUrlTrackerStore, sender_id: str
) -> None:
    """A new conversation starts before its SessionStarted; an erased one holds what was erased."""
    first = tracker_with(sender_id, [*session_start(), *greet_turn()])
    await store.save(first)
    assert await store.retrieve(sender_id) is not first

    tracker = await store.retrieve(sender_id)
    assert tracker is not None
    tracker.update(user("delete my data", "delete_my_data"))
    tracker.update(ActionExecuted(ERASE_ACTION_NAME))
    listen = ActionExecuted(ACTION_LISTEN_NAME)
    tracker.update(listen)
    await store.save(tracker)

    loaded = await store.retrieve(sender_id)
    assert loaded is not tracker
    assert loaded is not None and as_dicts(loaded.events) == as_dicts([listen])


@pytest.mark.asyncio
async def test_at_most_so_many_trackers_are_kept(
    store: DatabaseUrlTrackerStore, sender_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.rasa_ext.tracker_store.RECENT_TRACKERS", 2)
    senders = [f"{sender_id}-{n}" for n in range(3)]
    for sender in senders:
        await store.save(tracker_with(sender, [*session_start(), *greet_turn()]))
        await next_turn(store, sender)

    assert list(store._recent) == senders[1:]


@pytest.mark.asyncio
async def test_a_kept_tracker_expires(
    store: DatabaseUrlTrackerStore, sender_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a person said is not held in memory past a conversation's pace."""
    await store.save(tracker_with(sender_id, [*session_start(), *greet_turn()]))
    saved = await next_turn(store, sender_id)
    clock = time.monotonic() + tracker_store_module.RECENT_SECONDS + 1
    monkeypatch.setattr("bot.rasa_ext.tracker_store.time.monotonic", lambda: clock)

    loaded = await store.retrieve(sender_id)

    assert loaded is not saved and not store._recent
    assert loaded is not None and as_dicts(loaded.events) == as_dicts(saved.events)
