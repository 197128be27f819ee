"""The review loop's storage (issue 11): migration 0009, de-identified sealed rows, labels, erasure.

On a real database (SQLite, and PostgreSQL when TEST_DATABASE_URL is set), through the repository
as the action server and the console use it.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from alembic import command
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from actions.flow import ActionFallback
from bot.persistence import db, migrate, repository, staff
from bot.persistence.db import get_engine
from bot.persistence.people import sender_hash
from tests.actions.conftest import make_tracker

MARKER = f"okapi{uuid.uuid4().hex[:8]}"
SENDER = "sms:+14155550199"
MESSAGE = f"my name is Philippa Quennell, call 415-555-0199 about the {MARKER} and my scans"
RANKING = [("nlu_fallback", 0.7), ("request_records", 0.44), ("faq", 0.41), ("greet", 0.01)]


def stored_columns(database_url: str) -> str:
    """Every value of the review table as the database holds it."""
    with get_engine(database_url).connect() as connection:
        return "\n".join(repr(tuple(row)) for row in connection.execute(text("SELECT * FROM unclear_messages")))


# --- migration -------------------------------------------------------------------------------


def test_0009_goes_up_and_down_on_sqlite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    db.dispose_engines()
    engine = create_engine(url)
    try:
        command.upgrade(migrate.alembic_config(url), "0008")
        assert not inspect(engine).has_table("unclear_messages")
        migrate.upgrade(url)
        columns = {column["name"] for column in inspect(engine).get_columns("unclear_messages")}
        assert columns == {
            "id", "sender_id", "channel", "kind", "readings", "text", "label", "labelled_by", "labelled_at",
            "exported_at", "created_at",
        }  # fmt: skip
        indexes = {index["name"] for index in inspect(engine).get_indexes("unclear_messages")}
        assert indexes == {f"ix_unclear_messages_{c}" for c in ("sender_id", "labelled_at", "created_at")}
        command.downgrade(migrate.alembic_config(url), "0008")
        assert not inspect(engine).has_table("unclear_messages")
        migrate.upgrade(url)
        repository.record_unclear_message(SENDER, "blorp", "fallback", RANKING)
        assert repository.count_unclear_messages() == 1
    finally:
        engine.dispose()
        db.dispose_engines()


# --- recording -------------------------------------------------------------------------------


def test_a_message_is_kept_deidentified_with_its_channel_kind_and_two_readings(database_url: str) -> None:
    repository.record_unclear_message(SENDER, MESSAGE, "fallback", RANKING)

    [row] = repository.list_unclear_messages()
    assert row["text"] == f"my name is <name>, call <phone> about the {MARKER} and my scans"
    assert row["channel"] == "sms" and row["kind"] == "fallback"
    assert row["readings"] == [("request_records", 0.44), ("faq", 0.41)]
    assert row["label"] is None and row["labelled_at"] is None and row["exported_at"] is None
    assert repository.list_unclear_messages(labelled=True) == []


def test_nothing_of_the_message_or_the_sender_is_stored_in_plaintext(database_url: str) -> None:
    repository.record_unclear_message(SENDER, MESSAGE, "fallback", RANKING)

    stored = stored_columns(database_url)
    for secret in (MARKER, "scans", "<name>", "request_records", SENDER, "+14155550199"):
        assert secret not in stored, secret
    assert sender_hash(SENDER) in stored
    if make_url(database_url).get_backend_name() == "sqlite":
        folder = Path(make_url(database_url).database).parent
        files = [path for path in folder.iterdir() if path.is_file()]
        assert any(path.name.endswith("-wal") or path.suffix == ".db" for path in files)
        for path in files:
            content = path.read_bytes()
            for secret in (MARKER, "Philippa", "555-0199", "request_records"):
                assert secret.encode() not in content, (path.name, secret)


@pytest.mark.parametrize(
    ("sender", "channel"),
    [("sms:+14155550199", "sms"), ("slack:T1:U2", "slack"), ("web:abc", "web"), ("curl-test", "rest")],
)
def test_the_channel_is_the_kind_of_id_never_the_id(database: str, sender: str, channel: str) -> None:
    repository.record_unclear_message(sender, "blorp", "did_you_mean", [("faq", 0.5)])
    [row] = repository.list_unclear_messages()
    assert row["channel"] == channel and row["kind"] == "did_you_mean"
    assert sender not in stored_columns(database)


def test_an_unknown_kind_or_a_blank_message_is_not_kept(database: str) -> None:
    with pytest.raises(ValueError, match="unknown kind"):
        repository.record_unclear_message(SENDER, "blorp", "guess", RANKING)
    repository.record_unclear_message(SENDER, "   ", "fallback", RANKING)
    assert repository.count_unclear_messages() == 0


def test_newest_first_and_paged(database: str) -> None:
    for number in range(5):
        repository.record_unclear_message(f"web:{number}", f"message {number}", "fallback", RANKING)
    first = repository.list_unclear_messages(limit=2)
    second = repository.list_unclear_messages(limit=2, offset=2)
    assert [row["text"] for row in first + second] == ["message 4", "message 3", "message 2", "message 1"]
    assert repository.count_unclear_messages() == 5


@pytest.mark.asyncio
async def test_the_fallback_action_keeps_the_message(database: str) -> None:
    """Two plausible readings: the person is asked "did you mean ...?", and the message is kept for review."""
    tracker = make_tracker(f"my MRN is 12345678 and {MARKER}", "nlu_fallback", sender=SENDER)
    tracker.latest_message["intent_ranking"] = [{"name": name, "confidence": c} for name, c in RANKING]

    await ActionFallback().run(CollectingDispatcher(), tracker, {})

    [row] = repository.list_unclear_messages()
    assert row["text"] == f"my MRN is <number> and {MARKER}"
    assert row["kind"] == "did_you_mean" and row["readings"] == [("request_records", 0.44), ("faq", 0.41)]


# --- labels and export -----------------------------------------------------------------------


@pytest.fixture
def advocate_id(database: str) -> int:
    return staff.create_advocate("maria@example.org", "Maria", "not-a-real-password-hash")["id"]


def test_labels_move_a_message_to_the_labelled_list_and_the_next_export(database: str, advocate_id: int) -> None:
    repository.record_unclear_message("web:a", "i need the papers from the clinic", "fallback", RANKING)
    repository.record_unclear_message("web:b", "asdf", "fallback", RANKING)
    records, junk = sorted(row["id"] for row in repository.list_unclear_messages())

    labelled = repository.label_unclear_message(records, "request_records", advocate_id)
    assert labelled is not None and labelled["label"] == "request_records" and labelled["labelled_by"] == advocate_id
    repository.label_unclear_message(junk, None, advocate_id)  # not for training

    assert repository.list_unclear_messages() == []
    assert {row["id"] for row in repository.list_unclear_messages(labelled=True)} == {records, junk}
    [exportable] = repository.unclear_messages_for_export()
    assert (exportable["id"], exportable["label"]) == (records, "request_records")
    assert repository.mark_review_exported([records]) == 1
    assert repository.unclear_messages_for_export() == []
    # An exported label stays as it was handed to the reviewer.
    assert repository.label_unclear_message(records, "faq", advocate_id) is None
    assert repository.label_unclear_message(999, "faq", advocate_id) is None


# --- delete my data --------------------------------------------------------------------------


def test_delete_my_data_erases_the_persons_messages_and_only_theirs(database_url: str) -> None:
    repository.record_unclear_message(SENDER, MESSAGE, "fallback", RANKING)
    repository.record_unclear_message(SENDER, "second miss", "fallback", RANKING)
    repository.record_unclear_message("web:someone-else", "theirs", "fallback", RANKING)
    assert repository.count_person_rows(SENDER)["unclear_messages"] == 2

    deleted = repository.erase_person(SENDER)

    assert deleted["unclear_messages"] == 2
    assert [row["text"] for row in repository.list_unclear_messages()] == ["theirs"]
    with get_engine().connect() as connection:
        left = connection.scalar(
            text("SELECT COUNT(*) FROM unclear_messages WHERE sender_id = :p"), {"p": sender_hash(SENDER)}
        )
    assert left == 0
