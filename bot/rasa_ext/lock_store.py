"""Rasa's Redis lock store with tickets issued and returned atomically, so several instances can share it.

endpoints.yml (written by the launcher when ``REDIS_URL`` is set)::

    lock_store:
      type: bot.rasa_ext.lock_store.AtomicRedisLockStore
      url: 127.0.0.1
      port: 6379
      db: 0

Why a subclass: Rasa 3.6's ``RedisLockStore`` keeps a conversation's ticket queue as one JSON
value and changes it by read-modify-write (``GET``, add or remove a ticket in Python, ``SET``).
Two instances handling two messages of the same person at the same moment both read the same
queue, both take "last ticket + 1" and both write it back: they hold the same number, both are
"now serving", and the two turns run at once on one tracker (RasaHQ/rasa#9213; the fix was
reverted in open source). Returning a ticket has the same lost update, and deleting the lock
"when nobody waits" can delete a ticket another instance has just added.

Here every change is one Lua script, which Redis runs atomically:

- the queue is a Redis hash per conversation: field ``next`` is the ticket counter
  (``HINCRBY``, so no two callers ever get the same number) and one field per live ticket,
  number -> expiry time;
- expired tickets are pruned inside the same scripts, and the key itself expires one lifetime
  after its last ticket was issued, so a crashed instance's tickets are released by time alone;
- returning a ticket only deletes that ticket's field; the counter stays while any ticket of it
  may be alive, so a number is never issued twice (Rasa's store restarts numbering when it
  deletes the lock, which gives a waiter's number to a newcomer);
- a waiter whose own ticket expired stops waiting with ``LockError`` (as Rasa ends when the lock
  is gone) instead of waiting on a number that is no longer in the queue.

A ticket is a lease of ``LEASE_SECONDS`` (10 s) that the instance holding it renews every third
of that while the turn waits or runs, so an instance killed mid-turn holds its person for seconds,
not for Rasa's 60 s lock lifetime, and a slow turn never loses its lock. Expiry times are the
instances' wall clocks (``time.time()``, as Rasa's ``Ticket``), so their clocks must agree to well
under the lease: NTP does that.

Keys hold the conversation id's keyed hash (``ADVOCATE_HASH_KEY``), not the id: an SMS id is a
phone number, and Redis may write its memory to disk. The key names (``<prefix>atomic-lock:``)
differ from ``RedisLockStore``'s, so the two stores can never misread each other's values; every
Rasa instance of a deployment must use the same store.

When Redis is unreachable a message waits for its ticket (up to ``OUTAGE_WAIT_SECONDS``, enough
for a restart) and then fails with ``LockError``: a message is refused rather than handled without
the lock. A Redis that restarts without persistence forgets the tickets of turns in progress at
that moment; such a turn finishes, and for that moment the same person's next message could start
on another instance beside it. Run Redis with persistence (AOF) where that matters.

Rasa's lock store API is synchronous (``issue_ticket`` is called without ``await``), so each call
blocks the event loop for one Redis round trip, exactly as ``RedisLockStore`` does.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import redis
from rasa.core.lock import Ticket, TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from bot.security.hashing import keyed_hash

# How often a queued message looks whether its turn has come (Rasa's default: every second).
POLL_SECONDS = 0.05
# A ticket lives this long unless the instance holding it renews it (every third of it) while the
# turn waits or runs: an instance that dies releases its person within seconds instead of Rasa's
# 60 s, and a long turn keeps its lock however long it takes.
LEASE_SECONDS = 10.0
# How long a message waits for a ticket while Redis restarts before its turn fails.
OUTAGE_WAIT_SECONDS = 30.0
logger = logging.getLogger(__name__)
KEY_NAME = "atomic-lock:"
HASH_PURPOSE = "lock-store"
COUNTER_FIELD = "next"

# Deletes the tickets that expired before ARGV[1] (now); leaves the number of live ones in `live`.
_PRUNE = """
local now = tonumber(ARGV[1])
local fields = redis.call('HGETALL', KEYS[1])
local live = 0
for i = 1, #fields, 2 do
  if fields[i] ~= 'next' then
    if tonumber(fields[i + 1]) < now then
      redis.call('HDEL', KEYS[1], fields[i])
    else
      live = live + 1
    end
  end
