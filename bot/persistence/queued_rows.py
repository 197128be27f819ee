"""What the inbox and the outbox share: storing a row once, claiming a person's oldest row, whose
rows are waiting, and forgetting finished rows.

Both tables are per-person queues that several instances drain (bot.channels.durable): a row is
free when nobody holds it or its holder's lease ran out, and a person is served oldest row first.
Both have a unique (channel, message_key), so the database itself recognises a repeated delivery
or a repeated request to send, on any instance.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from bot.persistence.db import session_scope
from bot.persistence.people import reader_by_hash
from bot.security.crypto import PersonCipher, UndecryptableValue

T = TypeVar("T")
# Whether a row is still in the queue, asked of the model's columns and of an alias of its table alike.
Waiting = Callable[[Any], ColumnElement[bool]]


def _free(model: Any, now: datetime) -> ColumnElement[bool]:
    return or_(model.claimed_by.is_(None), model.lease_until < now)


def add_once(row: Any) -> bool:
    """Commit `row` in a unit of work of its own; False when its (channel, message_key) is stored already."""
    try:
        with session_scope() as session:
            session.add(row)
    except IntegrityError:  # the unique (channel, message_key): stored before, by any instance
        return False
    return True


def claim_oldest(
    session: Session,
    model: Any,
    waiting: Waiting,
    *,
    channel: str,
    person: str,
    claim: str,
    lease: timedelta,
    now: datetime,
    counter: str,
    due: tuple[ColumnElement[bool], ...] = (),
) -> bool:
    """Claim the person's oldest waiting row on `channel` if nobody holds it; True when it was claimed.

    One atomic UPDATE, so two instances can never both hold a row (see bot.persistence.inbox). A row
    that is not `due` yet holds back the rows behind it, like one held elsewhere. `counter` names
    the column that counts the row's claims.
    """
    head = model.__table__.alias("head")  # an alias, or the subquery would correlate to the UPDATE
    oldest = (
        select(func.min(head.c.id))
        .where(head.c.channel == channel, head.c.sender_id == person, waiting(head.c))
        .scalar_subquery()
    )
    claimed = session.execute(
        update(model)
        .where(model.id == oldest, waiting(model), *due, _free(model, now))
        .values({"claimed_by": claim, "lease_until": now + lease, counter: getattr(model, counter) + 1})
        .execution_options(synchronize_session=False)
    )
    return claimed.rowcount == 1


def opened(row: Any, build: Callable[[PersonCipher], T]) -> T | None:
    """`build(cipher)` with the cipher of the row's person; None when they were erased while it waited.

    Erased: their key is gone, or a value sealed with it no longer opens. The caller says so and
    finishes the row, which then only waits to be pruned.
    """
    cipher = reader_by_hash(row.sender_id)
    if cipher is None:
        return None
    try:
        return build(cipher)
    except UndecryptableValue:
        return None


def people_with_free_rows(model: Any, conditions: list[ColumnElement[bool]], now: datetime, limit: int) -> list[str]:
    """Keyed hashes of the people with a row matching `conditions` that nobody holds, longest waiting first."""
    with session_scope() as session:
        return list(
            session.scalars(
                select(model.sender_id)
                .where(*conditions, _free(model, now))
                .group_by(model.sender_id)
                .order_by(func.min(model.id))
                .limit(limit)
            )
        )


def delete_finished_before(finished: Any, cutoff: datetime) -> int:
    """Delete the rows whose `finished` time (a model's column) is before `cutoff`; how many went."""
    with session_scope() as session:
        return session.execute(delete(finished.class_).where(finished.is_not(None), finished < cutoff)).rowcount
