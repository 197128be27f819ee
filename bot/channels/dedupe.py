"""Dropping webhook deliveries seen before (Twilio's MessageSid, Slack's event_id).

Twilio and Slack both deliver again when they are not sure the first delivery arrived (a timeout,
a dropped connection), and a repeat must not become a second turn: the person would get every
reply twice and a saved question would be saved twice.

Two layers:
- an in-process set with a time-to-live, always: enough for one Rasa instance;
- Redis ``SET key NX EX ttl`` when ``REDIS_URL`` is set, because with several Rasa instances the
  repeat can reach another instance than the first delivery. Redis is already what the launcher
  requires for several instances (the lock store), it expires keys by itself, and an atomic SET NX
  needs no table, no migration and no clean-up job. A Redis failure lets the message through
  (logged): losing a person's message is worse than the rare double.
"""

from __future__ import annotations

import logging
import os
import time
from collections import OrderedDict
from typing import Any

logger = logging.getLogger(__name__)

DEFAULT_TTL = 24 * 3600.0  # Slack retries within minutes, Twilio within hours at most
DEFAULT_MAX_ENTRIES = 50_000
KEY_PREFIX = "advocate:seen:"


class SeenSet:
    """Keys seen within the last ``ttl`` seconds in this process, oldest evicted first."""

    def __init__(self, ttl: float = DEFAULT_TTL, max_entries: int = DEFAULT_MAX_ENTRIES) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._seen: OrderedDict[str, float] = OrderedDict()

    def add(self, key: str, now: float | None = None) -> bool:
        """Record ``key``; True the first time, False when it was seen within the TTL."""
        now = time.monotonic() if now is None else now
        while self._seen:
            oldest, at = next(iter(self._seen.items()))
            if now - at < self.ttl and len(self._seen) < self.max_entries:
                break
            del self._seen[oldest]
        if key in self._seen:
            return False
        self._seen[key] = now
        return True


class Deduplicator:
    """``await first_time(key)``: the in-process set, then Redis when configured."""

    def __init__(self, redis_url: str | None = None, ttl: float = DEFAULT_TTL) -> None:
        self.local = SeenSet(ttl)
        self.ttl = ttl
        self.redis_url = redis_url
        self._redis = None

    @classmethod
    def from_env(cls) -> Deduplicator:
        return cls(os.environ.get("REDIS_URL") or None)

    def _client(self) -> Any:
        """redis.asyncio.Redis, created in the running event loop on first use."""
        if self._redis is None:
            from redis import asyncio as redis_asyncio

            self._redis = redis_asyncio.from_url(self.redis_url, socket_timeout=2.0, socket_connect_timeout=2.0)
        return self._redis

    async def first_time(self, key: str) -> bool:
        if not self.local.add(key):
            return False
        if not self.redis_url:
            return True
        try:
            return bool(await self._client().set(KEY_PREFIX + key, "1", nx=True, ex=int(self.ttl)))
        except Exception as exc:  # any Redis trouble: keep the message (see the module docstring)
            logger.warning("dedupe: Redis unavailable (%s); relying on this instance's memory", type(exc).__name__)
            return True
