"""Hand-offs to human advocates, the advocates' messages, and the transcript an advocate reads.

A hand-off row carries the sender's keyed hash (to find the person's hand-offs) and their real
sender id sealed (the console shows it, the JSON API lists it, replies are delivered to it). The
summary, the advocates' messages and the tracker events are sealed with the person's key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.persistence import tracker_events
from bot.persistence.db import inserted, session_scope
from bot.persistence.models import Handoff, HandoffMessage, utcnow
from bot.persistence.people import iso, reader, reader_by_hash, readers_by_hash, writer, writer_by_hash
from bot.persistence.tracker_events import open_event
from bot.security.crypto import PersonCipher

TABLE = Handoff.__tablename__
MESSAGES_TABLE = HandoffMessage.__tablename__


def _handoff_dict(h: Handoff, cipher: PersonCipher) -> dict[str, Any]:
    return {
        "id": h.id,
        "sender_id": cipher.open(TABLE, "sender", h.sender),
        "channel": h.channel,
        "reason": h.reason,
        "summary": cipher.open_json(TABLE, "summary", h.summary, {}),
        "status": h.status,
        "created_at": iso(h.created_at),
        "closed_at": iso(h.closed_at),
    }


def open_handoff(sender_id: str, channel: str | None, reason: str, summary: dict[str, Any]) -> dict[str, Any]:
    """Open a handoff, or return the one already open: a person waits in the queue once."""
    cipher = writer(sender_id)
    with session_scope() as session:
        current = session.scalars(
            select(Handoff).where(Handoff.sender_id == cipher.person, Handoff.status == "open").limit(1)
        ).first()
        if current is not None:
            return _handoff_dict(current, cipher)
        row = Handoff(
            sender_id=cipher.person,
            sender=cipher.seal(TABLE, "sender", sender_id),
            channel=channel,
            reason=reason,
            summary=cipher.seal_json(TABLE, "summary", summary),
            status="open",
        )
        return _handoff_dict(inserted(session, row), cipher)


def current_handoff(sender_id: str) -> dict[str, Any] | None:
    """The open handoff if there is one, else the most recent closed one, else None."""
    cipher = reader(sender_id)
    if cipher is None:
        return None
    with session_scope() as session:
        rows = list(
            session.scalars(select(Handoff).where(Handoff.sender_id == cipher.person).order_by(Handoff.id.desc()))
        )
        open_rows = [h for h in rows if h.status == "open"]
        chosen = open_rows[0] if open_rows else (rows[0] if rows else None)
        return _handoff_dict(chosen, cipher) if chosen else None


def list_handoffs(status: str | None = None) -> list[dict[str, Any]]:
    """Oldest first: the person who has waited longest is served first.

    A hand-off whose person has no key any more (erased while this list was read) is left out.
    """
    with session_scope() as session:
        query = select(Handoff).order_by(Handoff.created_at, Handoff.id)
        if status:
            query = query.where(Handoff.status == status)
        rows = list(session.scalars(query))
        ciphers = readers_by_hash({h.sender_id for h in rows})
        return [_handoff_dict(h, ciphers[h.sender_id]) for h in rows if h.sender_id in ciphers]


@dataclass(frozen=True)
class _Message:
    id: int
    author: str
    text: str
    created_at: datetime


def _messages(row: Handoff, cipher: PersonCipher) -> list[_Message]:
    return [
        _Message(m.id, m.author, cipher.open(MESSAGES_TABLE, "text", m.text) or "", m.created_at) for m in row.messages
    ]


def _message_dict(m: _Message) -> dict[str, Any]:
    return {"id": m.id, "author": m.author, "text": m.text, "created_at": iso(m.created_at)}


def _readable(session: Session, handoff_id: int) -> tuple[Handoff, PersonCipher] | None:
    """The hand-off and its person's cipher; None when there is no such hand-off or its person was erased."""
    row = session.get(Handoff, handoff_id)
    cipher = reader_by_hash(row.sender_id) if row is not None else None
    return None if row is None or cipher is None else (row, cipher)


def get_handoff(handoff_id: int) -> dict[str, Any] | None:
    with session_scope() as session:
        if (found := _readable(session, handoff_id)) is None:
            return None
        row, cipher = found
        result = _handoff_dict(row, cipher)
        result["advocate_messages"] = [_message_dict(m) for m in _messages(row, cipher)]
        return result