end
"""

# ARGV: now, the ticket's expiry time, its lifetime in ms. Returns the ticket number.
_ISSUE = (
    _PRUNE
    + """
local number = redis.call('HINCRBY', KEYS[1], 'next', 1)
redis.call('HSET', KEYS[1], number, ARGV[2])
local lifetime = tonumber(ARGV[3])
if redis.call('PTTL', KEYS[1]) < lifetime then
  redis.call('PEXPIRE', KEYS[1], lifetime)
end
return number
"""
)

# ARGV: now, the ticket number to return. Returns how many tickets are still live.
_FINISH = (
    """
redis.call('HDEL', KEYS[1], ARGV[2])
"""
    + _PRUNE
    + """
return live
"""
)

# ARGV: now. Returns how many tickets are live.
_UPDATE = _PRUNE + "\nreturn live\n"

# ARGV: the ticket number, its new expiry time, the lease in ms. Returns 1 if the ticket was still live.
_RENEW = """
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then
  return 0
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
local lease = tonumber(ARGV[3])
if redis.call('PTTL', KEYS[1]) < lease then
  redis.call('PEXPIRE', KEYS[1], lease)
end
return 1
"""


class AtomicRedisLockStore(RedisLockStore):
    """``RedisLockStore`` whose tickets cannot be lost or doubled between instances (module docstring)."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, **settings: Any) -> None:
        """Take the settings from ``endpoint_config``, as Rasa passes a custom lock store's, or directly.

        Rasa builds a custom class with ``endpoint_config=`` only; its ``url`` is the host and its
        other keys (port, db, username, password, use_ssl, key_prefix, socket_timeout) are
        ``RedisLockStore``'s own arguments.
        """
        if endpoint_config is not None:
            settings = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs, **settings}
        super().__init__(**settings)
        self._issue = self.red.register_script(_ISSUE)
        self._finish = self.red.register_script(_FINISH)
        self._update = self.red.register_script(_UPDATE)
        self._renew = self.red.register_script(_RENEW)

    def _key(self, conversation_id: str) -> str:
        return f"{self.key_prefix}{KEY_NAME}{keyed_hash(conversation_id, HASH_PURPOSE)}"

    @asynccontextmanager
    async def lock(
        self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME, wait_time_in_seconds: float = 1
    ) -> AsyncIterator[TicketLock]:
        """Rasa's lock, on a short lease renewed while this instance waits and works (LEASE_SECONDS)."""
        lease = min(lock_lifetime, LEASE_SECONDS)
        ticket = await self._issue_waiting_out_an_outage(conversation_id, lease)
        renewing = asyncio.create_task(self._keep_renewing(conversation_id, ticket, lease))
        try:
            yield await self._acquire_lock(conversation_id, ticket, wait_time_in_seconds)
        finally:
            renewing.cancel()
            try:
                self.cleanup(conversation_id, ticket)
            except redis.RedisError as exc:  # the turn is done; its ticket expires with its lease
                logger.warning("lock store: could not return a ticket (%s)", type(exc).__name__)

    async def _issue_waiting_out_an_outage(self, conversation_id: str, lease: float) -> int:
        """A ticket; while Redis restarts (up to OUTAGE_WAIT_SECONDS) the message waits for it.

        No ticket means no turn: a message is never handled without the lock.
        """
        deadline = time.monotonic() + OUTAGE_WAIT_SECONDS
        delay = 0.2
        while True:
            try:
                return self.issue_ticket(conversation_id, lease)
            except LockError as exc:
                if not isinstance(exc.__cause__, redis.RedisError) or time.monotonic() + delay > deadline:
                    raise
                logger.warning("lock store: Redis is unavailable (%s); trying again", type(exc.__cause__).__name__)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 2.0)

    async def _keep_renewing(self, conversation_id: str, ticket: int, lease: float) -> None:
        while True:
            await asyncio.sleep(lease / 3)
            try:
                self.renew(conversation_id, ticket, lease)
            except Exception as exc:  # Redis away for a moment: the next renewal may still make it
                logger.warning("lock store: could not renew a ticket (%s)", type(exc).__name__)

    def renew(self, conversation_id: str, ticket: int, lease: float = LEASE_SECONDS) -> bool:
        """Push the ticket's expiry a lease ahead; False when it had already expired."""
        expires = time.time() + lease
        args = [ticket, repr(expires), max(1, round(lease * 1000))]
        return bool(self._renew(keys=[self._key(conversation_id)], args=args))

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        """A new ticket, numbered after every ticket any instance took for this conversation."""
        now = time.time()
        try:
            return int(
                self._issue(
                    keys=[self._key(conversation_id)],
                    args=[repr(now), repr(now + lock_lifetime), max(1, round(lock_lifetime * 1000))],
                )
            )
        except Exception as exc:  # Rasa's contract: any failure to take a ticket is a LockError
            raise LockError(f"Error while acquiring lock. Error:\n{exc}") from exc

    def get_lock(self, conversation_id: str) -> TicketLock | None:
        """The live tickets, lowest number first; None when there are none (the lock is free)."""
        fields = self.red.hgetall(self._key(conversation_id))
        now = time.time()
        counter = COUNTER_FIELD.encode()
        tickets = sorted(
            (Ticket(int(number), float(expires)) for number, expires in fields.items() if number != counter),
            key=lambda ticket: ticket.number,
        )
        live = deque(ticket for ticket in tickets if ticket.expires >= now)
        return TicketLock(conversation_id, live) if live else None

    def save_lock(self, lock: TicketLock) -> None:
        """Refused: writing a whole queue back is the lost update this store exists to avoid."""
        raise NotImplementedError(
            "AtomicRedisLockStore changes tickets only with its atomic scripts; saving a whole lock "
            "would overwrite tickets another instance added meanwhile"
        )

    def delete_lock(self, conversation_id: str) -> None:
        """Forget the conversation's queue and counter (Rasa's contract; the store itself never needs it)."""
        self._log_deletion(conversation_id, bool(self.red.delete(self._key(conversation_id))))

    def update_lock(self, conversation_id: str) -> None:
        """Drop expired tickets from the stored queue."""
        self._update(keys=[self._key(conversation_id)], args=[repr(time.time())])

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        """Return one ticket; the tickets other instances hold are untouched."""
        self._finish(keys=[self._key(conversation_id)], args=[repr(time.time()), ticket_number])

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Return the ticket; the counter is kept (it expires with the key), so no number is reused."""
        self.finish_serving(conversation_id, ticket_number)

    async def _acquire_lock(self, conversation_id: str, ticket: int, wait_time_in_seconds: float) -> TicketLock:
        """Wait until ``ticket`` is the lowest live one; LockError once it has expired."""
        while True:
            try:
                lock = self.get_lock(conversation_id)
            except redis.RedisError:  # away for a moment: the ticket outlives it by its lease, or is gone
                await asyncio.sleep(POLL_SECONDS * 4)
                continue
            if lock is None or all(live.number != ticket for live in lock.tickets):
                raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}'.")
            if not lock.is_locked(ticket):
                return lock
            # Rasa asks for 1 s between looks: a burst of ten messages from one person would then
            # take ten seconds longer than its turns. One Redis read every 50 ms is cheap.
            await asyncio.sleep(min(wait_time_in_seconds, POLL_SECONDS))
            self.update_lock(conversation_id)
