"""bot.persistence.db.through_outage: a PostgreSQL restart is waited out, a broken SQLite file is not.

The fault suite (tests/scaled/test_faults.py) restarts a real PostgreSQL under load; this pins the
rule itself: which errors are waited for, for how long, and that a lasting outage still fails.
"""

from __future__ import annotations

import asyncio
import time

import pytest
from sqlalchemy.exc import OperationalError

from bot.persistence import db

POSTGRES = "postgresql://postgres@db.internal/advocate"


def failing(times: int) -> tuple[list[float], object]:
    calls: list[float] = []

    async def call() -> str:
        calls.append(time.monotonic())
        if len(calls) <= times:
            raise OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"))
        return "done"

    return calls, call


def test_a_restarting_postgresql_is_waited_for_and_the_call_made_again() -> None:
    calls, call = failing(times=2)

    assert asyncio.run(db.through_outage(call, POSTGRES, "test")) == "done"  # type: ignore[arg-type]
    assert len(calls) == 3 and calls[2] - calls[0] >= 0.2 + 0.4 - 0.05  # backing off between tries


def test_sqlite_errors_are_not_waited_for() -> None:
    calls, call = failing(times=1)

    with pytest.raises(OperationalError):
        asyncio.run(db.through_outage(call, "sqlite:////tmp/x.db", "test"))  # type: ignore[arg-type]
    assert len(calls) == 1


def test_an_outage_longer_than_the_wait_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(db, "OUTAGE_WAIT_SECONDS", 1.0)
    calls, call = failing(times=1000)

    with pytest.raises(OperationalError):
        asyncio.run(db.through_outage(call, POSTGRES, "test"))  # type: ignore[arg-type]
    assert 2 <= len(calls) <= 6
