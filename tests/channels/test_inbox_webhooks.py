"""The inbox through the channels' real webhooks (issue 15): a Sanic server serving the channel's
blueprint as Rasa registers it, signed requests, a real database (SQLite, and PostgreSQL with
TEST_DATABASE_URL set).

What is proved: the webhook answers only once the message is committed (held back while the
database is locked; 503 when it cannot store it), repeats are dropped on any instance, and at the
server's start the channel resumes the messages and advocate replies another instance left.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import socket
import sqlite3
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from rasa.core.channels.channel import UserMessage
from rasa.core.lock_store import LockError
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Sanic
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from twilio.request_validator import RequestValidator

from bot.channels import identity, inbox_runner
from bot.channels.outbox_runner import handoff_key
from bot.channels.slack import SlackChannelInput
from bot.channels.twilio_sms import EMPTY_TWIML, TwilioSmsInput
from bot.persistence import inbox, outbox
from bot.persistence.db import get_engine
from bot.persistence.models import InboxMessage
from bot.rasa_ext.tracker_store import DatabaseUrlTrackerStore
from tests.fakes import FakeTwilio

SID = "AC" + "0" * 32
TOKEN = "test-auth-token"
BOT_NUMBER = "+15550001111"
PERSON = "+14155550163"
SLACK_SECRET = "test-slack-signing-secret"


@pytest.fixture(autouse=True)
def several_sanic_apps(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sanic rewrites its request handling when an app starts; test mode lets several apps start."""
    monkeypatch.setattr(Sanic, "test_mode", True)


class Turns:
    """Rasa's ``on_new_message``: records each turn; ``hold`` keeps turns from finishing."""

    def __init__(self) -> None:
        self.messages: list[UserMessage] = []
        self.hold = asyncio.Event()
        self.hold.set()

    async def __call__(self, message: UserMessage) -> None:
        self.messages.append(message)
        await self.hold.wait()

    @property
    def texts(self) -> list[str]:
        return [m.text for m in self.messages]


@contextlib.asynccontextmanager
async def serving(channel: Any, turns: Turns, agent: Any = None) -> AsyncIterator[str]:
    """A Sanic server with the channel's blueprint, started and stopped with every listener."""
    app = Sanic(f"inbox{uuid.uuid4().hex}")
    app.ctx.agent = agent
    app.blueprint(channel.blueprint(turns), url_prefix=f"/webhooks/{channel.name()}")
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = await app.create_server(sock=sock, return_asyncio_server=True, access_log=False)
    assert server is not None
    await server.startup()
    await server.before_start()
    await server.after_start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        await server.before_stop()
        server.close()
        await server.wait_closed()
        await server.after_stop()


def sms_channel(base_url: str, twilio_url: str = "http://127.0.0.1:9") -> TwilioSmsInput:
    return TwilioSmsInput(SID, TOKEN, BOT_NUMBER, public_base_url=base_url, api_base_url=twilio_url)


async def text_the_bot(base: str, body: str, sid: str) -> httpx.Response:
    """A text as Twilio posts it, signed over the public URL with the account's auth token."""
    params = {"MessageSid": sid, "AccountSid": SID, "From": PERSON, "To": BOT_NUMBER, "Body": body, "NumMedia": "0"}
    url = f"{base}/webhooks/twilio/webhook"
    signature = RequestValidator(TOKEN).compute_signature(url, params)
    async with httpx.AsyncClient() as client:
        return await client.post(url, data=params, headers={"X-Twilio-Signature": signature}, timeout=60)


def inbox_rows() -> list[tuple[Any, ...]]:
    with get_engine().connect() as connection:
        return [tuple(r) for r in connection.execute(text("SELECT message_key, done_at FROM inbox_messages"))]


