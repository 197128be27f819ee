"""How a row of Rasa's ``events`` table is stored: the one format the tracker store writes and the
repository (hand-off transcripts, erasure) reads.

``sender_id`` is the sender's keyed hash, ``data`` (the event's dict as JSON, what Rasa stores) is
sealed with the person's key, and ``intent_name``/``action_name`` stay empty: Rasa only ever reads
``data``, and the names alone say too much (``crisis_self_harm``, ``action_erase_data``).
``type_name`` ("user", "bot", "slot", ...) and ``timestamp`` stay plain: Rasa's own query finds the
latest session with them, and they say nothing about the person.
"""

from __future__ import annotations

import json
from typing import Any

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
