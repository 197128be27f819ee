"""The durable inbox as a channel uses it: store before answering, then each person's turns in order, once.

The SMS and Slack webhooks call :meth:`DurableInbox.accept` before they answer: the message is
committed to ``inbox_messages`` (``bot.persistence.inbox``) or the webhook answers 503 and Twilio
or Slack knows it was not taken. Then the person's drain claims their oldest unfinished message,
runs the channel's turn for it (keywords, limits, choices, Rasa's turn and its replies), and marks
it done; it renews the claim while the turn runs, so a slow turn keeps it and a dead instance's
lease runs out. At the server's start, and every ``sweep_interval`` after, the sweep wakes everyone
with a message nobody holds, which is how an instance resumes what another left half-done.

Exactly once, with two windows, both only when a process dies or stalls:

- the turn finished (replies sent, Rasa's tracker saved) but the process died before
  :func:`bot.persistence.inbox.mark_done` committed. A resumed message first asks
  :func:`turn_saved`: Rasa saves the tracker at the end of a turn, with the user event carrying
  the delivery id as its ``message_id``, so a turn that got that far is not run again. Only a
  death between Rasa's last reply and its tracker save repeats the turn (the person gets the
  replies twice);
- a turn that holds its claim longer than the lease without renewing it (the event loop blocked
  for the whole lease, or the database unreachable for it) can be claimed by another instance
  while it still runs.

A turn that raises is logged and marked done, not retried: the inbox protects against a process
dying, and running a failing turn again would fail again (or half-apply twice). Except a turn that
could not start for want of a service (:func:`could_not_start`: no lock ticket because Redis is
away, PostgreSQL away past the repository's own wait): nothing of it ran, so the message is put back
and tried again after :data:`RETRY_AFTER`, however long the outage lasts, the person's later
messages waiting behind it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from rasa.core.lock_store import LockError
from rasa.shared.core.events import UserUttered
from sanic import Blueprint

from bot.channels.durable import PersonQueue, Rows, on_server
from bot.persistence import inbox
from bot.persistence.db import get_engine, is_outage, run_sync
from bot.persistence.inbox import Inbound

logger = logging.getLogger(__name__)

Handler = Callable[[Inbound], Awaitable[None]]

DEFAULT_LEASE = 60.0  # seconds a claim holds without renewal; renewed every third of it
DEFAULT_SWEEP_INTERVAL = 30.0
RETRY_AFTER = timedelta(seconds=15)  # a turn that could not start: how soon it is tried again
STOP_GRACE = 10.0  # seconds a stopping server lets turns in progress finish
# The sweep also forgets the delivery ids of old finished messages.
_ROWS = Rows(claim_next=inbox.claim_next, people_due=inbox.people_waiting, prune=inbox.prune)


class DurableInbox(PersonQueue[Inbound]):
    """One channel's inbox in this process (the SMS channel's, the Slack channel's)."""

    def __init__(
        self,
        channel: str,
        handler: Handler | None = None,
        worker_id: str | None = None,
        lease: float = DEFAULT_LEASE,
        sweep_interval: float = DEFAULT_SWEEP_INTERVAL,
    ) -> None:
        super().__init__("inbox", channel, _ROWS, worker_id, lease, sweep_interval)
        self.handler = handler

    def attach(self, blueprint: Blueprint, make_handler: Callable[[Any], Handler]) -> None:
        """Handle messages with ``make_handler(app)`` and resume and sweep while the server runs."""

        def bind(app: Any) -> None:
            self.handler = make_handler(app)

        on_server(blueprint, bind, self.sweeper.start, self.stop)

    async def accept(self, key: str | None, sender: str, text: str, metadata: dict[str, Any], seen: bool) -> bool:
        """Store a message before its webhook answers and start its turn; False when it is a repeat.

        ``seen``: the dedupe (``bot.channels.dedupe``) saw ``key`` before. Its word is checked
        against the inbox, because the dedupe also remembers a delivery whose storing failed
        (answered 503), and the provider's retry of it must be stored, not dropped. Raises when the
        database cannot store it: the webhook must then not acknowledge the message.
        """
        if key is not None and seen and await run_sync(inbox.holds, self.channel, key):
            return False
        person = await run_sync(inbox.record_inbound, self.channel, key, sender, text, metadata)
        if person is None:
            return False
        self.drains.wake(person)
        return True

    async def stop(self) -> None:
        """The server stops: no more sweeps; turns in progress get :data:`STOP_GRACE` to finish."""
        await self.sweeper.stop()
        try:
            await asyncio.wait_for(self.drains.idle(), STOP_GRACE)
        except asyncio.TimeoutError:
            self.drains.cancel()  # their messages stay claimed: resumed once the lease runs out

    async def _work(self, message: Inbound) -> bool:
        """Run the message's turn and mark it done, or put it back when the turn could not start.

        Always True, so the drain looks for the person's next message: one put back is held until
        its retry time, and the messages behind it wait with it.
        """
        if self.handler is None:
            raise RuntimeError("the inbox has no handler: attach() it to the channel's blueprint")
        renewing = asyncio.create_task(self._keep_claim(message))
        try:
            await self.handler(message)
        except Exception as exc:
            if could_not_start(exc):
                renewing.cancel()
                await self._put_back(message, type(exc).__name__)
                return True
            logger.error("inbox %s: the turn of message %d failed (%s)", self.channel, message.id, type(exc).__name__)
        finally:
            renewing.cancel()
        await run_sync(inbox.mark_done, message.id, message.claim)
        return True

    async def _put_back(self, message: Inbound, kind: str) -> None:
        seconds = RETRY_AFTER.total_seconds()
        logger.warning("inbox %s: message %d waits, its turn could not start (%s); tried again in %.0f s",
                       self.channel, message.id, kind, seconds)  # fmt: skip
        try:
            await run_sync(inbox.put_back, message.id, message.claim, RETRY_AFTER)
        except Exception as exc:  # the database is away too: the claim's lease runs out instead
            logger.warning("inbox %s: could not put message %d back (%s)", self.channel, message.id,
                           type(exc).__name__)  # fmt: skip

    async def _keep_claim(self, message: Inbound) -> None:
        while True:
            await asyncio.sleep(self.lease.total_seconds() / 3)
            try:
                if not await run_sync(inbox.renew, message.id, message.claim, self.lease):
                    logger.warning("inbox %s: message %d is no longer claimed by this turn", self.channel, message.id)
                    return
            except Exception as exc:
                name = type(exc).__name__
                logger.warning("inbox %s: could not renew message %d (%s)", self.channel, message.id, name)


