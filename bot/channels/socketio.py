"""The website widget's channel: Rasa's socket.io connector, fixed and made loss-tolerant.

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
tracker has it. Held messages live in this process, at most :data:`MAX_PENDING` per session for
:data:`PENDING_TTL` seconds: socket.io sessions are tied to one Rasa instance anyway (sticky
sessions), see docs/CHANNELS.md.

The channel keeps Rasa's name ("socketio") and its events (``session_request``/``session_confirm``,
``user_uttered``/``bot_uttered``), which the rasa-webchat widget speaks.
"""

from __future__ import annotations

import inspect
import json
import logging
import re
import time
import uuid
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

import rasa.core.channels.channel
from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

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


class WidgetSocketIOOutput(SocketIOOutput):
    """Rasa's socket.io output, holding messages for a session nobody is connected to."""

    def __init__(self, sio: AsyncServer, bot_message_evt: str, pending: PendingMessages) -> None:
        super().__init__(sio, bot_message_evt)
        self.pending = pending

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await super().send_text_message(recipient_id, widget_markdown(text), **kwargs)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await super().send_text_with_buttons(recipient_id, widget_markdown(text), buttons, **kwargs)

    async def _send_message(self, socket_id: str, response: Any) -> None:
        if not has_listeners(self.sio, socket_id):
            self.pending.hold(socket_id, response)
            logger.debug("socket.io: session not connected; message held until it reconnects")
            return
        await self.sio.emit(self.bot_message_evt, response, room=socket_id)


class WidgetSocketIOInput(SocketIOInput):
    """Rasa's SocketIOInput with the ``enter_room`` fix and held messages (module docstring)."""

    @classmethod
    def name(cls) -> str:
        return "socketio"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pending = PendingMessages()

    def get_output_channel(self) -> WidgetSocketIOOutput | None:
        if self.sio is None:
            return super().get_output_channel()  # Rasa's warning: no server in this process
        return WidgetSocketIOOutput(self.sio, self.bot_message_evt, self.pending)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        # As Rasa's: an empty list lets Sanic-CORS (rasa run --cors) answer cross-origin requests.
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=[])
        socketio_webhook = SocketBlueprint(sio, self.socketio_path, "socketio_webhook", __name__)
        self.sio = sio

        @socketio_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sio.on("connect", namespace=self.namespace)
        async def connect(sid: str, environ: dict[str, Any], auth: dict[str, Any] | None) -> bool:
            if not self.jwt_key:
                return True
            token = (auth or {}).get("token")
            payload = (
                rasa.core.channels.channel.decode_bearer_token(token, self.jwt_key, self.jwt_algorithm)
                if token
                else None
            )
            return bool(payload)

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, data: dict[str, Any] | None) -> None:
            data = data or {}
            session_id = data.get("session_id") or uuid.uuid4().hex
            if self.session_persistence:
                joined = sio.enter_room(sid, session_id, namespace=self.namespace)
                if inspect.isawaitable(joined):  # python-socketio >= 5.10
                    await joined
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)
            for message in self.pending.take(session_id):
                await sio.emit(self.bot_message_evt, message, room=sid, namespace=self.namespace)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: str, data: dict[str, Any]) -> None:
            if self.session_persistence:
                if not data.get("session_id"):
                    logger.warning("socket.io: a message without session_id was ignored (send session_request)")
                    return
                sender_id = data["session_id"]
            else:
                sender_id = sid
            metadata = data.get(self.metadata_key) or {}
            if isinstance(metadata, str):
                metadata = json.loads(metadata)
            output = WidgetSocketIOOutput(sio, self.bot_message_evt, self.pending)
            await on_new_message(
                UserMessage(data.get("message", ""), output, sender_id, input_channel=self.name(), metadata=metadata)
            )

        return socketio_webhook
