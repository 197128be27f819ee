"""The website widget's channel: Rasa's socket.io connector, fixed and made loss-tolerant.

**Sessions the server signed.** Rasa's channel speaks as whatever ``session_id`` the browser sends,
so anyone could write into (and read the replies of) someone else's conversation. Here a socket is
bound at ``session_request`` to a session token the server signed (:mod:`bot.channels.widget_session`):
the one the browser kept (a reload resumes it), else the fresh one the chat page got from the web
app (``?advocate_session=`` on the socket URL), else a new one; a forged or client-chosen id is
replaced. Every message on that socket is then the conversation ``web:<key>`` of that session,
whatever its ``session_id`` field says, after the inbound limits (:mod:`bot.channels.inbound_limits`).

Rasa 3.6's ``SocketIOInput`` with ``session_persistence: true`` (which the widget needs so a page
reload keeps the same conversation) calls ``sio.enter_room(...)`` without ``await``. From
python-socketio 5.10 ``enter_room`` is a coroutine, so the socket never joins its session's room
and no reply arrives (RasaHQ/rasa#13027). The project pins python-socketio 5.9.0, where it is a
plain call; this channel works with both, awaiting the result when it is awaitable.

It also shows the bot's line breaks (the widget renders markdown, where a single newline is a
space), and keeps replies that find nobody listening: when the bot (or an advocate, through
``output_channel=latest``) sends to a session whose socket is gone (a reload, a phone that lost
signal), the message is held, and delivered as soon as that session reconnects (its next
``session_request``). Rasa would emit it into an empty room and it would be lost, although the
tracker has it. Held messages live in this process (:class:`LocalDelivery`), at most
:data:`MAX_PENDING` per session for :data:`PENDING_TTL` seconds.

**Several instances** (``REDIS_URL`` set, :class:`RedisDelivery`): emits go through Redis
(bot.channels.socketio_redis), so a reply sent on one instance (an advocate's, which comes in
through Rasa's HTTP API on any instance) reaches the widget connected to another, and "is anyone
connected" and the held messages are in Redis too, so a message held on one instance is delivered
once, by whichever instance the widget reconnects to. Sticky sessions are still needed, for
socket.io's HTTP long-polling (each poll must reach the instance that holds the socket).
**When Redis fails**, each instance carries on alone, as a single instance does (logged): it
delivers to the sockets connected to it and holds the rest in its own memory. So a message for a
widget connected to another instance is held where it was sent and reaches the widget only if it
reconnects there (the tracker has it either way). A socket whose presence could not be registered
is counted again at the next lease renewal once Redis is back.

The channel keeps Rasa's name ("socketio") and its events (``session_request``/``session_confirm``,
``user_uttered``/``bot_uttered``), which the rasa-webchat widget speaks.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
import os
import re
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs

import rasa.core.channels.channel
import redis
from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from bot.channels import inbound_limits, widget_session
from bot.channels.socketio_redis import PRESENCE_LEASE, REDIS_KEY_PREFIX, JsonRedisManager, RedisMailbox

logger = logging.getLogger(__name__)

MAX_PENDING = 50
PENDING_TTL = 3600.0
DEFAULT_NAMESPACE = "/"
_SINGLE_NEWLINE = re.compile(r"(?<!\n)\n(?!\n)")
_BARE_BRACKETS = re.compile(r"(?<!\\)\[([^\]\n]*)\](?![(:\[])")


def widget_markdown(text: str) -> str:
    """The bot's plain text as the widget's markdown shows it as meant.

    The widget renders markdown, where a single newline is only a space (the bot means a new
    line: lists, letters, addresses) and "[Ask Me 3]" is a link reference (the bot means brackets).
    Real links, "[text](url)", are left alone.
    """
    text = _BARE_BRACKETS.sub(r"\\[\1\\]", text)
    return _SINGLE_NEWLINE.sub("  \n", text)


class PendingMessages:
    """Bot messages waiting for their session to reconnect, oldest first, dropped after the TTL."""

    def __init__(self, max_per_session: int = MAX_PENDING, ttl: float = PENDING_TTL) -> None:
        self.max_per_session = max_per_session
        self.ttl = ttl
        self._held: dict[str, deque[tuple[float, Any]]] = {}

    def hold(self, session_id: str, message: Any) -> None:
        self._expire()
        self._held.setdefault(session_id, deque(maxlen=self.max_per_session)).append((time.monotonic(), message))

    def take(self, session_id: str) -> list[Any]:
        self._expire()
        return [message for _, message in self._held.pop(session_id, ())]

    def _expire(self) -> None:
        cutoff = time.monotonic() - self.ttl
        for session_id in [s for s, queue in self._held.items() if not queue or queue[-1][0] < cutoff]:
            del self._held[session_id]


def has_listeners(sio: AsyncServer, room: str, namespace: str | None = None) -> bool:
    try:
        return any(True for _ in sio.manager.get_participants(namespace or DEFAULT_NAMESPACE, room))
    except KeyError:  # nobody ever connected to the namespace
        return False


class LocalDelivery:
    """One instance: emit to the sockets connected to this process, else hold the message here."""

    def __init__(self, sio: AsyncServer, event: str) -> None:
        self.sio = sio
        self.event = event
        self.pending = PendingMessages()

    async def send(self, conversation_id: str, message: Any) -> None:
        if has_listeners(self.sio, conversation_id):
            # This process's sockets only (ignore_queue): RedisDelivery falls back here when Redis fails.
            await self.sio.emit(self.event, message, room=conversation_id, ignore_queue=True)
            return
        self.pending.hold(conversation_id, message)
        logger.debug("socket.io: session not connected; message held until it reconnects")

    async def joined(self, conversation_id: str, sid: str) -> list[Any]:
        """``sid`` now listens to ``conversation_id``: the messages held for it, to send it now."""
        return self.pending.take(conversation_id)

    async def left(self, sid: str) -> None:
        """``sid`` disconnected (python-socketio forgets its rooms itself)."""


class RedisDelivery(LocalDelivery):
    """Several instances: emits through Redis, presence and held messages in Redis (module docstring)."""

    def __init__(self, sio: AsyncServer, event: str, mailbox: RedisMailbox) -> None:
        super().__init__(sio, event)
        self.mailbox = mailbox
        self.sockets: dict[str, str] = {}  # this instance's sockets: sid -> conversation id
        self._keep_alive: asyncio.Task[None] | None = None

    async def send(self, conversation_id: str, message: Any) -> None:
        try:
            # A socket here is enough to emit (and heals a presence Redis missed); else ask Redis.
            if has_listeners(self.sio, conversation_id) or not await self.mailbox.hold_unless_connected(
                conversation_id, message
            ):
                await self.sio.emit(self.event, message, room=conversation_id)
            return
        except redis.RedisError as exc:
            logger.warning("socket.io: Redis unavailable (%s); delivering from this instance only", type(exc).__name__)
        await super().send(conversation_id, message)

    async def joined(self, conversation_id: str, sid: str) -> list[Any]:
        self.sockets[sid] = conversation_id
        if self._keep_alive is None:
            self._keep_alive = asyncio.get_running_loop().create_task(self.mailbox.keep_alive(self.sockets))
        held_here = await super().joined(conversation_id, sid)  # held here while Redis was failing
        try:
            return await self.mailbox.join(conversation_id, sid) + held_here
        except redis.RedisError as exc:
            logger.warning("socket.io: Redis unavailable (%s); only this instance's held messages", type(exc).__name__)
            return held_here

    async def left(self, sid: str) -> None:
        conversation_id = self.sockets.pop(sid, None)
        if conversation_id is None:
            return
        try:
            await self.mailbox.leave(conversation_id, sid)
        except redis.RedisError as exc:  # its lease runs out by itself
            logger.warning("socket.io: Redis unavailable (%s) at a disconnect", type(exc).__name__)


class WidgetSocketIOOutput(SocketIOOutput):
    """Rasa's socket.io output, delivering through the channel's delivery (held when nobody listens)."""

    def __init__(self, sio: AsyncServer, bot_message_evt: str, delivery: LocalDelivery) -> None:
        super().__init__(sio, bot_message_evt)
        self.delivery = delivery

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await super().send_text_message(recipient_id, widget_markdown(text), **kwargs)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await super().send_text_with_buttons(recipient_id, widget_markdown(text), buttons, **kwargs)

    async def _send_message(self, socket_id: str, response: Any) -> None:
        await self.delivery.send(socket_id, response)


def choose_session(requested: object, offered: object) -> str:
    """The session token a socket is bound to: never one the server did not sign.

    ``requested`` is what the browser kept from an earlier visit (a reload resumes it);
    ``offered`` the fresh one the chat page was given by the web app. A forged, unsigned or
    client-chosen id is replaced by a new session, so the browser starts a conversation of its own.
    """
    if widget_session.session_key(requested):
        return str(requested)
    if requested:
        logger.info("socket.io: a session id the server did not sign was replaced by a new session")
    if widget_session.session_key(offered):
        return str(offered)
    return widget_session.issue()


def _metadata(raw: Any) -> dict[str, Any]:
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return {}
    return raw if isinstance(raw, dict) else {}


class WidgetSocketIOInput(SocketIOInput):
    """Rasa's SocketIOInput with the ``enter_room`` fix and held messages (module docstring)."""

    presence_lease = PRESENCE_LEASE

    def __init__(
        self, *args: Any, redis_url: str | None = None, redis_key_prefix: str = REDIS_KEY_PREFIX, **kwargs: Any
    ) -> None:
        """Rasa's arguments; Redis from ``REDIS_URL`` unless given (tests give their own key prefix)."""
        super().__init__(*args, **kwargs)
        self.redis_url = redis_url or os.environ.get("REDIS_URL") or None
        self.redis_key_prefix = redis_key_prefix
        self.delivery: LocalDelivery | None = None
        self.limits = inbound_limits.shared()

    def get_output_channel(self) -> WidgetSocketIOOutput | None:
        if self.sio is None or self.delivery is None:
            return super().get_output_channel()  # Rasa's warning: no server in this process
        return WidgetSocketIOOutput(self.sio, self.bot_message_evt, self.delivery)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        sio = self.serve("sanic", on_new_message)
        socketio_webhook = SocketBlueprint(sio, self.socketio_path, "socketio_webhook", __name__)

        @socketio_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        return socketio_webhook

    def serve(self, async_mode: str, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> AsyncServer:
        """This channel's socket.io server: Rasa's Sanic app mounts it (:meth:`blueprint`), tests use aiohttp."""
        # cors_allowed_origins as Rasa's: an empty list lets Sanic-CORS (rasa run --cors) answer
        # cross-origin requests.
        delivery: LocalDelivery
        if self.redis_url:
            manager = JsonRedisManager(self.redis_url, channel=f"{self.redis_key_prefix}socketio")
            sio = AsyncServer(async_mode=async_mode, cors_allowed_origins=[], client_manager=manager)
            mailbox = RedisMailbox(self.redis_url, self.redis_key_prefix, self.presence_lease)
            delivery = RedisDelivery(sio, self.bot_message_evt, mailbox)
        else:
            sio = AsyncServer(async_mode=async_mode, cors_allowed_origins=[])
            delivery = LocalDelivery(sio, self.bot_message_evt)
        self.sio, self.delivery = sio, delivery

        @sio.on("connect", namespace=self.namespace)
        async def connect(sid: str, environ: dict[str, Any], auth: dict[str, Any] | None) -> bool:
            if self.jwt_key:
                token = (auth or {}).get("token")
                payload = (
                    rasa.core.channels.channel.decode_bearer_token(token, self.jwt_key, self.jwt_algorithm)
                    if token
                    else None
                )
                if not payload:
                    return False
            # The session the chat page was given by the web app, for a browser that has none yet.
            offered = parse_qs(environ.get("QUERY_STRING") or "").get(widget_session.OFFER_PARAM, [None])[0]
            await sio.save_session(sid, {"offered": offered}, namespace=self.namespace)
            return True

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, data: dict[str, Any] | None) -> None:
            """Bind this socket to a session the server signed: the browser's own, the page's, or a new one."""
            state = await sio.get_session(sid, namespace=self.namespace)
            token = choose_session(data.get("session_id") if isinstance(data, dict) else None, state.get("offered"))
            conversation_id = widget_session.conversation_id(token)
            await sio.save_session(sid, {"conversation_id": conversation_id}, namespace=self.namespace)
            joined = sio.enter_room(sid, conversation_id, namespace=self.namespace)
            if inspect.isawaitable(joined):  # python-socketio >= 5.10
                await joined
            # The widget keeps the token and shows a fresh chat when it differs from the one it sent.
            # The socket is in this process: no need to go through Redis (ignore_queue).
            await sio.emit("session_confirm", token, room=sid, namespace=self.namespace, ignore_queue=True)
            for message in await delivery.joined(conversation_id, sid):
                await sio.emit(self.bot_message_evt, message, room=sid, namespace=self.namespace, ignore_queue=True)

        @sio.on("disconnect", namespace=self.namespace)
        async def disconnect(sid: str) -> None:
            await delivery.left(sid)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: str, data: dict[str, Any]) -> None:
            # The socket speaks only as the session bound to it; data["session_id"] is not trusted.
            sender_id = (await sio.get_session(sid, namespace=self.namespace)).get("conversation_id")
            if not sender_id:
                logger.warning("socket.io: a message before session_request was ignored")
                return
            data = data if isinstance(data, dict) else {}
            output = WidgetSocketIOOutput(sio, self.bot_message_evt, delivery)
            text = data.get("message")
            admission = self.limits.admit(sender_id, text if isinstance(text, str) else "")
            if admission.notice:
                await output.send_text_message(sender_id, admission.notice)
            if not admission.allowed:
                return
            await on_new_message(
                UserMessage(
                    admission.text,
                    output,
                    sender_id,
                    input_channel=self.name(),
                    metadata=_metadata(data.get(self.metadata_key)),
                )
            )

        return sio
