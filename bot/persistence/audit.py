"""The staff audit log: append-only, hash-chained, verifiable (HIPAA 164.312(b) audit controls).

Each entry stores ``prev_hash`` (the entry before it's ``entry_hash``; :data:`GENESIS` for the
first) and ``entry_hash`` = HMAC-SHA256 (:func:`bot.security.hashing.keyed_hash`, key
``ADVOCATE_HASH_KEY``) over ``prev_hash`` and the entry's canonical content. Editing, removing or
inserting a row therefore breaks the chain at that row; an HMAC rather than a plain SHA-256 means
that someone with only the database cannot rebuild a consistent chain after tampering. On top of
that, triggers (migration 0006) make the database itself refuse UPDATE and DELETE on the log.

Appending is serialised across processes by updating the single ``audit_head`` row first: on
SQLite that statement takes the database's write lock before anything is read, on PostgreSQL the
row lock; so two writers can never chain onto the same previous entry. The head also records the
last entry, so a log cut short at its end is detected too.

Entries hold who, what and when, never a person's words: the conversation is named by a keyed
hash of its id (``subject``), the detail by ids and counts.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import select, text, update

from bot.persistence.db import inserted, session_scope
from bot.persistence.models import AuditEntry, AuditHead, utcnow
from bot.security.hashing import keyed_hash

GENESIS = "0" * 64
HEAD_ID = 1
_CHAIN_PURPOSE = "audit-chain"
_SUBJECT_PURPOSE = "audit-subject"


def _utc(value: datetime) -> datetime:
    """SQLite hands datetimes back naive; they are all UTC."""
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def subject_of(sender_id: str) -> str:
    """How the log names a conversation: a keyed hash, so the log (which outlives an erase) holds no id.

    An auditor who knows a person's id (and has the key) can still find every access to them.
    """
    return keyed_hash(sender_id, _SUBJECT_PURPOSE)


def canonical_content(
    *,
    actor: str,
    action: str,
    advocate_id: int | None,
    api_key_id: int | None,
    handoff_id: int | None,
    subject: str | None,
    detail: dict[str, Any],
    created_at: datetime,
) -> str:
    """The entry as one stable string: sorted JSON, the time in UTC with microseconds.

    Stable across SQLite and PostgreSQL (both keep microseconds) and across JSON round trips,
    which is why the detail may hold only strings, integers, booleans and None.
    """
    return json.dumps(
        {
            "actor": actor,
            "action": action,
            "advocate_id": advocate_id,
            "api_key_id": api_key_id,
            "handoff_id": handoff_id,
            "subject": subject,
            "detail": detail,
            "created_at": _utc(created_at).isoformat(timespec="microseconds"),
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
    )


def chain_hash(prev_hash: str, content: str) -> str:
    return keyed_hash(f"{prev_hash}\n{content}", _CHAIN_PURPOSE)


def _content_of(entry: AuditEntry) -> str:
    return canonical_content(
        actor=entry.actor,
        action=entry.action,
        advocate_id=entry.advocate_id,
        api_key_id=entry.api_key_id,
        handoff_id=entry.handoff_id,
        subject=entry.subject,
        detail=dict(entry.detail or {}),
        created_at=entry.created_at,
    )


def audit_dict(e: AuditEntry) -> dict[str, Any]:
    return {
        "id": e.id,
        "advocate_id": e.advocate_id,
        "api_key_id": e.api_key_id,
        "actor": e.actor,
        "action": e.action,
        "handoff_id": e.handoff_id,
        "subject": e.subject,
        "detail": dict(e.detail or {}),
        "created_at": _utc(e.created_at).isoformat(),
    }


def write_audit(
    actor: str,
    action: str,
    *,
    advocate_id: int | None = None,
    api_key_id: int | None = None,
    handoff_id: int | None = None,
    sender_id: str | None = None,
    detail: dict[str, Any] | None = None,
    unless_within: timedelta | None = None,
) -> dict[str, Any] | None:
    """Append one entry: who (``actor``, ``advocate_id``, ``api_key_id``), what (``action`` on
    ``handoff_id`` / the conversation ``sender_id``, stored as :func:`subject_of`), when.

    With ``unless_within``, nothing is written when the same actor already did the same action on
    the same handoff and conversation that recently (returns None): the console re-reads an open
    conversation every second, and one entry per visit says who saw it without burying the log.
    """
    subject = subject_of(sender_id) if sender_id is not None else None
    actor = actor[:255]
    detail = dict(detail or {})
    with session_scope() as session:
        # The first statement writes: it takes the lock that serialises appends (see the module doc).
        session.execute(update(AuditHead).where(AuditHead.id == HEAD_ID).values(last_id=AuditHead.last_id))
        head = session.get(AuditHead, HEAD_ID)
        if head is None:
            raise RuntimeError("audit_head has no row: run the migrations (python -m bot.persistence.migrate)")
        now = utcnow()
        if unless_within is not None:
            recent = session.scalars(
                select(AuditEntry.id)
                .where(
                    AuditEntry.actor == actor,
                    AuditEntry.action == action,
                    AuditEntry.handoff_id.is_(None) if handoff_id is None else AuditEntry.handoff_id == handoff_id,
                    AuditEntry.subject.is_(None) if subject is None else AuditEntry.subject == subject,
                    AuditEntry.created_at >= now - unless_within,
                )
                .limit(1)
            ).first()
            if recent is not None:
                return None
        content = canonical_content(
            actor=actor, action=action, advocate_id=advocate_id, api_key_id=api_key_id, handoff_id=handoff_id,
            subject=subject, detail=detail, created_at=now,
        )  # fmt: skip
        row = AuditEntry(
            actor=actor, action=action, advocate_id=advocate_id, api_key_id=api_key_id, handoff_id=handoff_id,
            subject=subject, detail=detail, created_at=now, prev_hash=head.last_hash,
            entry_hash=chain_hash(head.last_hash, content),
        )  # fmt: skip
        inserted(session, row)
        head.last_id = row.id
        head.last_hash = row.entry_hash
        return audit_dict(row)


def list_audit(handoff_id: int | None = None, limit: int = 200) -> list[dict[str, Any]]:
    """Newest first."""
    with session_scope() as session:
        query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
        if handoff_id is not None:
            query = query.where(AuditEntry.handoff_id == handoff_id)
        return [audit_dict(e) for e in session.scalars(query)]


@dataclass(frozen=True)
class ChainCheck:
    """What :func:`verify_chain` found: ``broken_id`` is the first entry that does not verify."""

    entries: int
    broken_id: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_id is None and not self.reason


def _entries_in_order(session: Any) -> Iterator[AuditEntry]:
    return session.scalars(select(AuditEntry).order_by(AuditEntry.id).execution_options(yield_per=500))


def verify_chain() -> ChainCheck:
    """Recompute the whole chain from the first entry; stop at the first one that does not verify."""
    checked = 0
    previous_hash, previous_id = GENESIS, 0
    with session_scope() as session:
        for entry in _entries_in_order(session):
            if entry.prev_hash != previous_hash:
                reason = f"its prev_hash does not match entry #{previous_id}: an entry before it was removed or changed"
                return ChainCheck(checked, entry.id, reason)
            if entry.entry_hash != chain_hash(previous_hash, _content_of(entry)):
                return ChainCheck(checked, entry.id, "its content does not match its hash: it was changed")
            checked += 1
            previous_hash, previous_id = entry.entry_hash, entry.id
        head = session.get(AuditHead, HEAD_ID)
        if head is None or head.last_id != previous_id or head.last_hash != previous_hash:
            last = "none" if head is None else f"#{head.last_id}"
            reason = f"the log ends at #{previous_id} but its head says {last}: entries were removed"
            return ChainCheck(checked, None, reason)
    return ChainCheck(checked)


def seal_existing_entries(connection: Any) -> None:
    """Chain the entries written before the log was chained (migration 0006), in id order, and set the head."""
    rows = connection.execute(
        text("SELECT id, actor, action, advocate_id, handoff_id, detail, created_at FROM audit_log ORDER BY id")
    ).mappings()
    previous_hash, previous_id = GENESIS, 0
    for row in list(rows):
        detail = row["detail"]
        detail = json.loads(detail) if isinstance(detail, str) else dict(detail or {})
        created_at = row["created_at"]
        if isinstance(created_at, str):
            created_at = datetime.fromisoformat(created_at)
        content = canonical_content(
            actor=row["actor"], action=row["action"], advocate_id=row["advocate_id"], api_key_id=None,
            handoff_id=row["handoff_id"], subject=None, detail=detail, created_at=created_at,
        )  # fmt: skip
        entry_hash = chain_hash(previous_hash, content)
        connection.execute(
            text("UPDATE audit_log SET prev_hash = :prev, entry_hash = :hash WHERE id = :id"),
            {"prev": previous_hash, "hash": entry_hash, "id": row["id"]},
        )
        previous_hash, previous_id = entry_hash, row["id"]
    connection.execute(
        text("INSERT INTO audit_head (id, last_id, last_hash) VALUES (:id, :last_id, :last_hash)"),
        {"id": HEAD_ID, "last_id": previous_id, "last_hash": previous_hash},
    )
