"""Migration 0005 on databases that already hold conversations: every id gets its channel's prefix.

Run on SQLite and on PostgreSQL (when TEST_DATABASE_URL is set), from revision 0004 with rows
written the old way, including Rasa's own ``events`` table, then upgraded (and downgraded).
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from rasa.core.tracker_store import SQLTrackerStore
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

from bot.persistence import db, migrate, repository

NOW = "2026-11-01 10:00:00"
# old sender_id -> (stored channel, new id)
PEOPLE = {
    "+14155550123": ("twilio", "sms:+14155550123"),
    "U024BE7LH": ("slack", "slack:unknown:U024BE7LH"),
    "4f9c2a": ("socketio", "web:4f9c2a"),
    "contract-1": ("rest", "contract-1"),
}


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def old_database(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """An empty database (SQLite file, or a PostgreSQL schema of its own), migrated to 0004 only."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'old.db'}"
        cleanup = None
    else:
        server_url = os.environ.get("TEST_DATABASE_URL")
        if not server_url:
            pytest.skip("TEST_DATABASE_URL is not set (e.g. postgresql://postgres@127.0.0.1:5432/test)")
        schema = f"test_{uuid.uuid4().hex[:12]}"
        admin = create_engine(server_url, future=True)
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = make_url(server_url).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
            hide_password=False
        )

        def cleanup() -> None:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            admin.dispose()

    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("SLACK_TEAM_ID", raising=False)
    db.dispose_engines()
    command.upgrade(migrate.alembic_config(url), "0004")
    try:
        yield url
    finally:
        db.dispose_engines()
        if cleanup:
            cleanup()


def write_old_rows(engine: Engine) -> None:
    SQLTrackerStore.SQLEvent.__table__.create(engine)  # Rasa's events table, as Rasa makes it
    with engine.begin() as connection:
        for old, (channel, _) in PEOPLE.items():
            # The widget person has no conversations row: their channel comes from Rasa's events.
            if channel != "socketio":
                connection.execute(
                    text(
                        "INSERT INTO conversations (sender_id, channel, created_at, updated_at) VALUES (:s, :c, :t, :t)"
                    ),
                    {"s": old, "c": channel, "t": NOW},
                )
            connection.execute(
                text(
                    "INSERT INTO questions (sender_id, text, source, created_at, updated_at) "
                    "VALUES (:s, :q, 'person', :t, :t)"
                ),
                {"s": old, "q": f"question of {old}", "t": NOW},
            )
            connection.execute(
                text(
                    "INSERT INTO events (sender_id, type_name, timestamp, intent_name, action_name, data) "
                    "VALUES (:s, 'user', 1.0, 'greet', NULL, :d)"
                ),
                {"s": old, "d": json.dumps({"event": "user", "text": "hi", "input_channel": channel})},
            )
        connection.execute(
            text(
                "INSERT INTO handoffs (sender_id, channel, status, reason, summary, created_at) "
                "VALUES ('+14155550123', 'twilio', 'open', 'asked', '{}', :t)"
            ),
            {"t": NOW},
        )
        connection.execute(
            text("INSERT INTO sms_opt_outs (sender_id, keyword, opted_out_at) VALUES ('+14155550123', 'stop', :t)"),
            {"t": NOW},
        )


def ids(engine: Engine, table: str) -> set[str]:
    with engine.connect() as connection:
        return set(connection.execute(text(f"SELECT sender_id FROM {table}")).scalars())


def test_old_ids_get_the_prefix_of_their_channel_in_every_table(old_database: str) -> None:
    engine = create_engine(old_database)
    try:
        write_old_rows(engine)

        command.upgrade(migrate.alembic_config(old_database), "0005")

        new_ids = {new for _, new in PEOPLE.values()}
        assert ids(engine, "questions") == new_ids
        assert ids(engine, "events") == new_ids
        assert ids(engine, "conversations") == new_ids - {"web:4f9c2a"}
        assert ids(engine, "handoffs") == {"sms:+14155550123"}
        assert ids(engine, "sms_opt_outs") == {"+14155550123"}  # kept per number
        with engine.connect() as connection:
            question = connection.execute(text("SELECT text FROM questions WHERE sender_id = 'sms:+14155550123'"))
            assert question.scalar_one() == "question of +14155550123"  # the rows moved, not copied

        command.downgrade(migrate.alembic_config(old_database), "0004")
        assert ids(engine, "questions") == set(PEOPLE)
        assert ids(engine, "events") == set(PEOPLE)

        # The rest of the chain runs on these rows (0007 then hashes the new ids and encrypts; it
        # cannot be undone with people's data in it, so it comes after the downgrade).
        command.upgrade(migrate.alembic_config(old_database), "head")
        assert repository.list_questions("sms:+14155550123")[0]["text"] == "question of +14155550123"
    finally:
        engine.dispose()


def test_the_slack_team_is_used_when_the_operator_names_it(old_database: str, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = create_engine(old_database)
    try:
        write_old_rows(engine)
        monkeypatch.setenv("SLACK_TEAM_ID", "T0TEAM")
        command.upgrade(migrate.alembic_config(old_database), "0005")
        assert "slack:T0TEAM:U024BE7LH" in ids(engine, "questions")
    finally:
        engine.dispose()
