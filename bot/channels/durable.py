"""What the durable inbox and outbox share: one drain per person, claims, sweeps, and the server's start.

Both keep work in the database (``bot.persistence.inbox``, ``bot.persistence.outbox``) and work
through it one person at a time, oldest first (:class:`PersonQueue`). In this process,
:class:`PersonDrains` runs at most one drain per person and wakes it again when more work arrives
meanwhile (the database decides what is next, so nothing is kept in memory that a crash could
lose). A periodic sweep wakes the people whose work nobody holds (never claimed, or claimed by an
instance whose lease ran out), so an instance resumes what another left half-done at its start and
while it runs.

Everything touching the database runs in a worker thread (``run_sync``): the event loop keeps
serving webhooks and turns.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
import socket
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from bot.persistence.db import run_sync

if TYPE_CHECKING:  # only for the annotation: the SMS REST client imports this module outside Sanic
    from sanic import Blueprint

logger = logging.getLogger(__name__)

PRUNE_INTERVAL = 600.0  # a DELETE takes SQLite's write lock even when it finds nothing: not every sweep

Row = TypeVar("Row")


@dataclass(frozen=True)
class Attempt:
    """One try at handing a message to a provider (Twilio, Slack), as the outbox and the replies see it.

    ``provider_id`` is set when the provider accepted it. ``code`` is safe to store (a status or
    an error code, no words, no numbers); ``reason`` is for the log and may quote the provider
    (callers mask numbers in it).
    """

    provider_id: str | None
    retryable: bool = False
    code: str = ""
    reason: str = ""
    retry_after: float | None = None


def new_worker_id() -> str:
    """This process among all instances: host, pid and a random part (a pid is reused after a restart)."""
    return f"{socket.gethostname()[:32]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Claims:
    """Claim tokens of one worker, ``<worker>/<n>``: a row's ``claimed_by``, unique per claim.

    Unique per claim (not just per worker), so the row a claim took is found again by its token,
    which SQLite's UPDATE cannot return in SQLAlchemy 1.4.
    """

    def __init__(self, worker_id: str | None = None) -> None:
        self.worker_id = worker_id or new_worker_id()
        self._numbers = itertools.count(1)

    def next(self) -> str:
        return f"{self.worker_id}/{next(self._numbers)}"[:64]


class PersonDrains:
    """At most one ``drain(person)`` running per person in this process; a wake during one runs it again.

    The drain claims the person's next row until there is none; a wake that comes while it runs
    (a new message stored) makes it look once more before it ends, so no row is left waiting for
    the next sweep. Checking for another round and leaving happen without an ``await`` between
    them, so a wake can never slip in after the last look and be lost.
    """

    def __init__(self, drain: Callable[[str], Awaitable[None]], name: str) -> None:
        self._drain = drain
        self._name = name
        self._again: set[str] = set()
        self._running: dict[str, asyncio.Task[None]] = {}

    def wake(self, person: str) -> None:
        self._again.add(person)
        if person not in self._running:
            self._running[person] = asyncio.create_task(self._rounds(person))

    async def _rounds(self, person: str) -> None:
        try:
            while person in self._again:
                self._again.discard(person)
                try:
                    await self._drain(person)
                except Exception as exc:  # the database went away: the next sweep comes back to it
                    logger.error("%s: a drain stopped (%s); the next sweep resumes it", self._name, type(exc).__name__)
                    return
        finally:
            self._again.discard(person)
            self._running.pop(person, None)

    async def idle(self) -> None:
        """Wait until no drain runs (tests, and a server stopping)."""
        while self._running:
            await asyncio.gather(*self._running.values(), return_exceptions=True)

    def cancel(self) -> None:
        for task in self._running.values():
            task.cancel()


class Every:
    """``due()`` is True at most once per ``interval`` seconds (the first time at once)."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._last: float | None = None

    def due(self) -> bool:
        now = time.monotonic()
        if self._last is not None and now - self._last < self.interval:
            return False
        self._last = now
        return True


class Sweeper:
    """``sweep()`` at once and then every ``interval`` seconds, until stopped; a failing sweep is logged."""

    def __init__(self, sweep: Callable[[], Awaitable[Any]], interval: float, name: str) -> None:
        self._sweep = sweep
        self.interval = interval
        self._name = name
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._loop())

    async def _loop(self) -> None:
        while True:
            try:
                await self._sweep()
            except Exception as exc:
                name = type(exc).__name__
                logger.error("%s: a sweep failed (%s); trying again in %.0f s", self._name, name, self.interval)
            await asyncio.sleep(self.interval)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None


def on_server(
    blueprint: Blueprint,
    bind: Callable[[Any], None] | None,
    start: Callable[[], None],
    stop: Callable[[], Awaitable[None]],
) -> None:
    """Run with the Sanic server that serves ``blueprint``: ``bind(app)`` before it starts, ``start()``
    once it has started, ``stop()`` when it stops.

    ``bind`` runs before Rasa's own start listener (registered later) has loaded the agent, which
    is why it only keeps the app; ``start`` runs once every start listener is done, the agent loaded.
    """
    if bind is not None:

        async def bind_app(app: Any, _loop: Any) -> None:
            bind(app)

        blueprint.listener("before_server_start")(bind_app)

    async def start_work(_app: Any, _loop: Any) -> None:
        start()

    async def stop_work(_app: Any, _loop: Any) -> None:
        await stop()

    blueprint.listener("after_server_start")(start_work)
    blueprint.listener("before_server_stop")(stop_work)


@dataclass(frozen=True)
class Rows(Generic[Row]):
    """The functions of one queue's rows (``bot.persistence.inbox`` or ``outbox``) a :class:`PersonQueue` calls."""

    # (channel, person, claim token, lease): the person's oldest row nobody holds, now claimed; or None.
    claim_next: Callable[[str, str, str, timedelta], Row | None]
    # (channel): the people with a row nobody holds (never claimed, or its lease ran out).
    people_due: Callable[[str], list[str]]
    # Forget old finished rows.
    prune: Callable[[], int]


class PersonQueue(Generic[Row]):
    """One channel's queue of rows in this process, worked through one person at a time (inbox, outbox).

    What the two do alike: claim tokens, a drain per person that claims and works the person's
    rows oldest first, and a sweep that wakes whoever has a row nobody holds and now and then
    forgets old finished rows. A subclass says what working one row means (:meth:`_work`).
    """

    def __init__(
        self, kind: str, channel: str, rows: Rows[Row], worker_id: str | None, lease: float, sweep_interval: float
    ) -> None:
        self.channel = channel
        self.rows = rows
        self.claims = Claims(worker_id)
        self.lease = timedelta(seconds=lease)
        self.drains = PersonDrains(self._drain, f"{kind} {channel}")
        self.sweeper = Sweeper(self.sweep, sweep_interval, f"{kind} {channel}")
        self.pruning = Every(PRUNE_INTERVAL)

    async def sweep(self) -> None:
        """Wake everyone with a row nobody holds; forget old finished rows (at most every PRUNE_INTERVAL)."""
        for person in await run_sync(self.rows.people_due, self.channel):
            self.drains.wake(person)
        if self.pruning.due():
            await run_sync(self.rows.prune)

    async def _drain(self, person: str) -> None:
        while True:
            row = await run_sync(self.rows.claim_next, self.channel, person, self.claims.next(), self.lease)
            if row is None or not await self._work(row):
                return

    async def _work(self, row: Row) -> bool:
        """Work one claimed row; False ends the person's drain here (their later rows wait for a sweep)."""
        raise NotImplementedError