@contextlib.contextmanager
def writes_held(database_url: str) -> Iterator[None]:
    """Another connection holds the inbox's table (SQLite: the write lock) until the block ends."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        connection = sqlite3.connect(url.database or "", isolation_level=None)
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            connection.execute("ROLLBACK")
            connection.close()
        return
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            transaction = connection.begin()
            connection.execute(text("LOCK TABLE inbox_messages IN EXCLUSIVE MODE"))
            try:
                yield
            finally:
                transaction.rollback()
    finally:
        engine.dispose()


async def until(check: Any, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


# --- SMS ---------------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_the_sms_webhook_answers_only_once_the_message_is_committed(database_url: str) -> None:
    turns = Turns()
    turns.hold.clear()  # and the turn does not finish: the answer cannot wait for it
    channel = sms_channel("")
    async with serving(channel, turns) as base:
        channel.public_base_url = base
        with writes_held(database_url):
            answer = asyncio.create_task(text_the_bot(base, "I need my records", "SM-commit"))
            await asyncio.sleep(1.0)
            assert not answer.done(), "the webhook answered before the message was stored"
            assert inbox_rows() == []
        response = await answer
        assert response.status_code == 200 and response.text == EMPTY_TWIML
        assert [key for key, _ in inbox_rows()] == ["twilio:SM-commit"]  # committed when answered
        await until(lambda: turns.texts == ["I need my records"])
        [message] = turns.messages
        assert (message.sender_id, message.input_channel) == (identity.sms_id(PERSON), "twilio")
        assert message.message_id == "twilio:SM-commit" and message.metadata == {"message_sid": "SM-commit"}
        assert inbox_rows()[0][1] is None  # not done while its turn runs
        turns.hold.set()
        await until(lambda: inbox_rows()[0][1] is not None)


class LockedOut(Turns):
    """Rasa's ``on_new_message`` while Redis is away: the lock store gives no ticket, nothing of the turn runs."""

    def __init__(self, failures: int) -> None:
        super().__init__()
        self.failures = failures

    async def __call__(self, message: UserMessage) -> None:
        if self.failures:
            self.failures -= 1
            raise LockError(f"Could not acquire lock for conversation_id '{message.sender_id}'.")
        await super().__call__(message)