def add_handoff_message(handoff_id: int, author: str, text_: str) -> dict[str, Any] | None:
    with session_scope() as session:
        row = session.get(Handoff, handoff_id)
        if row is None:
            return None
        cipher = writer_by_hash(row.sender_id)
        message = HandoffMessage(handoff_id=handoff_id, author=author, text=cipher.seal(MESSAGES_TABLE, "text", text_))
        inserted(session, message)
        return {"id": message.id, "author": author, "text": text_, "created_at": iso(message.created_at)}


def close_handoff(handoff_id: int) -> dict[str, Any] | None:
    with session_scope() as session:
        if (found := _readable(session, handoff_id)) is None:
            return None
        row, cipher = found
        if row.status != "closed":
            row.status = "closed"
            row.closed_at = utcnow()
        session.flush()
        return _handoff_dict(row, cipher)


# --- the advocate's transcript ---------------------------------------------------------------


def _epoch(value: datetime) -> float:
    """Seconds since the epoch, as Rasa stamps its events; SQLite returns naive datetimes, all UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.timestamp()


def _entry(speaker: str, text_: str, at: float, author: str | None = None) -> tuple[float, dict[str, Any]]:
    at_iso = datetime.fromtimestamp(at, tz=timezone.utc).isoformat()
    return at, {"from": speaker, "text": text_, "at": at_iso, "author": author}


def _tracker_rows(session: Session, handoff: Handoff) -> list[Any]:
    """The person's and the bot's messages in Rasa's ``events`` table during the handoff.

    Rasa creates that table on its first conversation, so until then there is simply nothing to read.
    A closed handoff ends at ``closed_at``: later turns belong to the bot, not to this handoff.
    """
    until = _epoch(handoff.closed_at) if handoff.closed_at is not None else None
    return tracker_events.messages_between(session, handoff.sender_id, _epoch(handoff.created_at), until)


def _pop_stored(stored: dict[int, _Message], metadata: dict[str, Any], author: str, text_: str) -> None:
    """Forget the stored copy of an advocate message Rasa delivered, so it is listed once.

    The web app tags what it delivers with ``handoff_message_id``; an untagged advocate event is
    matched on author and text instead.
    """
    message_id = metadata.get("handoff_message_id")
    if message_id is not None:
        stored.pop(message_id, None)
        return
    for message in stored.values():
        if message.author == author and message.text == text_:
            del stored[message.id]
            return


def handoff_transcript(handoff_id: int) -> list[dict[str, Any]] | None:
    """The conversation since the handoff began, oldest first; None if there is no such handoff.

    The person's and the bot's side live in Rasa's tracker (``events``); the advocate's messages are
    in ``handoff_messages`` and, once delivered, also in the tracker as bot events with
    ``metadata.advocate``. Each advocate message appears once, at its delivery time if it was
    delivered, else at the time it was stored (so a message Rasa never received is still shown).
    Entries: ``{"from": "person" | "bot" | "advocate", "text", "at" (ISO 8601, UTC), "author"}``.
    """
    with session_scope() as session:
        handoff = session.get(Handoff, handoff_id)
        if handoff is None:
            return None
        cipher = reader_by_hash(handoff.sender_id)
        if cipher is None:
            return []
        stored = {message.id: message for message in _messages(handoff, cipher)}
        entries: list[tuple[float, dict[str, Any]]] = []
        for type_name, timestamp, data in _tracker_rows(session, handoff):
            event = open_event(cipher, data)
            message_text = event.get("text") if event else None
            if not message_text:
                continue
            if type_name == "user":
                entries.append(_entry("person", message_text, timestamp))
                continue
            metadata = event.get("metadata")
            advocate = metadata.get("advocate") if isinstance(metadata, dict) else None
            if advocate is None:
                entries.append(_entry("bot", message_text, timestamp))
                continue
            _pop_stored(stored, metadata, str(advocate), message_text)
            entries.append(_entry("advocate", message_text, timestamp, str(advocate)))
        for message in stored.values():
            entries.append(_entry("advocate", message.text, _epoch(message.created_at), message.author))
        entries.sort(key=lambda entry: entry[0])
        return [entry for _, entry in entries]
