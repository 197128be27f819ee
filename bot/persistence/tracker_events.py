"""Rasa's ``events`` table: how a row is stored, and the only queries on it outside the tracker store.

The tracker store (``bot.rasa_ext.tracker_store``) writes and reads whole conversations; the
repository needs three things more, all here: a person's messages in a time window (the hand-off
transcript), how many rows a person has, and deleting them ("delete my data"). Rasa creates the
table on its first conversation, so each query finds nothing until then.

``sender_id`` is the sender's keyed hash, ``data`` (the event's dict as JSON, what Rasa stores) is
sealed with the person's key, and ``intent_name``/``action_name`` stay empty: Rasa only ever reads
``data``, and the names alone say too much (``crisis_self_harm``, ``action_erase_data``).
``type_name`` ("user", "bot", "slot", ...) and ``timestamp`` stay plain: Rasa's own query finds the
latest session with them, and they say nothing about the person.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import inspect, text
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session

from bot.security.crypto import PersonCipher, UndecryptableValue

RASA_EVENTS_TABLE = "events"
DATA_COLUMN = "data"


def event_row(cipher: PersonCipher, type_name: str, data: dict[str, Any]) -> dict[str, Any]:
    """The column values of one stored event of the cipher's person."""
    return {
        "sender_id": cipher.person,
        "type_name": type_name,
        "timestamp": data.get("timestamp"),
        "intent_name": None,
        "action_name": None,
        "data": cipher.seal(RASA_EVENTS_TABLE, DATA_COLUMN, json.dumps(data)),
    }


def open_event(cipher: PersonCipher | None, stored: str | None) -> dict[str, Any] | None:
    """The event's dict, or None when it cannot be read.

    Unreadable means written under a key destroyed since (a turn that was still running while the
    person's data was erased): that event was erased, and is skipped like a deleted row.
    """
    if cipher is None or stored is None:
        return None
    try:
        event = json.loads(cipher.open(RASA_EVENTS_TABLE, DATA_COLUMN, stored) or "null")
    except (UndecryptableValue, ValueError):
        return None
    return event if isinstance(event, dict) else None


def _table_exists(session: Session) -> bool:
    return inspect(session.connection()).has_table(RASA_EVENTS_TABLE)


def messages_between(session: Session, person: str, since: float, until: float | None = None) -> list[Row[Any]]:
    """(type_name, timestamp, data) of the person's and the bot's messages from ``since``, oldest first."""
    if not _table_exists(session):
        return []
    query = (
        f"SELECT type_name, timestamp, data FROM {RASA_EVENTS_TABLE} "
        "WHERE sender_id = :sender_id AND type_name IN ('user', 'bot') AND timestamp >= :since"
    )
    params: dict[str, Any] = {"sender_id": person, "since": since}
    if until is not None:
        query += " AND timestamp <= :until"
        params["until"] = until
    return list(session.execute(text(query + " ORDER BY timestamp, id"), params))


def count_rows(session: Session, person: str) -> int | None:
    """How many events the person has; None before Rasa created the table."""
    if not _table_exists(session):
        return None
    query = text(f"SELECT COUNT(*) FROM {RASA_EVENTS_TABLE} WHERE sender_id = :sender_id")
    return int(session.scalar(query, {"sender_id": person}) or 0)


def delete_rows(session: Session, person: str) -> int | None:
    """Delete the person's events; how many; None before Rasa created the table."""
    if not _table_exists(session):
        return None
    query = text(f"DELETE FROM {RASA_EVENTS_TABLE} WHERE sender_id = :sender_id")
    return session.execute(query, {"sender_id": person}).rowcount
