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
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs

import rasa.core.channels.channel
from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from bot.channels import inbound_limits, widget_session

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

    @classmethod
    def name(cls) -> str:
        return "socketio"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pending = PendingMessages()
        self.limits = inbound_limits.shared()

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
            await sio.emit("session_confirm", token, room=sid, namespace=self.namespace)
            for message in self.pending.take(conversation_id):
                await sio.emit(self.bot_message_evt, message, room=sid, namespace=self.namespace)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: str, data: dict[str, Any]) -> None:
            # The socket speaks only as the session bound to it; data["session_id"] is not trusted.
            sender_id = (await sio.get_session(sid, namespace=self.namespace)).get("conversation_id")
            if not sender_id:
                logger.warning("socket.io: a message before session_request was ignored")
                return
            data = data if isinstance(data, dict) else {}
            output = WidgetSocketIOOutput(sio, self.bot_message_evt, self.pending)
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

        return socketio_webhook
