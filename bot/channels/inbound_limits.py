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

The counters live in this process (:class:`InProcessWindows`), which is right for one Rasa
instance; with several, a shared store (Redis, as the dedupe already uses) replaces that class
behind the same ``hit``/``warned`` methods.
"""

from __future__ import annotations

import os
import time
from collections import OrderedDict, deque
from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_MESSAGES_PER_MINUTE = 20
DEFAULT_MAX_MESSAGE_CHARS = 2000
WINDOW_SECONDS = 60.0
MAX_TRACKED_SENDERS = 100_000  # memory bound: the oldest idle senders are forgotten first
PREVIEW_WORDS = 8

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
    raw = (environ.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, got {raw!r}") from None
    if value < 1:
        raise ValueError(f"{name} must be at least 1, got {value}")
    return value


class InboundLimits:
    """Rate and length limits on what people send; see the module docstring."""

    def __init__(
        self,
        messages_per_minute: int = DEFAULT_MESSAGES_PER_MINUTE,
        max_message_chars: int = DEFAULT_MAX_MESSAGE_CHARS,
        windows: InProcessWindows | None = None,
    ) -> None:
        self.messages_per_minute = messages_per_minute
        self.max_message_chars = max_message_chars
        self.windows = windows or InProcessWindows()

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> InboundLimits:
        env = os.environ if environ is None else environ
        return cls(
            _positive_int(env, "INBOUND_MESSAGES_PER_MINUTE", DEFAULT_MESSAGES_PER_MINUTE),
            _positive_int(env, "INBOUND_MAX_MESSAGE_CHARS", DEFAULT_MAX_MESSAGE_CHARS),
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
