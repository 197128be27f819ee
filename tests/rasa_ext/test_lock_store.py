"""AtomicRedisLockStore against the real Redis at TEST_REDIS_URL (.ci/run sets it; skipped without).

Each store instance stands for one Rasa instance: its own connection, the same Redis. Every test
uses a key prefix and conversation ids of its own, because the suite runs in parallel.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
import redis
from rasa.core.lock_store import LockError, LockStore, RedisLockStore
from rasa.core.utils import AvailableEndpoints
from rasa.utils.endpoints import EndpointConfig

from bot import launcher
from bot.rasa_ext.lock_store import AtomicRedisLockStore

REDIS_URL = os.environ.get("TEST_REDIS_URL", "")
pytestmark = pytest.mark.skipif(not REDIS_URL, reason="TEST_REDIS_URL is not set (.ci/run sets it)")


def settings(prefix: str) -> dict[str, Any]:
    """What the launcher writes for TEST_REDIS_URL, with this test's key prefix."""
    return {**launcher.redis_lock_store(REDIS_URL), "key_prefix": prefix}


def store(prefix: str) -> AtomicRedisLockStore:
    created = LockStore.create(EndpointConfig.from_dict(settings(prefix)))
    assert isinstance(created, AtomicRedisLockStore)
    return created


def sms_conversation() -> str:
    return f"sms:+1555{uuid.uuid4().int % 10**7:07d}"


def test_rasas_own_store_gives_two_instances_the_same_ticket() -> None:
    """Why the subclass exists: RedisLockStore.issue_ticket reads, adds in Python and writes back."""
    options = settings(uuid.uuid4().hex)
    kwargs = {key: value for key, value in options.items() if key not in ("type", "url")}
    first, second = (RedisLockStore(host=options["url"], **kwargs) for _ in range(2))
    conversation = sms_conversation()
    # Both instances get a message of this person at the same moment: each reads the lock first.
    lock_a, lock_b = first.get_or_create_lock(conversation), second.get_or_create_lock(conversation)
    ticket_a, ticket_b = lock_a.issue_ticket(60), lock_b.issue_ticket(60)
    first.save_lock(lock_a)
    second.save_lock(lock_b)  # overwrites the first instance's ticket

    assert ticket_a == ticket_b  # both are "now serving": two turns at once on one tracker
    first.delete_lock(conversation)


