"""The widget channel on two instances sharing Redis: two socket.io servers, a real socket.io client.

Each "instance" is the channel's own socket.io server (``WidgetSocketIOInput.serve``, the handlers
Rasa's Sanic app mounts) on an aiohttp server of its own on a free port; Rasa's turn is replaced by
an echo. The Redis is the real one at TEST_REDIS_URL (.ci/run sets it; skipped without), with a key
prefix (and so a pub/sub channel) per test, because the suite runs in parallel; the tests of a Redis
that goes down use a redis-server of their own.
"""

from __future__ import annotations

import asyncio
import json
import os
import pickle
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
import redis
import socketio
from aiohttp import web
from rasa.core.channels.channel import UserMessage

from bot.channels import widget_session
from bot.channels.socketio import RedisDelivery, WidgetSocketIOInput
from bot.channels.socketio_redis import MAX_HELD, RedisMailbox
from tests.channels.private_redis import private_redis

REDIS_URL = os.environ.get("TEST_REDIS_URL", "")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="TEST_REDIS_URL is not set (.ci/run sets it)")
WAIT = 5.0  # seconds a message may take to arrive
QUIET = 0.5  # seconds without a message that count as "nothing more came"


class Instance:
    """One Rasa instance's widget channel, served on 127.0.0.1 at ``url``."""

    def __init__(self, redis_url: str, prefix: str, lease: float | None = None) -> None:
        self.channel = WidgetSocketIOInput(session_persistence=True, redis_url=redis_url, redis_key_prefix=prefix)
        if lease is not None:
            self.channel.presence_lease = lease
        self.app = web.Application()
        self.channel.serve("aiohttp", self._turn).attach(self.app)
        self.runner = web.AppRunner(self.app)
        self.url = ""

    async def _turn(self, message: UserMessage) -> None:
        """Rasa's turn, reduced to its reply."""
        assert message.output_channel is not None
        await message.output_channel.send_text_message(message.sender_id, f"you said: {message.text}")

    async def start(self) -> None:
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", 0).start()
        host, port = self.runner.addresses[0][:2]
        self.url = f"http://{host}:{port}"

    async def send(self, conversation_id: str, text: str) -> None:
        """What Rasa does for an advocate's reply that reached this instance's HTTP API."""
        output = self.channel.get_output_channel()
        assert output is not None
        await output.send_text_message(conversation_id, text)


class Widget:
    """The browser's widget: a python-socketio client speaking rasa-webchat's events."""

    def __init__(self) -> None:
        self.token = widget_session.issue()
        conversation_id = widget_session.conversation_id(self.token)
        assert conversation_id is not None
        self.conversation_id = conversation_id
        self.client = socketio.AsyncClient(reconnection=False)
        self.received: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.confirmed: asyncio.Queue[str] = asyncio.Queue()
        self.client.on("bot_uttered", self.received.put)
        self.client.on("session_confirm", self.confirmed.put)

    async def open(self, instance: Instance) -> None:
        # Long-polling: python-engineio 4.15's websocket client needs a newer aiohttp than Rasa pins.
        await self.client.connect(instance.url, transports=["polling"])
        await self.client.emit("session_request", {"session_id": self.token})
        assert await asyncio.wait_for(self.confirmed.get(), WAIT) == self.token  # its own session, resumed

    async def close(self) -> None:
        """Close the page. On long-polling the server may only notice at its ping timeout (45 s):
        a test that needs it noticed drops the socket on the server (:func:`drop`)."""
        await self.client.disconnect()
        self.client = socketio.AsyncClient(reconnection=False)
        self.client.on("bot_uttered", self.received.put)
        self.client.on("session_confirm", self.confirmed.put)

    async def next_text(self) -> str:
        return str((await asyncio.wait_for(self.received.get(), WAIT))["text"])

    async def nothing_more(self) -> bool:
        await asyncio.sleep(QUIET)
        return self.received.empty()


@asynccontextmanager
async def instances(redis_url: str, count: int = 2, lease: float | None = None) -> AsyncIterator[list[Instance]]:
    prefix = f"test:{uuid.uuid4().hex}:"
    started = [Instance(redis_url, prefix, lease) for _ in range(count)]
    for instance in started:
        await instance.start()
    try:
        yield started
    finally:
        for instance in started:
            await instance.runner.cleanup()
        keys = redis.Redis.from_url(redis_url).keys(f"{prefix}*") if redis_url == REDIS_URL else []
        if keys:
            redis.Redis.from_url(redis_url).delete(*keys)


def prefix_of(instance: Instance) -> str:
    return instance.channel.redis_key_prefix


@needs_redis
def test_a_reply_sent_on_one_instance_reaches_the_widget_connected_to_another() -> None:
    async def scenario() -> None:
        async with instances(REDIS_URL) as (a, b):
            widget = Widget()
            await widget.open(b)

            await a.send(widget.conversation_id, "An advocate replied.\nSee you soon.")
            assert await widget.next_text() == "An advocate replied.  \nSee you soon."

            await widget.client.emit("user_uttered", {"message": "hello", "session_id": widget.token})
            assert await widget.next_text() == "you said: hello"  # its own turn, on its instance
            assert await widget.nothing_more()  # each once
            assert redis.Redis.from_url(REDIS_URL).llen(f"{prefix_of(a)}held:{widget.conversation_id}") == 0
            await widget.close()

    asyncio.run(scenario())