@pytest.mark.asyncio
async def test_a_text_whose_turn_could_not_take_its_lock_is_run_when_the_lock_store_is_back(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(inbox_runner, "RETRY_AFTER", timedelta(seconds=0.2))
    turns = LockedOut(failures=2)
    channel = sms_channel("")
    channel.inbox.sweeper.interval = 0.1
    async with serving(channel, turns) as base:
        channel.public_base_url = base
        response = await text_the_bot(base, "can I get a copy of my biopsy report", "SM-locked")
        assert response.status_code == 200  # taken: the inbox has it, whatever the turn meets
        await until(lambda: turns.texts == ["can I get a copy of my biopsy report"])
        await until(lambda: inbox_rows()[0][1] is not None)

    assert turns.failures == 0 and len(turns.messages) == 1


@pytest.mark.asyncio
async def test_a_text_that_cannot_be_stored_is_refused_with_503_and_stored_when_it_comes_again(
    database_url: str,
) -> None:
    turns = Turns()
    channel = sms_channel("")
    async with serving(channel, turns) as base:
        channel.public_base_url = base
        with get_engine().begin() as connection:
            connection.execute(text("DROP TABLE inbox_messages"))

        refused = await text_the_bot(base, "hello", "SM-lost")
        assert refused.status_code == 503 and turns.messages == []

        InboxMessage.__table__.create(get_engine())  # the database is back
        retried = await text_the_bot(base, "hello", "SM-lost")  # Twilio's fallback, the same delivery
        assert retried.status_code == 200
        await until(lambda: turns.texts == ["hello"])


@pytest.mark.asyncio
async def test_a_repeated_delivery_is_dropped_by_the_same_instance_and_by_a_restarted_one(database_url: str) -> None:
    turns = Turns()
    for _ in range(2):  # the second server: another instance, or this one restarted (dedupe memory gone)
        channel = sms_channel("")
        async with serving(channel, turns) as base:
            channel.public_base_url = base
            for _ in range(2):
                assert (await text_the_bot(base, "hi", "SM-twice")).status_code == 200
            await channel.inbox.drains.idle()
    assert turns.texts == ["hi"]


@pytest.mark.asyncio
async def test_a_forged_text_is_refused_and_nothing_is_stored(database_url: str) -> None:
    turns = Turns()
    channel = sms_channel("https://advocate.example.org")  # signatures computed over another URL
    async with serving(channel, turns) as base:
        assert (await text_the_bot(base, "hi", "SM-forged")).status_code == 403
    assert inbox_rows() == [] and turns.messages == []


@pytest.mark.asyncio
async def test_at_its_start_the_channel_resumes_what_another_instance_left(database_url: str) -> None:
    """A text stored but never handled and an advocate's reply written but not sent, by a dead instance."""
    sender = identity.sms_id(PERSON)
    inbox.record_inbound("twilio", "twilio:SM-left", sender, "are you there?", {"message_sid": "SM-left"})
    outbox.enqueue("twilio", handoff_key(3), sender, "Maria here, I'm looking into it.")
    turns = Turns()
    with contextlib.ExitStack() as stack:
        twilio = FakeTwilio().start()
        stack.callback(twilio.stop)
        channel = sms_channel("", twilio.url)
        async with serving(channel, turns):
            await until(lambda: turns.texts == ["are you there?"] and twilio.sent_to(PERSON) != [])
        await channel.rest.aclose()
    assert [m["Body"] for m in twilio.sent_to(PERSON)] == ["Maria here, I'm looking into it."]


@pytest.mark.asyncio
async def test_a_resumed_text_whose_turn_rasa_already_saved_is_not_run_again(database_url: str) -> None:
    sender = identity.sms_id(PERSON)
    store = DatabaseUrlTrackerStore(domain=Domain.empty(), host=database_url)
    # The dead instance ran the turn of SM-saved to its end (Rasa saved it), then died before
    # marking it done; it had claimed SM-unsaved too and died before Rasa saved that one.
    await store.save(DialogueStateTracker.from_events(sender, [UserUttered("first", message_id="twilio:SM-saved")]))
    for sid, words in (("SM-saved", "first"), ("SM-unsaved", "second")):
        person = inbox.record_inbound("twilio", f"twilio:{sid}", sender, words, {"message_sid": sid})
        assert person and inbox.claim_next("twilio", person, f"dead/{sid}", timedelta(seconds=-1))
    turns = Turns()
    channel = sms_channel("")
    try:
        async with serving(channel, turns, agent=SimpleNamespace(tracker_store=store)):
            await until(lambda: all(done is not None for _, done in inbox_rows()))
    finally:
        store.engine.dispose()
    assert turns.texts == ["second"]


# --- Slack -------------------------------------------------------------------------------------


async def write_on_slack(base: str, event_id: str, words: str) -> httpx.Response:
    """A direct message as Slack's Events API posts it, signed with the app's signing secret."""
    body = json.dumps({
        "type": "event_callback", "team_id": "T0TEAM", "event_id": event_id,
        "event": {"type": "message", "channel_type": "im", "user": "U0USER", "text": words, "channel": "D0DM",
                  "ts": "1700000000.000100"},
    }).encode()  # fmt: skip
    stamp = str(int(time.time()))
    digest = hmac.new(SLACK_SECRET.encode(), f"v0:{stamp}:".encode() + body, hashlib.sha256).hexdigest()
    headers = {
        "Content-Type": "application/json",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": f"v0={digest}",
    }
    async with httpx.AsyncClient() as client:
        return await client.post(f"{base}/webhooks/slack/webhook", content=body, headers=headers, timeout=60)


@pytest.mark.asyncio
async def test_the_slack_webhook_stores_the_message_answers_then_runs_its_turn_once(database_url: str) -> None:
    turns = Turns()
    turns.hold.clear()
    channel = SlackChannelInput("xoxb-test", slack_signing_secret=SLACK_SECRET, api_base_url="http://127.0.0.1:9/api/")
    async with serving(channel, turns) as base:
        with writes_held(database_url):
            answer = asyncio.create_task(write_on_slack(base, "Ev0001", "talk to a person"))
            await asyncio.sleep(1.0)
            assert not answer.done(), "Slack was answered before the message was stored"
        assert (await answer).status_code == 200
        assert [key for key, _ in inbox_rows()] == ["slack:event:Ev0001"]
        repeat = await write_on_slack(base, "Ev0001", "talk to a person")
        assert repeat.status_code == 200 and repeat.headers["X-Slack-No-Retry"] == "1"
        await until(lambda: turns.texts == ["talk to a person"])
        [message] = turns.messages
        assert message.sender_id == "slack:T0TEAM:U0USER" and message.message_id == "slack:event:Ev0001"
        assert message.metadata is not None and message.metadata["out_channel"] == "D0DM"
        turns.hold.set()
        await until(lambda: inbox_rows()[0][1] is not None)
    assert turns.texts == ["talk to a person"]
