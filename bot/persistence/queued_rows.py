"""What the inbox and the outbox share: whose rows are waiting, and forgetting finished rows.

Both tables are per-person queues that several instances drain (bot.channels.durable): a row is
free when nobody holds it or its holder's lease ran out, and a person is served oldest row first.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.sql.elements import ColumnElement

from bot.persistence.db import session_scope


def people_with_free_rows(model: Any, conditions: list[ColumnElement[bool]], now: datetime, limit: int) -> list[str]:
    """Keyed hashes of the people with a row matching `conditions` that nobody holds, longest waiting first."""
    with session_scope() as session:
        return list(
            session.scalars(
                select(model.sender_id)
                .where(*conditions, or_(model.claimed_by.is_(None), model.lease_until < now))
                .group_by(model.sender_id)
                .order_by(func.min(model.id))
                .limit(limit)
            )
        )


def delete_finished_before(finished: Any, cutoff: datetime) -> int:
    """Delete the rows whose `finished` time (a model's column) is before `cutoff`; how many went."""
    with session_scope() as session:
        return session.execute(delete(finished.class_).where(finished.is_not(None), finished < cutoff)).rowcount