def could_not_start(exc: BaseException) -> bool:
    """The turn failed for want of a service, before any of it ran: worth another try later.

    Rasa takes the person's lock first: a ``LockError`` (Redis away past the lock store's wait,
    bot.rasa_ext.lock_store) means nothing of the turn ran. A PostgreSQL outage past the
    repository's wait (bot.persistence.db) is the same kind. Anything else is the turn's own failure.
    """
    return isinstance(exc, LockError) or is_outage(exc, get_engine().url)


async def turn_saved(agent: Any, message: Inbound) -> bool:
    """Did an earlier claim's turn of this resumed message reach Rasa's tracker save (its replies sent)?

    The channels give Rasa the delivery id as the user message's ``message_id``; Rasa saves the
    tracker once the turn's replies are out. Only for resumed messages: it reads the tracker.
    """
    if not message.resumed or message.key is None or getattr(agent, "tracker_store", None) is None:
        return False
    try:
        tracker = await agent.tracker_store.retrieve(message.sender)
    except Exception as exc:
        logger.warning("inbox %s: could not read the tracker of message %d (%s)", message.channel, message.id,
                       type(exc).__name__)  # fmt: skip
        return False
    if tracker is None:
        return False
    return any(isinstance(event, UserUttered) and event.message_id == message.key for event in tracker.events)
