""""Delete my data" (rows and key), what it would delete, and SMS opt-outs (STOP / START).

Erasure is crypto-shredding: the person's rows are deleted, then their key is destroyed, so every
copy of their ciphertext that a delete cannot reach (SQLite's ``-wal``, backups, replicas) becomes
unreadable. On SQLite the WAL is then checkpointed and truncated, and ``secure_delete`` has
zeroed the deleted rows in the database file itself.

The channels' inbox and outbox (issue 15) are erased too: a message still waiting for its turn, or
an advocate's reply not yet sent, holds the person's words and number. So messages queued behind
"delete my data" go with it, and one stored while the erase runs is sealed under the key being
destroyed and is dropped unread when its turn comes (``bot.persistence.inbox``).
"""

from __future__ import annotations

from sqlalchemy import delete, func, select

from bot.persistence import tracker_events
from bot.persistence.db import session_scope, truncate_wal
from bot.persistence.models import (
    Assessment,
    Conversation,
    Handoff,
    HandoffMessage,
    InboxMessage,
    OutboxMessage,
    Question,
    QuestionText,
    RecordsRequest,
    ShareLink,
    SmsOptOut,
    UnclearMessage,
)
from bot.persistence.people import destroy_key, sender_hash
from bot.persistence.tracker_events import RASA_EVENTS_TABLE

# What is stored about a person, per table, in the order it is erased (messages before handoffs).
PERSON_MODELS = (
    Question,
    RecordsRequest,
    Assessment,
    Handoff,
    ShareLink,
    QuestionText,
    UnclearMessage,
    InboxMessage,
    OutboxMessage,
    Conversation,
)


def erase_person(sender_id: str) -> dict[str, int]:
    """Delete every row stored about ``sender_id``, Rasa's conversation history included, and their key."""
    person = sender_hash(sender_id)
    counts: dict[str, int] = {}
    with session_scope() as session:
        handoff_ids = list(session.scalars(select(Handoff.id).where(Handoff.sender_id == person)))
        if handoff_ids:
            session.execute(delete(HandoffMessage).where(HandoffMessage.handoff_id.in_(handoff_ids)))
        for model in PERSON_MODELS:
            counts[model.__tablename__] = session.execute(delete(model).where(model.sender_id == person)).rowcount
        deleted = tracker_events.delete_rows(session, person)
        if deleted is not None:
            counts[RASA_EVENTS_TABLE] = deleted
    destroy_key(sender_id)
    truncate_wal()
    return counts


def count_person_rows(sender_id: str) -> dict[str, int]:
    """What :func:`erase_person` would delete now, per table, without deleting anything."""
    person = sender_hash(sender_id)
    counts: dict[str, int] = {}
    with session_scope() as session:
        for model in PERSON_MODELS:
            counts[model.__tablename__] = session.scalar(
                select(func.count()).select_from(model).where(model.sender_id == person)
            )
        stored = tracker_events.count_rows(session, person)
        if stored is not None:
            counts[RASA_EVENTS_TABLE] = stored
    return counts


# --- SMS opt-out (STOP / START): kept by the number's keyed hash, outlives an erasure ---------


def set_sms_opt_out(sender_id: str, keyword: str) -> None:
    """Remember that ``sender_id`` texted STOP (or another opt-out keyword); idempotent."""
    person = sender_hash(sender_id)
    with session_scope() as session:
        if session.get(SmsOptOut, person) is None:
            session.add(SmsOptOut(sender_id=person, keyword=keyword[:32]))


def clear_sms_opt_out(sender_id: str) -> bool:
    """Forget the opt-out after START; True when there was one."""
    with session_scope() as session:
        return session.execute(delete(SmsOptOut).where(SmsOptOut.sender_id == sender_hash(sender_id))).rowcount > 0


def is_sms_opted_out(sender_id: str) -> bool:
    with session_scope() as session:
        return session.get(SmsOptOut, sender_hash(sender_id)) is not None
