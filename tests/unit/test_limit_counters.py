"""The abuse-limit counters on a real database, SQLite and PostgreSQL, including racing writers."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from bot.persistence import limits, repository
from bot.persistence.db import session_scope
from bot.persistence.limits import Quota
from bot.persistence.models import LimitCounter
from bot.security.limits import LimitSettings, handoff_quota, text_quotas

NOW = datetime(2026, 12, 3, 15, 30, tzinfo=timezone.utc)
SETTINGS = LimitSettings.from_env({})


def quota(subject: str = "a", limit: int = 3, scope: str = "test", period: str = "2026-12-03") -> Quota:
    return Quota(scope, subject, period, limit, NOW + timedelta(hours=9))


def used(q: Quota) -> int | None:
    with session_scope() as session:
        return session.scalar(
            select(LimitCounter.used).where(
                LimitCounter.scope == q.scope, LimitCounter.subject == q.subject, LimitCounter.period == q.period
            )
        )


def test_a_quota_gives_its_limit_then_says_which_is_full(database_url: str) -> None:
    q = quota(limit=3)
    assert [limits.take([q], NOW) for _ in range(3)] == [None, None, None]
    assert limits.first_full([q]) == q
    assert limits.take([q], NOW) == q
    assert used(q) == 3
    assert limits.take([quota(subject="b")], NOW) is None  # another subject has its own count
    assert limits.take([quota(period="2026-12-04")], NOW) is None  # and so has the next day


def test_several_quotas_are_taken_all_or_none(database_url: str) -> None:
    number, total = quota("number", limit=5), quota("all", limit=1, scope="total")
    assert limits.take([number, total], NOW) is None
    assert limits.take([number, total], NOW) == total
    assert used(number) == 1  # the number's unit taken before the total was full is rolled back


def test_a_unit_given_back_can_be_taken_again_and_never_below_zero(database_url: str) -> None:
    q = quota(limit=1)
    assert limits.take([q], NOW) is None
    limits.give_back([q])
    assert limits.take([q], NOW) is None
    limits.give_back([q])
    limits.give_back([q])
    assert used(q) == 0


def test_a_zero_limit_allows_nothing(database_url: str) -> None:
    q = quota(limit=0)
    assert limits.first_full([q]) == q and limits.take([q], NOW) == q


def test_counters_of_periods_that_are_over_are_deleted(database_url: str) -> None:
    old = Quota("test", "a", "2026-12-02", 3, NOW - timedelta(minutes=1))
    assert limits.take([old], NOW - timedelta(hours=2)) is None
    assert limits.take([quota()], NOW) is None
    assert used(old) is None and used(quota()) == 1


def test_racing_writers_never_overshoot(database_url: str) -> None:
    """Many threads (each its own connection) take at once: exactly the limit gets through."""
    workers = 8
    number, total = quota("number", limit=3), quota("all", limit=5, scope="total")
    start = threading.Barrier(workers)

    def attempt(_: int) -> Quota | None:
        start.wait()
        return limits.take([number, total], NOW)

    with ThreadPoolExecutor(workers) as pool:
        results = list(pool.map(attempt, range(workers * 2)))
    assert results.count(None) == 3
    assert used(number) == 3 and used(total) == 3


def test_racing_writers_on_many_numbers_stop_at_the_total(database_url: str) -> None:
    workers = 8
    start = threading.Barrier(workers)

    def attempt(index: int) -> Quota | None:
        start.wait()
        return limits.take([quota(f"number-{index}"), quota("all", limit=4, scope="total")], NOW)

    with ThreadPoolExecutor(workers) as pool:
        results = list(pool.map(attempt, range(workers)))
    assert results.count(None) == 4
    assert used(quota("all", limit=4, scope="total")) == 4


def test_only_keyed_hashes_are_stored(database_url: str) -> None:
    assert limits.take(text_quotas("+14155550123", SETTINGS, NOW), NOW) is None
    assert limits.take([handoff_quota("sms:+14155550123", SETTINGS, NOW)], NOW) is None
    with session_scope() as session:
        rows = session.execute(select(LimitCounter.scope, LimitCounter.subject, LimitCounter.period)).all()
    assert {row.period for row in rows} == {"2026-12-03", "2026-12-03T15"}
    assert all("4155550123" not in row.subject for row in rows)
    subjects = {row.scope: row.subject for row in rows}
    assert subjects["sms_total"] == "all" and len(subjects["sms_per_number"]) == 64
    assert subjects["handoffs"] != subjects["sms_per_number"]  # purposes keep the hashes apart


def test_erase_leaves_the_counters_which_are_nobody_s_data(database_url: str) -> None:
    assert limits.take([handoff_quota("person-1", SETTINGS, NOW)], NOW) is None
    repository.erase_person("person-1")
    assert limits.first_full([handoff_quota("person-1", SETTINGS, NOW)]) is None
    assert used(handoff_quota("person-1", SETTINGS, NOW)) == 1


def test_a_closed_handoff_can_be_put_back_in_the_queue(database_url: str) -> None:
    handoff = repository.open_handoff("person-1", "rest", "asked_for_person", {})
    repository.close_handoff(handoff["id"])
    assert limits.reopen_handoff(handoff["id"]) is True
    [again] = repository.list_handoffs("open")
    assert again["id"] == handoff["id"] and again["closed_at"] is None
    assert limits.reopen_handoff(handoff["id"] + 100) is False
