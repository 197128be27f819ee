"""Migration 0007 on a database with rows from before (plaintext values, plain sender ids), on
SQLite and PostgreSQL: afterwards everything reads back the same, and nothing is plaintext."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest
from alembic import command
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.persistence import db, migrate, repository
from bot.persistence.people import sender_hash
from bot.rasa_ext.tracker_store import DatabaseUrlTrackerStore
from tests.security.test_at_rest import all_text

SENDER = "sms:+14155550142"
NAME = "Ottoline Braithwaite-Sels"
MARKER = f"okapi-{uuid.uuid4().hex[:8]}"
NOW = datetime(2026, 11, 1, 12, 0, tzinfo=timezone.utc)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def unmigrated_url(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """An empty database (SQLite file or PostgreSQL schema) that nothing has migrated yet."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'advocate.db'}"
        admin = None
    else:
        server_url = os.environ.get("TEST_DATABASE_URL")
        if not server_url:
            pytest.skip("TEST_DATABASE_URL is not set (e.g. postgresql://postgres@127.0.0.1:5432/test)")
        schema = f"test_{uuid.uuid4().hex[:12]}"
        admin = create_engine(server_url, future=True)
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = make_url(server_url).update_query_dict({"options": f"-csearch_path={schema}"})
        url = url.render_as_string(hide_password=False)
    monkeypatch.setenv("DATABASE_URL", url)
    db.dispose_engines()
    try:
        yield url
    finally:
        db.dispose_engines()
        if admin is not None:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            admin.dispose()


def insert_old_rows(url: str) -> None:
    """Rows as revisions 0001-0006 stored them: plain sender ids and values (JSON as JSON)."""
    engine = db.get_engine(url)
    SQLTrackerStore.Base.metadata.create_all(engine)  # Rasa's own `events` table
    rows = {
        "conversations": [
            dict(
                sender_id=SENDER,
                channel="twilio",
                condition="lymphoma",
                condition_category="cancer",
                treatment="chemotherapy",
                treatment_category="drug",
                created_at=NOW,
                updated_at=NOW,
            ),
        ],
        "questions": [
            dict(sender_id=SENDER, text=f"Is {MARKER} normal?", source="person", created_at=NOW, updated_at=NOW)
        ],
        "assessments": [
            dict(
                sender_id=SENDER,
                answers=json.dumps({"urgency": "weeks"}),
                recommendation="recommended",
                reasons=json.dumps([f"Because {MARKER}"]),
                created_at=NOW,
            )
        ],
        "records_requests": [
            dict(
                sender_id=SENDER,
                provider="Mercy General",
                record_types=json.dumps(["pathology"]),
                date_range=None,
                record_format="electronic",
                delivery="e-mail",
                patient_name=NAME,
                date_of_birth="1949-02-03",
                letter=f"I, {NAME}, ask...",
                status="drafted",
                created_at=NOW,
                updated_at=NOW,
            )
        ],
        "handoffs": [
            dict(
                id=7,
                sender_id=SENDER,
                channel="twilio",
                reason="asked_for_person",
                summary=json.dumps({"note": MARKER}),
                status="open",
                created_at=NOW,
            )
        ],
        "handoff_messages": [dict(handoff_id=7, author="Maria", text=f"Hello {NAME}", created_at=NOW)],
        "share_links": [dict(token_hash="f" * 64, sender_id=SENDER, created_at=NOW, expires_at=NOW)],
        "question_texts": [dict(sender_id=SENDER, sent_at=NOW)],
        "sms_opt_outs": [dict(sender_id=SENDER, keyword="STOP", opted_out_at=NOW)],
        "events": [
            dict(
                sender_id=SENDER,
                type_name="user",
                timestamp=NOW.timestamp() + 1,
                intent_name="crisis_self_harm",
                action_name=None,
                data=json.dumps(
                    {
                        "event": "user",
                        "timestamp": NOW.timestamp() + 1,
                        "text": f"my name is {NAME}",
                        "parse_data": {"intent": {"name": "crisis_self_harm", "confidence": 1.0}, "entities": []},
                    }
                ),
            ),
        ],
    }
    with engine.begin() as connection:
        for table, values in rows.items():
            for row in values:
                columns = ", ".join(row)
                placeholders = ", ".join(f":{name}" for name in row)
                connection.execute(text(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"), row)


def test_old_rows_are_hashed_and_encrypted(unmigrated_url: str) -> None:
    command.upgrade(migrate.alembic_config(unmigrated_url), "0006")
    insert_old_rows(unmigrated_url)

    migrate.upgrade(unmigrated_url)
    db.dispose_engines()

    stored = all_text(unmigrated_url)
    for secret in (SENDER, "+14155550142", NAME, MARKER, "lymphoma", "crisis_self_harm", "Mercy General"):
        assert secret not in stored, secret
    summary = repository.case_summary(SENDER)
    assert (summary["condition"], summary["treatment"]) == ("lymphoma", "chemotherapy")
    assert [q["text"] for q in summary["questions"]] == [f"Is {MARKER} normal?"]
    assert summary["reasons"] == [f"Because {MARKER}"]
    [letter] = summary["records_requests"]
    assert (letter["patient_name"], letter["date_of_birth"], letter["record_types"]) == (
        NAME,
        "1949-02-03",
        ["pathology"],
    )
    assert summary["handoff"]["sender_id"] == SENDER and summary["handoff"]["summary"] == {"note": MARKER}
    assert repository.get_handoff(7)["advocate_messages"][0]["text"] == f"Hello {NAME}"
    assert [entry["text"] for entry in repository.handoff_transcript(7)] == [f"Hello {NAME}", f"my name is {NAME}"]
    assert repository.is_sms_opted_out(SENDER)
    assert repository.count_person_rows(SENDER) == {
        "questions": 1,
        "records_requests": 1,
        "assessments": 1,
        "handoffs": 1,
        "share_links": 1,
        "question_texts": 1,
        "unclear_messages": 0,
        "inbox_messages": 0,
        "outbox_messages": 0,
        "conversations": 1,
        "events": 1,
    }
    with db.get_engine().connect() as connection:
        names = connection.execute(text("SELECT intent_name, action_name, sender_id FROM events")).one()
    assert names == (None, None, sender_hash(SENDER))


@pytest.mark.asyncio
async def test_the_tracker_store_reads_migrated_events(unmigrated_url: str) -> None:
    command.upgrade(migrate.alembic_config(unmigrated_url), "0006")
    insert_old_rows(unmigrated_url)
    migrate.upgrade(unmigrated_url)

    store = DatabaseUrlTrackerStore(domain=Domain.empty(), host=unmigrated_url)
    tracker = await store.retrieve(SENDER)
    store.engine.dispose()
    assert tracker is not None and tracker.latest_message.text == f"my name is {NAME}"


def test_an_empty_database_needs_no_keys(unmigrated_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ADVOCATE_MASTER_KEY")
    monkeypatch.delenv("ADVOCATE_HASH_KEY")
    migrate.upgrade(unmigrated_url)


def test_no_downgrade_with_peoples_data(unmigrated_url: str) -> None:
    command.upgrade(migrate.alembic_config(unmigrated_url), "0006")
    insert_old_rows(unmigrated_url)
    migrate.upgrade(unmigrated_url)

    with pytest.raises(RuntimeError, match="cannot be undone"):
        command.downgrade(migrate.alembic_config(unmigrated_url), "0006")
    assert repository.list_questions(SENDER)  # nothing was touched