def test_two_instances_serve_one_conversation_one_turn_at_a_time_in_ticket_order() -> None:
    prefix, conversation = uuid.uuid4().hex, sms_conversation()
    turns_per_instance = 15
    guard = threading.Lock()
    served: list[int] = []  # ticket numbers, in the order their turns started
    inside = [0, 0]  # turns in progress now, most ever at once
    start = threading.Barrier(2)

    async def turn(instance: AtomicRedisLockStore) -> None:
        async with instance.lock(conversation, wait_time_in_seconds=0.002) as lock:
            with guard:
                served.append(lock.now_serving)
                inside[0] += 1
                inside[1] = max(inside)
            await asyncio.sleep(0.002)  # the turn's work; another task of this instance may try meanwhile
            with guard:
                inside[0] -= 1

    def rasa_instance(failures: list[BaseException]) -> None:
        instance = store(prefix)
        start.wait()
        try:
            asyncio.run(asyncio.wait_for(_all(turn(instance) for _ in range(turns_per_instance)), 30))
        except BaseException as exc:  # reported by the main thread
            failures.append(exc)

    failures: list[BaseException] = []
    threads = [threading.Thread(target=rasa_instance, args=(failures,)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert len(served) == 2 * turns_per_instance
    assert len(set(served)) == len(served)  # no ticket issued twice
    assert served == sorted(served)  # served in the order the tickets were taken
    assert inside[1] == 1  # never two turns of one person at once
    assert store(prefix).get_lock(conversation) is None  # every ticket was given back


async def _all(turns: Any) -> None:
    await asyncio.gather(*turns)


def test_the_lock_of_an_instance_that_died_is_released_when_its_ticket_expires() -> None:
    prefix, conversation = uuid.uuid4().hex, sms_conversation()
    dead, alive = store(prefix), store(prefix)
    held = dead.issue_ticket(conversation, lock_lifetime=0.5)  # then the instance is killed
    issued_at = time.monotonic()

    async def next_turn() -> tuple[float, int]:
        async with alive.lock(conversation, wait_time_in_seconds=0.02) as lock:
            return time.monotonic() - issued_at, lock.now_serving

    waited, ticket = asyncio.run(next_turn())

    assert ticket == held + 1
    assert 0.45 <= waited < 3  # not before the dead instance's ticket expired, and soon after


def test_a_waiter_whose_own_ticket_expires_stops_waiting() -> None:
    """Instead of waiting on a number that is no longer in the queue (and could be issued again).

    A waiting ticket is renewed like a held one; it expires only when its instance could not renew
    it (Redis away, the loop stalled): here another connection takes it out of the queue.
    """
    prefix, conversation = uuid.uuid4().hex, sms_conversation()
    holder, waiter = store(prefix), store(prefix)
    holding = holder.issue_ticket(conversation, lock_lifetime=30)

    async def wait_until_its_ticket_is_gone() -> None:
        async def expire_the_waiter() -> None:
            await asyncio.sleep(0.3)
            holder.finish_serving(conversation, holding + 1)  # the waiter's ticket, as if it expired

        expiring = asyncio.create_task(expire_the_waiter())
        try:
            async with waiter.lock(conversation, lock_lifetime=30, wait_time_in_seconds=0.02):
                pytest.fail("served while another ticket was being served")
        finally:
            await expiring

    with pytest.raises(LockError):
        asyncio.run(asyncio.wait_for(wait_until_its_ticket_is_gone(), 5))
    lock = holder.get_lock(conversation)
    assert lock is not None and [t.number for t in lock.tickets] == [holding]  # the waiter's ticket is gone
    holder.cleanup(conversation, holding)
    assert holder.get_lock(conversation) is None


def test_a_turn_longer_than_its_lease_keeps_the_lock_and_the_next_waits() -> None:
    """Leases are renewed while the turn runs: a slow turn is never joined by another instance's."""
    prefix, conversation = uuid.uuid4().hex, sms_conversation()
    first, second = store(prefix), store(prefix)
    order: list[str] = []

    async def slow_turn() -> None:
        async with first.lock(conversation, lock_lifetime=0.3, wait_time_in_seconds=0.02):
            order.append("slow starts")
            await asyncio.sleep(1.2)  # four leases
            order.append("slow ends")

    async def next_turn() -> None:
        await asyncio.sleep(0.1)
        async with second.lock(conversation, lock_lifetime=0.3, wait_time_in_seconds=0.02):
            order.append("next starts")

    asyncio.run(_all([slow_turn(), next_turn()]))

    assert order == ["slow starts", "slow ends", "next starts"]
    assert first.get_lock(conversation) is None


def test_renewing_a_ticket_that_expired_says_so() -> None:
    prefix, conversation = uuid.uuid4().hex, sms_conversation()
    lock_store = store(prefix)
    ticket = lock_store.issue_ticket(conversation, lock_lifetime=30)
    assert lock_store.renew(conversation, ticket, lease=30) is True
    lock_store.finish_serving(conversation, ticket)
    assert lock_store.renew(conversation, ticket, lease=30) is False


def test_redis_holds_no_phone_number_and_forgets_the_lock_by_itself() -> None:
    prefix, conversation = uuid.uuid4().hex, sms_conversation()
    instance = store(prefix)
    ticket = instance.issue_ticket(conversation, lock_lifetime=5)
    instance.cleanup(conversation, ticket)

    raw = redis.Redis.from_url(REDIS_URL)
    keys = raw.keys(f"{prefix}:*")
    assert len(keys) == 1
    assert conversation.removeprefix("sms:").encode() not in keys[0] + b"".join(raw.hgetall(keys[0]))
    assert 0 < raw.pttl(keys[0]) <= 5000  # the counter goes one lifetime after the last ticket
    assert instance.issue_ticket(conversation) == ticket + 1  # meanwhile no number is reused
    raw.delete(*keys)


def test_saving_a_whole_lock_is_refused() -> None:
    instance = store(uuid.uuid4().hex)
    with pytest.raises(NotImplementedError, match="overwrite"):
        instance.save_lock(instance.create_lock(sms_conversation()))


def test_rasa_loads_the_store_from_the_endpoints_the_launcher_writes(tmp_path: Path) -> None:
    config = launcher.StackConfig.from_env({"ADVOCATE_VAR_DIR": str(tmp_path), "REDIS_URL": REDIS_URL})
    endpoints = AvailableEndpoints.read_endpoints(str(launcher.write_endpoints(config)))

    loaded = LockStore.create(endpoints.lock_store)

    assert type(loaded) is AtomicRedisLockStore
    conversation = sms_conversation()
    ticket = loaded.issue_ticket(conversation)
    # Another instance with the same endpoints sees the ticket: same Redis, same database, same keys.
    other_instance = LockStore.create(AvailableEndpoints.read_endpoints(str(config.endpoints_file)).lock_store)
    seen = other_instance.get_lock(conversation)
    assert seen is not None and seen.now_serving == ticket
    loaded.delete_lock(conversation)
