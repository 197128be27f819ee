"""Inbound abuse limits, shared by every input channel: how often and how much a sender may write.

Every channel (REST, the widget's socket.io, SMS, Slack) asks :func:`admit` before a message
becomes a turn:

- **Messages per sender per minute** (``INBOUND_MESSAGES_PER_MINUTE``, default 20): a sliding
  window of the messages *accepted* in the last 60 s, so a flood does not keep a person locked
  out once they slow down. Over the limit the message is not processed; the person is told once
  per window ("you're sending messages very fast") and REST answers 429.
- **Maximum message length** (``INBOUND_MAX_MESSAGE_CHARS``, default 2,000): a longer message is
  cut at a word boundary, the cut text is what the bot reads, and the person is told what was
  kept (its first words) and that the rest was not read. No turn ever sees a 200 KB message.

Where the counts live:

- in this process (:class:`InProcessWindows`) without ``REDIS_URL``: right for one Rasa instance;
- in Redis (:class:`RedisWindows`) when ``REDIS_URL`` is set, because with several instances
  behind a load balancer a sender's messages are spread over them and each would otherwise allow
  the full limit. One Lua script per message prunes, counts and records atomically on Redis's own
  clock (the one clock the instances share), so two instances cannot both admit the last allowed
  message. Keys hold the sender's keyed hash, not the sender id (an SMS id is a phone number).

**When Redis fails** (down, unreachable, too slow) the limits fall back to this instance's own
windows, with a warning, and Redis is tried again after :data:`REDIS_RETRY_SECONDS`. Not fail
open, as the dedupe does: a dedupe failure only risks a rare double reply, but limits that switch
off whenever Redis is in trouble would switch off exactly when a flood is large enough to cause
that trouble. Not fail closed either: refusing everyone's messages (a crisis message among them)
because of our own outage is worse than a looser limit. The fallback is looser by at most the
number of instances (each counts up to the limit), and never refuses what the shared count would
have admitted: every message Redis admitted is also recorded in this instance's windows, so the
fallback starts from this instance's last minute and its count is never above the shared one.

The channels call :meth:`InboundLimits.admit` synchronously, so the Redis call blocks the event
loop for one round trip (under a millisecond on a local network), as Rasa's own Redis lock store
does for every message; :data:`REDIS_TIMEOUT_SECONDS` bounds it when Redis hangs.
"""

from __future__ import annotations

import logging
import os
import time
import uuid
from collections import OrderedDict, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol, TypeVar

import redis

from bot.security.hashing import keyed_hash
from bot.servers.settings import env_number

logger = logging.getLogger(__name__)

DEFAULT_MESSAGES_PER_MINUTE = 20
DEFAULT_MAX_MESSAGE_CHARS = 2000
WINDOW_SECONDS = 60.0
MAX_TRACKED_SENDERS = 100_000  # memory bound: the oldest idle senders are forgotten first
PREVIEW_WORDS = 8
REDIS_KEY_PREFIX = "advocate:limits:"
REDIS_TIMEOUT_SECONDS = 0.25
REDIS_RETRY_SECONDS = 10.0
_HASH_PURPOSE = "inbound-limits"

# KEYS[1]: the sender's accepted messages (score: ms on Redis's clock). ARGV: limit, window in ms,
# a member unique to this message. 1 and recorded if under the limit, else 0.
_HIT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then
  return 0
