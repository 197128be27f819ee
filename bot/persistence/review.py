"""The review loop (issue 11): messages the bot did not understand, labelled by advocates for training.

A message that fell back (or, later, was asked "did you mean") is kept de-identified
(``bot.understanding.deidentify``) and sealed with its writer's key, on a row found by their keyed
sender hash, so "delete my data" erases it like the rest of their data (``bot.persistence.privacy``).
Advocates label rows in the console; ``python -m bot.advocates.review_export`` writes the labelled
ones for a person to review and marks them exported, so each export holds only new ones.

Nothing here logs a message's text, de-identified or not.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.channels.identity import REST_CHANNEL, namespace_of
from bot.persistence.db import session_scope
from bot.persistence.models import UnclearMessage, utcnow
from bot.persistence.people import iso, readers_by_hash, writer
from bot.security.crypto import PersonCipher
from bot.understanding.deidentify import deidentify

TABLE = UnclearMessage.__tablename__
KINDS = ("fallback", "did_you_mean")
# How many of the classifier's readings are kept: the two a "did you mean" would offer.
READINGS_KEPT = 2
# The FallbackClassifier's own "intent" heads the ranking of a message that fell back; it is not a reading.
FALLBACK_INTENT = "nlu_fallback"


def channel_kind(sender_id: str) -> str:
    """sms, slack, web or rest: where the message came from, without who sent it."""
    namespace = namespace_of(sender_id)
    return namespace.value if namespace else REST_CHANNEL


def record_unclear_message(sender_id: str, text: str, kind: str, readings: Sequence[tuple[str, float]]) -> None:
    """Keep a message the bot did not understand, de-identified and sealed, for advocates to label.

    ``readings`` are the classifier's (intent, confidence) pairs, best first (Rasa's
    ``intent_ranking``); the best two real intents are kept. A message that is blank once
    de-identified is not kept.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {KINDS}")
    cleaned = deidentify(text)
    if not cleaned.strip():
        return
    kept = [[str(intent), round(float(confidence), 4)] for intent, confidence in readings if intent != FALLBACK_INTENT]
    kept = kept[:READINGS_KEPT]
    cipher = writer(sender_id)
    with session_scope() as session:
        session.add(
            UnclearMessage(
                sender_id=cipher.person,
                channel=channel_kind(sender_id),
                kind=kind,
                readings=cipher.seal_json(TABLE, "readings", kept),
                text=cipher.seal(TABLE, "text", cleaned),
            )
        )


def _message_dict(row: UnclearMessage, cipher: PersonCipher) -> dict[str, Any]:
    return {
        "id": row.id,
        "created_at": iso(row.created_at),
        "channel": row.channel,
        "kind": row.kind,
        "readings": [(intent, confidence) for intent, confidence in cipher.open_json(TABLE, "readings", row.readings)],
        "text": cipher.open(TABLE, "text", row.text),
        "label": cipher.open(TABLE, "label", row.label),
        "labelled_by": row.labelled_by,
        "labelled_at": iso(row.labelled_at),
        "exported_at": iso(row.exported_at),
    }


def _opened(rows: Iterable[UnclearMessage]) -> list[dict[str, Any]]:
    """Rows as dicts, each opened with its writer's key (one key-store lookup for all of them)."""
    rows = list(rows)
    ciphers = readers_by_hash({row.sender_id for row in rows})
    # A row without its key is one whose person is being erased right now: nothing to show.
    return [_message_dict(row, ciphers[row.sender_id]) for row in rows if row.sender_id in ciphers]


def _labelled_filter(labelled: bool) -> Any:
    return UnclearMessage.labelled_at.is_not(None) if labelled else UnclearMessage.labelled_at.is_(None)


def list_unclear_messages(labelled: bool = False, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    """Unlabelled (or labelled) messages, newest first, one page of ``limit`` from ``offset``."""
    with session_scope() as session:
        rows = session.scalars(
            select(UnclearMessage)
            .where(_labelled_filter(labelled))
            .order_by(UnclearMessage.created_at.desc(), UnclearMessage.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return _opened(rows)


def count_unclear_messages(labelled: bool = False) -> int:
    with session_scope() as session:
        return session.scalar(select(func.count()).select_from(UnclearMessage).where(_labelled_filter(labelled))) or 0


def label_unclear_message(message_id: int, label: str | None, advocate_id: int) -> dict[str, Any] | None:
    """Set the intent an advocate chose (None: "not for training"); None when there is no such row.

    A label can be changed until the row is exported; after that the export has already been
    handed to a reviewer, so the row keeps the label it was exported with (returns None).
    """
    with session_scope() as session:
        row = session.get(UnclearMessage, message_id)
        if row is None or row.exported_at is not None:
            return None
        ciphers = readers_by_hash({row.sender_id})
        if row.sender_id not in ciphers:
            return None
        cipher = ciphers[row.sender_id]
        row.label = cipher.seal(TABLE, "label", label)
        row.labelled_by = advocate_id
        row.labelled_at = utcnow()
        session.flush()
        return _message_dict(row, cipher)


def _exportable(session: Session) -> list[UnclearMessage]:
    return list(
        session.scalars(
            select(UnclearMessage)
            .where(
                UnclearMessage.labelled_at.is_not(None),
                UnclearMessage.label.is_not(None),
                UnclearMessage.exported_at.is_(None),
            )
            .order_by(UnclearMessage.id)
        )
    )


def unclear_messages_for_export() -> list[dict[str, Any]]:
    """Labelled messages (with an intent, not "not for training") that no export has taken yet."""
    with session_scope() as session:
        return _opened(_exportable(session))


def mark_review_exported(message_ids: Iterable[int]) -> int:
    """Note that these rows were written to an export file, so the next export leaves them out."""
    ids = list(message_ids)
    if not ids:
        return 0
    with session_scope() as session:
        result = session.execute(
            update(UnclearMessage)
            .where(UnclearMessage.id.in_(ids), UnclearMessage.exported_at.is_(None))
            .values(exported_at=utcnow())
        )
        return result.rowcount or 0
