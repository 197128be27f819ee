"""Counters behind the abuse limits (``bot.security.limits``), safe when several processes race.

Two conversations may ask to text the same number in the same second, from two action-server
workers or two machines: counting rows and then inserting one would let both through. Here a
unit is taken by one conditional statement, ``UPDATE ... SET used = used + 1 WHERE used < limit``,
after ``INSERT ... ON CONFLICT DO NOTHING`` made sure the row exists. PostgreSQL re-checks the
condition on the row's latest version once a concurrent writer commits, and SQLite lets one
writer in at a time, so neither can go past the limit. Several quotas (a number's daily texts and
the service's) are taken in one transaction, all or none, in a fixed order so two transactions
never wait on each other.

The counters are not a person's data: a keyed hash of a number or of a sender id, a period and a
count, deleted when the period is over. So "delete my data" leaves them: a hand-off counter that
an erase reset would let "delete my data", "talk to a person" page advocates again and again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.persistence.db import session_scope
from bot.persistence.models import Handoff, LimitCounter, utcnow


@dataclass(frozen=True)
class Quota:
    """At most ``limit`` of ``scope`` for ``subject`` (a keyed hash, or "all") in ``period``."""

    scope: str
    subject: str
    period: str
    limit: int
    expires_at: datetime


class _Full(Exception):
    """Raised inside the transaction so that the units already taken in it are rolled back."""

    def __init__(self, quota: Quota) -> None:
        super().__init__(quota.scope)
        self.quota = quota


def _row(quota: Quota) -> list[Any]:
    """The WHERE clause of the quota's counter row."""
    return [
        LimitCounter.scope == quota.scope,
        LimitCounter.subject == quota.subject,
        LimitCounter.period == quota.period,
    ]


def _ensure_row(session: Session, quota: Quota) -> None:
    values = {"scope": quota.scope, "subject": quota.subject, "period": quota.period, "used": 0,
              "expires_at": quota.expires_at}  # fmt: skip
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(dialect.insert(LimitCounter).values(**values).on_conflict_do_nothing())


def _ordered(quotas: Sequence[Quota]) -> list[Quota]:
    return sorted(quotas, key=lambda quota: (quota.scope, quota.subject, quota.period))


def take(quotas: Sequence[Quota], now: datetime | None = None) -> Quota | None:
    """Use one unit of every quota, or none of them: None when taken, else the first one that is full."""
    try:
        with session_scope() as session:
            session.execute(delete(LimitCounter).where(LimitCounter.expires_at <= (now or utcnow())))
            for quota in _ordered(quotas):
                _ensure_row(session, quota)
                taken = session.execute(
                    update(LimitCounter)
                    .where(*_row(quota), LimitCounter.used < quota.limit)
                    .values(used=LimitCounter.used + 1)
                    .execution_options(synchronize_session=False)
                )
                if taken.rowcount != 1:
                    raise _Full(quota)
    except _Full as full:
        return full.quota
    return None


def give_back(quotas: Sequence[Quota]) -> None:
    """Return a unit taken for something that did not happen (the text did not go out)."""
    with session_scope() as session:
        for quota in _ordered(quotas):
            session.execute(
                update(LimitCounter)
                .where(*_row(quota), LimitCounter.used > 0)
                .values(used=LimitCounter.used - 1)
                .execution_options(synchronize_session=False)
            )


def first_full(quotas: Sequence[Quota]) -> Quota | None:
    """The first quota with nothing left, without taking anything: to tell the person early."""
    with session_scope() as session:
        for quota in quotas:
            used = session.scalar(select(LimitCounter.used).where(*_row(quota)))
            if (used or 0) >= quota.limit:
                return quota
    return None


def reopen_handoff(handoff_id: int) -> bool:
    """Put a person's latest hand-off back in the advocates' queue, without a new page.

    Over the hand-off limit, the person's request still reaches the team: the hand-off an advocate
    closed earlier is open again in the console (no new row, no Slack announcement).
    """
    with session_scope() as session:
        row = session.get(Handoff, handoff_id)
        if row is None:
            return False
        if row.status != "open":
            row.status = "open"
            row.closed_at = None
        return True
