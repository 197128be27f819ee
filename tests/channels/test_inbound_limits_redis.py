"""Inbound limits counted in Redis: shared by instances, and this instance's own when Redis fails.

The shared tests need the real Redis at TEST_REDIS_URL (.ci/run sets it); each uses a key prefix
of its own, because the suite runs in parallel.
"""

from __future__ import annotations

import logging
import os
import time
import uuid

import pytest

from bot.channels.inbound_limits import TOO_FAST_TEXT, InboundLimits, InProcessWindows, RedisWindows
from tests.channels.private_redis import private_redis

REDIS_URL = os.environ.get("TEST_REDIS_URL", "")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="TEST_REDIS_URL is not set (.ci/run sets it)")
UNREACHABLE = "redis://127.0.0.1:9/0"  # the discard port: connection refused at once


def instances(count: int = 2, window: float = 60.0) -> list[InboundLimits]:
    """``count`` Rasa instances' limits (3 per window) sharing one Redis key space of their own."""
    prefix = f"test:{uuid.uuid4().hex}:"
    return [
        InboundLimits(messages_per_minute=3, windows=RedisWindows(REDIS_URL, window=window, key_prefix=prefix))
        for _ in range(count)
    ]


@needs_redis
def test_two_instances_share_one_count_per_sender() -> None:
    first, second = instances()
    # The sender's messages alternate between the instances, as a load balancer spreads them.
    verdicts = [(first if n % 2 == 0 else second).admit("sms:+15550001111", f"message {n}") for n in range(5)]

    assert [v.allowed for v in verdicts] == [True, True, True, False, False]
    assert verdicts[3].notice == TOO_FAST_TEXT and verdicts[4].notice is None  # told once, by either instance
    assert second.admit("sms:+15550002222", "someone else").allowed  # counted per sender


@needs_redis
def test_the_shared_window_slides() -> None:
    first, second = instances(window=1.0)
    for _ in range(3):
        assert first.admit("web:abc", "hi").allowed
    assert not second.admit("web:abc", "hi").allowed
    time.sleep(1.1)
    assert second.admit("web:abc", "hi").allowed  # a minute (here: a second) later, welcome again


@needs_redis
def test_redis_keys_hold_no_phone_number() -> None:
    import redis

    prefix = f"test:{uuid.uuid4().hex}:"
    limits = InboundLimits(messages_per_minute=1, windows=RedisWindows(REDIS_URL, key_prefix=prefix))
    limits.admit("sms:+15550003333", "one")
    limits.admit("sms:+15550003333", "two")  # over: also records the warning

    client = redis.Redis.from_url(REDIS_URL)
    keys = client.keys(f"{prefix}*")
    assert len(keys) == 2 and not any(b"5550003333" in key for key in keys)
    assert all(0 < client.pttl(key) <= 60_000 for key in keys)  # Redis forgets them after the window
    client.delete(*keys)


def test_redis_unreachable_falls_back_to_this_instances_limit(caplog: pytest.LogCaptureFixture) -> None:
    limits = InboundLimits(messages_per_minute=3, windows=RedisWindows(UNREACHABLE))
    with caplog.at_level(logging.WARNING, logger="bot.channels.inbound_limits"):
        verdicts = [limits.admit("sms:+15550004444", "hi", now=float(n)) for n in range(5)]

    # Still limited, as one instance without Redis is: neither every message refused nor none counted.
    assert [v.allowed for v in verdicts] == [True, True, True, False, False]
    assert verdicts[3].notice == TOO_FAST_TEXT and verdicts[4].notice is None
    warnings = [r.getMessage() for r in caplog.records if "Redis unavailable" in r.getMessage()]
    assert len(warnings) == 1  # said once per outage, not once per message
    assert limits.admit("sms:+15550004444", "hi", now=61.0).allowed  # the fallback window slides too


def test_when_redis_goes_down_the_fallback_starts_from_what_this_instance_admitted() -> None:
    with private_redis() as server:
        limits = InboundLimits(messages_per_minute=3, windows=RedisWindows(server.url))
        for n in range(3):
            assert limits.admit("web:def", "hi", now=float(n)).allowed
        server.stop()

        assert not limits.admit("web:def", "hi", now=3.0).allowed  # the three admitted through Redis still count


def test_without_redis_url_the_counts_stay_in_the_process() -> None:
    assert isinstance(InboundLimits.from_env({}).windows, InProcessWindows)
    from_env = InboundLimits.from_env({"REDIS_URL": "redis://127.0.0.1:6379/0"}).windows
    assert isinstance(from_env, RedisWindows)