@needs_redis
def test_a_message_held_on_one_instance_is_delivered_once_by_the_one_the_widget_reconnects_to() -> None:
    async def scenario() -> None:
        async with instances(REDIS_URL) as (a, b):
            widget = Widget()
            await a.send(widget.conversation_id, "Your advocate wrote while you were away.")

            held = redis.Redis.from_url(REDIS_URL).lrange(f"{prefix_of(a)}held:{widget.conversation_id}", 0, -1)
            assert len(held) == 1 and b"away" not in held[0]  # held in Redis, sealed

            await widget.open(b)
            assert await widget.next_text() == "Your advocate wrote while you were away."
            assert await widget.nothing_more()
            await widget.close()

            await widget.open(a)  # and again, elsewhere: it was delivered already
            assert await widget.nothing_more()
            await widget.close()

    asyncio.run(scenario())


@needs_redis
def test_once_the_widget_has_left_messages_are_held_again() -> None:
    async def scenario() -> None:
        async with instances(REDIS_URL) as (a, b):
            widget = Widget()
            await widget.open(b)
            delivery = b.channel.delivery
            assert isinstance(delivery, RedisDelivery)
            (sid,) = delivery.sockets
            await b.channel.sio.disconnect(sid)  # the socket is gone: a closed tab, a ping timeout
            await widget.close()
            assert delivery.sockets == {}

            await a.send(widget.conversation_id, "Are you still there?")  # not emitted into an empty room

            await widget.open(a)
            assert await widget.next_text() == "Are you still there?"
            await widget.close()

    asyncio.run(scenario())


@needs_redis
def test_an_instance_keeps_its_widgets_connected_longer_than_a_lease() -> None:
    async def scenario() -> None:
        async with instances(REDIS_URL, lease=0.6) as (a, b):
            widget = Widget()
            await widget.open(b)
            await asyncio.sleep(1.5)  # more than two leases: only B's renewals keep the widget counted

            await a.send(widget.conversation_id, "Still here?")
            assert await widget.next_text() == "Still here?"
            await widget.close()

    asyncio.run(scenario())


@needs_redis
def test_the_sockets_of_an_instance_that_died_stop_counting_when_their_lease_runs_out() -> None:
    async def scenario() -> None:
        mailbox = RedisMailbox(REDIS_URL, f"test:{uuid.uuid4().hex}:", lease=0.5)
        conversation = widget_session.conversation_id(widget_session.issue()) or ""
        await mailbox.join(conversation, "a-socket-of-an-instance-that-was-killed")

        assert not await mailbox.hold_unless_connected(conversation, {"text": "one"})  # counted as connected
        await asyncio.sleep(0.7)
        assert await mailbox.hold_unless_connected(conversation, {"text": "two"})  # held: nobody renewed it
        assert await mailbox.join(conversation, "the-widget-back-elsewhere") == [{"text": "two"}]
        redis.Redis.from_url(REDIS_URL).delete(mailbox._presence(conversation))

    asyncio.run(scenario())


@needs_redis
def test_held_messages_are_bounded_and_expire() -> None:
    async def scenario() -> None:
        prefix = f"test:{uuid.uuid4().hex}:"
        mailbox = RedisMailbox(REDIS_URL, prefix)
        conversation = widget_session.conversation_id(widget_session.issue()) or ""
        for n in range(MAX_HELD + 5):
            assert await mailbox.hold_unless_connected(conversation, {"text": f"message {n}"})

        raw = redis.Redis.from_url(REDIS_URL)
        assert raw.llen(f"{prefix}held:{conversation}") == MAX_HELD
        assert 0 < raw.ttl(f"{prefix}held:{conversation}") <= 3600
        taken = await mailbox.join(conversation, "sid")
        assert [m["text"] for m in taken] == [f"message {n}" for n in range(5, MAX_HELD + 5)]  # the oldest gave way
        raw.delete(*raw.keys(f"{prefix}*"))

    asyncio.run(scenario())


def test_when_redis_goes_down_each_instance_delivers_and_holds_on_its_own() -> None:
    async def scenario() -> None:
        with private_redis() as server:
            async with instances(server.url) as (a, _):
                connected, away = Widget(), Widget()
                await connected.open(a)
                server.stop()

                await a.send(connected.conversation_id, "Delivered without Redis.")
                assert await connected.next_text() == "Delivered without Redis."

                await a.send(away.conversation_id, "Held here without Redis.")
                await away.open(a)
                assert await away.next_text() == "Held here without Redis."
                await connected.close()
                await away.close()

    asyncio.run(scenario())


@needs_redis
def test_the_redis_channel_never_unpickles_what_it_receives(tmp_path: Path) -> None:
    marker = tmp_path / "code-ran"

    class Payload:
        def __reduce__(self) -> tuple[Any, tuple[Path]]:
            return Path.touch, (marker,)

    async def scenario() -> None:
        async with instances(REDIS_URL, count=1) as (a,):
            widget = Widget()
            await widget.open(a)
            raw = redis.Redis.from_url(REDIS_URL)
            channel = f"{prefix_of(a)}socketio"
            raw.publish(channel, pickle.dumps(Payload()))  # what AsyncRedisManager would unpickle
            emit = {"method": "emit", "event": "bot_uttered", "data": {"text": "after it"}, "namespace": "/",
                    "room": widget.conversation_id, "skip_sid": None, "callback": None, "host_id": "elsewhere"}
            raw.publish(channel, json.dumps(emit))

            assert await widget.next_text() == "after it"  # the listener went on past it
            assert not marker.exists()
            await widget.close()

    asyncio.run(scenario())