end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], window)
return 1
"""

T = TypeVar("T")

TOO_FAST_TEXT = (
    "You're sending messages very fast, so I didn't read that one. Please wait a minute, then "
    "send it again. If it's an emergency, call 911."
)


def too_long_text(kept: str, limit: int) -> str:
    """What the person is told when their message was cut: what was read and what was not."""
    words = kept.split()
    preview = " ".join(words[:PREVIEW_WORDS]) + (" …" if len(words) > PREVIEW_WORDS else "")
    return (
        f"Your message was very long, so I only read the first {limit:,} characters "
        f'(starting "{preview}"); the rest was not read. If something important was in it, '
        "please send it in a shorter message."
    )


def truncate(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, at the last space when there is one nearby."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit * 0.8 else cut).rstrip()


class InProcessWindows:
    """Per-sender sliding windows of accepted messages, and whether the sender was warned in it."""

    def __init__(self, window: float = WINDOW_SECONDS, max_senders: int = MAX_TRACKED_SENDERS) -> None:
        self.window = window
        self.max_senders = max_senders
        self._hits: OrderedDict[str, deque[float]] = OrderedDict()
        self._warned: dict[str, float] = {}

    def hit(self, sender: str, limit: int, now: float) -> bool:
        """Count one message if the sender is under ``limit`` in the window; False when over."""
        hits = self._hits.pop(sender, None) or deque()
        while hits and now - hits[0] >= self.window:
            hits.popleft()
        allowed = len(hits) < limit
        if allowed:
            hits.append(now)
        if hits:
            self._hits[sender] = hits  # most recently used last
        while len(self._hits) > self.max_senders:
            oldest, _ = self._hits.popitem(last=False)
            self._warned.pop(oldest, None)
        return allowed

    def warned(self, sender: str, now: float) -> bool:
        """True if the sender was already told to slow down in this window; records it if not."""
        at = self._warned.get(sender)
        if at is not None and now - at < self.window:
            return True
        self._warned[sender] = now
        if len(self._warned) > self.max_senders:
            self._warned = {s: t for s, t in self._warned.items() if now - t < self.window}
        return False


class RedisWindows:
    """The same windows in Redis, shared by every instance; this instance's own when Redis fails."""

    def __init__(
        self,
        redis_url: str,
        window: float = WINDOW_SECONDS,
        key_prefix: str = REDIS_KEY_PREFIX,
        retry_after: float = REDIS_RETRY_SECONDS,
    ) -> None:
        self.window = window
        self.key_prefix = key_prefix
        self.retry_after = retry_after
        self.local = InProcessWindows(window)
        self._client = redis.Redis.from_url(
            redis_url, socket_timeout=REDIS_TIMEOUT_SECONDS, socket_connect_timeout=REDIS_TIMEOUT_SECONDS
        )
        self._hit = self._client.register_script(_HIT)
        self._unavailable_until: float | None = None  # monotonic time; set while Redis is failing

    def _key(self, kind: str, sender: str) -> str:
        return f"{self.key_prefix}{kind}:{keyed_hash(sender, _HASH_PURPOSE)}"

    def _shared(self, call: Callable[[], T]) -> T | None:
        """``call()`` against Redis, or None when Redis failed now or shortly before (then logged once)."""
        clock = time.monotonic()
        if self._unavailable_until is not None and clock < self._unavailable_until:
            return None
        try:
            result = call()
        except redis.RedisError as exc:
            if self._unavailable_until is None:
                logger.warning(
                    "inbound limits: Redis unavailable (%s); counting in this instance only, retrying in %.0f s",
                    type(exc).__name__,
                    self.retry_after,
                )
            self._unavailable_until = clock + self.retry_after
            return None
        if self._unavailable_until is not None:
            logger.info("inbound limits: Redis is back; counting across instances again")
            self._unavailable_until = None
        return result

    def hit(self, sender: str, limit: int, now: float) -> bool:
        """As :meth:`InProcessWindows.hit`, counted in Redis (``now`` is used by the fallback only)."""
        window_ms = max(1, round(self.window * 1000))
        shared = self._shared(
            lambda: bool(self._hit(keys=[self._key("hits", sender)], args=[limit, window_ms, uuid.uuid4().hex]))
        )
        if shared is None:
            return self.local.hit(sender, limit, now)
        if shared:
            self.local.hit(sender, limit, now)  # so the fallback starts from this instance's last minute
        return shared

    def warned(self, sender: str, now: float) -> bool:
        """As :meth:`InProcessWindows.warned`, so a sender is told once per window by all instances together."""
        warned_here = self.local.warned(sender, now)
        window_ms = max(1, round(self.window * 1000))
        # redis-py answers None when NX finds the key: made a bool, so None only ever means "Redis failed".
        first = self._shared(lambda: bool(self._client.set(self._key("warned", sender), "1", nx=True, px=window_ms)))
        return warned_here if first is None else not first


class Windows(Protocol):
    """What :class:`InboundLimits` counts with: :class:`InProcessWindows` or :class:`RedisWindows`."""

    def hit(self, sender: str, limit: int, now: float) -> bool: ...

    def warned(self, sender: str, now: float) -> bool: ...


@dataclass(frozen=True)
class Admission:
    """The verdict on one message: whether to process it, the text to process, what to tell."""

    allowed: bool
    text: str
    notice: str | None = None  # a reply to send before (or instead of) the bot's turn

    @property
    def truncated(self) -> bool:
        return self.allowed and self.notice is not None


def _positive_int(environ: Mapping[str, str], name: str, default: int) -> int:
    value = env_number(environ, name, default, int)
    if value < 1:
        raise ValueError(f"{name} must be at least 1, got {value}")
    return value


class InboundLimits:
    """Rate and length limits on what people send; see the module docstring."""

    def __init__(
        self,
        messages_per_minute: int = DEFAULT_MESSAGES_PER_MINUTE,
        max_message_chars: int = DEFAULT_MAX_MESSAGE_CHARS,
        windows: Windows | None = None,
    ) -> None:
        self.messages_per_minute = messages_per_minute
        self.max_message_chars = max_message_chars
        self.windows = windows or InProcessWindows()

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> InboundLimits:
        """The limits the environment sets, counted in Redis when ``REDIS_URL`` is set."""
        env = os.environ if environ is None else environ
        redis_url = env.get("REDIS_URL") or None
        return cls(
            _positive_int(env, "INBOUND_MESSAGES_PER_MINUTE", DEFAULT_MESSAGES_PER_MINUTE),
            _positive_int(env, "INBOUND_MAX_MESSAGE_CHARS", DEFAULT_MAX_MESSAGE_CHARS),
            RedisWindows(redis_url) if redis_url else None,
        )

    def admit(self, sender: str, text: str | None, now: float | None = None) -> Admission:
        now = time.monotonic() if now is None else now
        text = text or ""
        if not self.windows.hit(sender, self.messages_per_minute, now):
            return Admission(False, "", None if self.windows.warned(sender, now) else TOO_FAST_TEXT)
        if len(text) <= self.max_message_chars:
            return Admission(True, text)
        kept = truncate(text, self.max_message_chars)
        return Admission(True, kept, too_long_text(kept, self.max_message_chars))


_shared: InboundLimits | None = None


def shared() -> InboundLimits:
    """The one set of counters of this process, shared by all its channels (read from the env once)."""
    global _shared
    if _shared is None:
        _shared = InboundLimits.from_env()
    return _shared
