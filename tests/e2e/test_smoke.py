"""The smallest round trip through the real stack: proves the harness and the wiring between processes."""

from __future__ import annotations

import os
import uuid

from sqlalchemy import create_engine, text

from bot.persistence.repository import RASA_EVENTS_TABLE
from tests.e2e.harness import Stack


def new_sender() -> str:
    return f"smoke-{uuid.uuid4().hex[:12]}"


def test_healthz_reports_every_part_ok(stack: Stack) -> None:
    response = stack.api("GET", "/healthz", token=None)

    assert response.status_code == 200
    expected = {"status": "ok", "database": "ok", "rasa": "ok", "action_server": "ok"}
    if os.environ.get("TEST_REDIS_URL"):  # the stack then runs on Redis (tests/e2e/conftest.py)
        expected["redis"] = "ok"
    assert response.json() == expected


def test_hi_over_rest_gets_a_reply(stack: Stack) -> None:
    replies = stack.say(new_sender(), "hi")

    assert replies, "the bot did not answer"
    assert any(reply.get("text", "").strip() for reply in replies), replies


def test_conversation_is_kept_in_the_app_database(stack: Stack) -> None:
    """Rasa silently falls back to an in-memory tracker store when the configured one fails to load."""
    sender = new_sender()
    stack.say(sender, "hi")

    engine = create_engine(stack.database_url)
    query = text(f"SELECT count(*) FROM {RASA_EVENTS_TABLE} WHERE sender_id = :person")  # rows carry the hash
    try:
        with engine.connect() as connection:
            stored = connection.execute(query, {"person": stack.sender_hash(sender)}).scalar_one()
    finally:
        engine.dispose()
    assert stored > 0


def test_api_refuses_a_request_without_the_token(stack: Stack) -> None:
    sender = new_sender()

    assert stack.api("GET", f"/api/conversations/{sender}", token=None).status_code == 401
    assert stack.api("GET", f"/api/conversations/{sender}", token="not-the-token").status_code == 401
    assert stack.api("GET", f"/api/conversations/{sender}").status_code != 401
