"""The durable outbox as a channel uses it: an advocate's reply written first, then sent, retried, marked sent.

An advocate's reply reaches the person through Rasa (the web app appends it to the conversation
with ``execute_side_effects``, and Rasa hands it to the SMS or Slack output channel). Those output
channels give a message tagged ``handoff_message_id`` to :meth:`DurableOutbox.send`: it is
committed to ``outbox_messages`` (``bot.persistence.outbox``) before anything goes out, and the
call returns; so Rasa answers the web app as soon as the reply is safe, whatever Twilio or Slack
do. Delivery runs in the background in this, the Rasa, process (the one that holds the Twilio
and Slack credentials and sent these replies before): the person's drain claims their oldest
pending reply, sends its parts in order through the channel's :class:`Courier`, and records each
accepted part with the provider's id. A retryable failure (429, 5xx, the network) releases the
claim and sets the next attempt after an exponential back-off (``Retry-After`` honoured); a
refusal (4xx, opted out, out of attempts) marks it failed. The sweep, every ``poll_interval``,
wakes whoever has a reply due, so retries and replies left by a dead instance go out.

At most once per part, except for one window: the provider accepted a part and the process died
before the mark committed; the part is sent again when the lease runs out, because neither Twilio
nor Slack takes an idempotency key. And a provider that answers 5xx after accepting a message
(rare) gets it again on the retry, as any client of theirs would.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Sequence
from typing import Protocol

from sanic import Blueprint

from bot.channels.durable import Attempt, PersonQueue, Rows, on_server
from bot.persistence import outbox
from bot.persistence.db import run_sync
from bot.persistence.outbox import Outbound

logger = logging.getLogger(__name__)

DEFAULT_LEASE = 60.0
DEFAULT_POLL_INTERVAL = 2.0
DEFAULT_BASE_DELAY = 2.0
DEFAULT_MAX_DELAY = 300.0
# 2 + 4 + ... + 256 + 300: about 14 minutes of trying before an advocate's reply is given up.
DEFAULT_MAX_ATTEMPTS = 10
_ROWS = Rows(claim_next=outbox.claim_next, people_due=outbox.people_due, prune=outbox.prune)


class Courier(Protocol):
    """How one channel sends: how a text is cut into messages, who may not get it, one send."""

    def parts(self, text: str) -> Sequence[str]: ...

    async def refusal(self, recipient: str) -> str | None:
        """Why nothing may go to ``recipient`` (opted out, not this channel's id), or None."""
        ...

    async def attempt(self, recipient: str, part: str) -> Attempt: ...


class DurableOutbox(PersonQueue[Outbound]):
    """One channel's outbox in this process; the sweep runs every ``poll_interval``."""

    def __init__(
        self,
        channel: str,
        courier: Courier,
        worker_id: str | None = None,
        lease: float = DEFAULT_LEASE,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        base_delay: float = DEFAULT_BASE_DELAY,
        max_delay: float = DEFAULT_MAX_DELAY,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    ) -> None:
        super().__init__("outbox", channel, _ROWS, worker_id, lease, poll_interval)
        self.courier = courier
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.max_attempts = max(1, max_attempts)

    def attach(self, blueprint: Blueprint) -> None:
        """Deliver due replies (retries, and those another instance left) while the server runs."""
        on_server(blueprint, None, self.sweeper.start, self.stop)

    async def send(self, key: str, recipient: str, text: str) -> None:
        """Write the message (once per ``key``), then deliver it in the background; raises if not written."""
        person = await run_sync(outbox.enqueue, self.channel, key, recipient, text)
        self.drains.wake(person)

    async def stop(self) -> None:
        await self.sweeper.stop()
        self.drains.cancel()  # a claimed reply is resumed once its lease runs out

    def delay(self, attempts: int, retry_after: float | None) -> float:
        """Seconds before the next attempt: the provider's Retry-After, else exponential with jitter."""
        if retry_after is not None:
            return min(retry_after, self.max_delay)
        backoff = self.base_delay * 2 ** (attempts - 1)
        return min(backoff + random.uniform(0, backoff / 4), self.max_delay)

    async def _work(self, message: Outbound) -> bool:
        """Send what is left of ``message``; False when it waits for a retry (the person's next ones wait too)."""
        refusal = await self.courier.refusal(message.recipient)
        if refusal:
            logger.info("outbox %s: message %d not sent: %s", self.channel, message.id, refusal)
            await run_sync(outbox.mark_failed, message.id, message.claim, refusal)
            return True
        parts = list(self.courier.parts(message.text)) or [message.text]
        for index in range(message.parts_sent, len(parts)):
            attempt = await self.courier.attempt(message.recipient, parts[index])
            if attempt.provider_id is not None:
                last = index == len(parts) - 1
                marked = await run_sync(
                    outbox.mark_part_sent, message.id, message.claim, index, attempt.provider_id, last, self.lease
                )
                if not marked:
                    logger.warning("outbox %s: message %d is no longer claimed here", self.channel, message.id)
                    return True
                continue
            if attempt.retryable and message.attempts < self.max_attempts:
                delay = self.delay(message.attempts, attempt.retry_after)
                logger.warning("outbox %s: message %d attempt %d failed (%s); retrying in %.1f s", self.channel,
                               message.id, message.attempts, attempt.code, delay)  # fmt: skip
                await run_sync(outbox.schedule_retry, message.id, message.claim, delay, attempt.code)
                return False
            logger.error("outbox %s: message %d NOT SENT after %d attempt(s) (%s)", self.channel, message.id,
                         message.attempts, attempt.code)  # fmt: skip
            await run_sync(outbox.mark_failed, message.id, message.claim, attempt.code)
            return True
        return True


def handoff_key(handoff_message_id: object) -> str:
    """The outbox key of an advocate's message: its stored id, so a repeated request sends it once."""
    return f"handoff:{handoff_message_id}"

