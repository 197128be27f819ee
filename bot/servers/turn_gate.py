"""A few turns in progress at once in a Rasa process; the others wait their turn, first come first served.

Rasa 3.6 starts every incoming message's turn at once, and they all share one event loop. Reading
the message (spaCy, DIET, the response selector) and predicting run on that loop without
yielding; the tracker store and every action call yield. With twenty conversations at once, each
time a turn yields it goes back behind every other turn's next piece of work, so a turn that
calls the action server three times (a form starting: the journey's action, the validation, the
question) waits in that queue four times, and a turn with no call once. That is why this
project's slowest 5% of turns were about twice the typical one under load while the bare moodbot's
(which never yields) were not (README, "How fast it is").

Here at most ``RASA_TURNS_AT_ONCE`` (2 by default) turns are in progress; the next waits at the door in arrival order
(``anyio.CapacityLimiter`` is first in, first out). A turn inside waits behind at most a couple of
others when it comes back from a call, and the time spent at the door is the same for a turn of
any kind. Two or more in progress keep both cores busy: while one turn waits for the action
server (the other core), another reads its message.

The gate wraps ``MessageProcessor.handle_message``, which every channel (REST, socket.io, Twilio,
Slack) reaches through ``Agent.handle_message`` after taking the conversation's lock: a second
message of the same person waits on that lock, not in a slot, so it cannot hold one while the
first is handled.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import anyio
from rasa.core.processor import MessageProcessor

from bot.servers.replacing import replace_once
from bot.servers.settings import env_number

TURNS_AT_ONCE_VARIABLE = "RASA_TURNS_AT_ONCE"
# Measured with `make bench-load` on 2 cores (README, "How fast it is").
DEFAULT_TURNS_AT_ONCE = 2

HandleMessage = Callable[..., Awaitable[Any]]


def turns_at_once(environ: Mapping[str, str]) -> int:
    """How many turns may be in progress at once; 0 means no limit (Rasa's own behaviour)."""
    try:
        value = env_number(environ, TURNS_AT_ONCE_VARIABLE, DEFAULT_TURNS_AT_ONCE, int)
    except ValueError as exc:  # the server does not start: say why, without a traceback
        raise SystemExit(f"error: {exc}") from None
    if value < 0:
        raise SystemExit(f"error: {TURNS_AT_ONCE_VARIABLE} must be 0 (no limit) or more, not {value}")
    return value


def gated(handle_message: HandleMessage, slots: int) -> HandleMessage:
    """``handle_message`` that waits, in arrival order, until fewer than ``slots`` turns are in progress."""
    # Created on first use: the limiter belongs to the event loop that Sanic runs.
    limiter: list[anyio.CapacityLimiter] = []

    @functools.wraps(handle_message)
    async def handle_in_turn(self: MessageProcessor, message: Any) -> Any:
        if not limiter:
            limiter.append(anyio.CapacityLimiter(slots))
        async with limiter[0]:
            return await handle_message(self, message)

    handle_in_turn.turn_slots = slots  # type: ignore[attr-defined]
    return handle_in_turn


def install(environ: Mapping[str, str] | None = None) -> None:
    """Limit this process's turns in progress to ``RASA_TURNS_AT_ONCE`` (default 2; 0: no limit)."""
    slots = turns_at_once(os.environ if environ is None else environ)
    if slots:
        replace_once(MessageProcessor, "handle_message", gated(MessageProcessor.handle_message, slots), "turn_slots")
