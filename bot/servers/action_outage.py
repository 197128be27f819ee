"""When the action server cannot run a turn's action, the person is told so, once, and asked to send again.

Rasa 3.6 (``MessageProcessor._run_action``) logs a failed custom action and goes on "without the
action's events": the person gets no reply at all, or the next rule's reply with what they asked
for silently undone (a question they wanted saved is not saved, and nothing says so). Here:

- a call that could not even connect (the action server is restarting: the keeper brings it back in
  1.5-4 s, ``make test-faults``) is tried again for up to ``CONNECT_RETRY_SECONDS``; nothing reached
  the server, so nothing can run twice. Any other failure (a cut reply, a 5xx, a timeout) is not
  tried again: the action may have run;
- when the action still did not run, the turn ends there: the person gets ``ACTION_SERVER_DOWN``
  (wait a minute, send that again, what you saved is safe, 911 for an emergency), once per
  message however many actions of the turn fail, and the conversation listens again, so their
  next message is read afresh and any form they were in is still where it was.

The person's message itself is in the conversation already (the tracker store saves the turn), so
nothing they sent is lost; what the failed action would have done is asked for again.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.core.processor import MessageProcessor
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.logic.messages import ACTION_SERVER_DOWN
from bot.servers.replacing import replace_once

logger = logging.getLogger(__name__)

CONNECT_RETRY_SECONDS = 6.0
FIRST_RETRY_DELAY = 0.25
MAX_RETRY_DELAY = 1.0
# Marks the reply in the tracker, so a second failing action of the same turn does not repeat it.
OUTAGE_METADATA_KEY = "action_server_unavailable"

# Set by a failed action call, read by the processor step that ran it (the same task).
_failed_action: contextvars.ContextVar[str | None] = contextvars.ContextVar("failed_action", default=None)

RemoteRun = Callable[..., Awaitable[list[Any]]]
RunAction = Callable[..., Awaitable[bool]]


def never_reached_the_server(exc: BaseException) -> bool:
    """True when the call failed while connecting, before a byte of the request was sent."""
    cause = exc.__cause__ or exc.__context__
    return isinstance(exc, aiohttp.ClientConnectorError) or isinstance(cause, aiohttp.ClientConnectorError)


def retrying_connects(run: RemoteRun, retry_seconds: float = CONNECT_RETRY_SECONDS) -> RemoteRun:
    """``RemoteAction.run`` that waits out an action server that is not accepting connections yet."""

    @functools.wraps(run)
    async def remote_run(self: RemoteAction, *args: Any, **kwargs: Any) -> list[Any]:
        deadline = time.monotonic() + retry_seconds
        delay = FIRST_RETRY_DELAY
        while True:
            try:
                return await run(self, *args, **kwargs)
            except ActionExecutionRejection:
                raise  # the action server answered: a form's "not this slot", handled by Rasa
            except Exception as exc:
                if never_reached_the_server(exc) and time.monotonic() + delay < deadline:
                    await asyncio.sleep(delay)
                    delay = min(MAX_RETRY_DELAY, delay * 2)
                    continue
                _failed_action.set(self.name())
                raise

    remote_run.outage_aware = True  # type: ignore[attr-defined]
    return remote_run


def told_since_last_message(tracker: DialogueStateTracker) -> bool:
    """Whether this message has already had the outage reply."""
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, BotUttered) and event.metadata.get(OUTAGE_METADATA_KEY):
            return True
    return False


def ending_the_turn_on_outage(run_action: RunAction) -> RunAction:
    """``MessageProcessor._run_action`` that answers and listens when the action did not run."""

    @functools.wraps(run_action)
    async def guarded(self: MessageProcessor, action: Any, tracker: DialogueStateTracker, output_channel: Any,
                      *args: Any, **kwargs: Any) -> bool:  # fmt: skip
        reset = _failed_action.set(None)
        try:
            predict_another = await run_action(self, action, tracker, output_channel, *args, **kwargs)
            failed = _failed_action.get()
        finally:
            _failed_action.reset(reset)
        if failed is None:
            return predict_another
        # Rasa has logged the failure with its traceback; this says what the person was told.
        logger.warning("The action server did not run %s; the person is asked to send their message again.", failed)
        if not told_since_last_message(tracker):
            reply = BotUttered(ACTION_SERVER_DOWN, metadata={OUTAGE_METADATA_KEY: True})
            tracker.update(reply)
            await self.execute_side_effects([reply], tracker, output_channel)
        tracker.update(ActionExecuted(ACTION_LISTEN_NAME))
        return False

    guarded.outage_aware = True  # type: ignore[attr-defined]
    return guarded


def install() -> None:
    """Every action call of this process waits out a restart and ends the turn kindly when it cannot."""
    run, run_action = RemoteAction.run, MessageProcessor._run_action
    replace_once(RemoteAction, "run", retrying_connects(run), "outage_aware")
    replace_once(MessageProcessor, "_run_action", ending_the_turn_on_outage(run_action), "outage_aware")
