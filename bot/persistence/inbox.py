"""The channels' durable inbox: SMS and Slack messages kept from their webhook until their turn is done.

Twilio and Slack are answered only after :func:`record_inbound` committed the message, so a Rasa
instance that dies mid-turn leaves a row behind, and whichever instance looks next resumes it
(``bot.channels.inbox_runner`` drives this module). Claims are single conditional statements, so
two instances can never both hold a row, on SQLite (one writer at a time) and PostgreSQL (the
second UPDATE waits for the first's row lock, then re-checks its WHERE and finds the row taken):

    UPDATE inbox_messages SET claimed_by = :claim, lease_until = :now + lease, claims = claims + 1
    WHERE id = (SELECT min(id) FROM inbox_messages WHERE <this person's rows not done>)
      AND done_at IS NULL AND (claimed_by IS NULL OR lease_until < :now)

Only the person's *oldest* unfinished row can be claimed, so their messages are handled one at a
time in arrival order by whichever instances are running: a row claimed elsewhere holds back the
rows behind it until it is done or its lease runs out.

What is stored: the person's keyed sender hash (found and erased like every other row of theirs),
the channel and its delivery id (plain: a Twilio MessageSid or a Slack event id says nothing about
anyone), and, sealed with the person's key, their conversation id (an SMS id is their phone
number), their words and the channel's metadata. Those three are emptied when the row is done;
done rows keep only the delivery id, to recognise a repeated delivery, for :data:`RETENTION`.
Nothing here logs a text or a conversation id.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from bot.persistence.db import session_scope
from bot.persistence.models import InboxMessage, utcnow
from bot.persistence.people import writer
from bot.persistence.queued_rows import add_once, claim_oldest, delete_finished_before, opened, people_with_free_rows
from bot.security.crypto import PersonCipher

logger = logging.getLogger(__name__)

TABLE = InboxMessage.__tablename__
# As long as the dedupe remembers a delivery (bot.channels.dedupe): Twilio and Slack repeat within hours.
RETENTION = timedelta(hours=24)
# A message whose turn was started this many times without finishing is dropped: it is more likely
# to be what kills the process than a victim of it, and every instance would otherwise die on it.
MAX_CLAIMS = 3


@dataclass(frozen=True)
class Inbound:
    """A claimed message, opened: what a channel needs to run its turn."""

    id: int
    channel: str
    key: str | None
    sender: str
    text: str
    metadata: dict[str, Any] = field(default_factory=dict)
    claim: str = ""
    claims: int = 1

    @property
    def resumed(self) -> bool:
        """True when an earlier claim may have started its turn (and maybe finished it) before dying."""
        return self.claims > 1


def record_inbound(channel: str, key: str | None, sender: str, text: str, metadata: dict[str, Any]) -> str | None:
    """Store a message before its webhook is answered; the person's hash, or None for a repeat of ``key``."""
    cipher = writer(sender)
    row = InboxMessage(
        channel=channel,
        message_key=key,
        sender_id=cipher.person,
        sender=cipher.seal(TABLE, "sender", sender),
        text=cipher.seal(TABLE, "text", text),
        meta=cipher.seal_json(TABLE, "metadata", metadata),
        claims=0,
    )
    return cipher.person if add_once(row) else None


def holds(channel: str, key: str) -> bool:
    """Is a delivery with this key stored (waiting, in progress or done within the retention)?"""
    with session_scope() as session:
        found = session.scalar(
            select(InboxMessage.id).where(InboxMessage.channel == channel, InboxMessage.message_key == key).limit(1)
        )
        return found is not None


def _done(session: Session, message_id: int, claim: str, now: datetime) -> int:
    return session.execute(
        update(InboxMessage)
        .where(InboxMessage.id == message_id, InboxMessage.claimed_by == claim, InboxMessage.done_at.is_(None))
        .values(done_at=now, lease_until=None, sender=None, text=None, meta=None)
        .execution_options(synchronize_session=False)
    ).rowcount


def _not_done(columns: Any) -> ColumnElement[bool]:
    return columns.done_at.is_(None)


def claim_next(channel: str, person: str, claim: str, lease: timedelta, now: datetime | None = None) -> Inbound | None:
    """The person's oldest unfinished message, claimed as ``claim``; None when there is none or it is held.

    A message claimed :data:`MAX_CLAIMS` times already, or whose person's key is gone (erased while
    it waited), is marked done unread and the next one is tried.
    """
    while True:
        now = now or utcnow()
        with session_scope() as session:
            claimed = claim_oldest(
                session, InboxMessage, _not_done, channel=channel, person=person, claim=claim, lease=lease, now=now,
                counter="claims",
            )  # fmt: skip
            if not claimed:
                return None
            row = session.scalars(
                select(InboxMessage).where(InboxMessage.claimed_by == claim, InboxMessage.done_at.is_(None))
            ).one()
            opened = _open(row, claim)
            if opened is not None:
                return opened
            _done(session, row.id, claim, now)


def _open(row: InboxMessage, claim: str) -> Inbound | None:
    if row.claims > MAX_CLAIMS:
        logger.error("inbox: message %d (%s) dropped: its turn was started %d times", row.id, row.channel, MAX_CLAIMS)
        return None
    inbound = opened(row, lambda cipher: _inbound(row, claim, cipher))
    if inbound is None:
        logger.warning("inbox: message %d (%s) dropped: it no longer opens (erased)", row.id, row.channel)
    return inbound


def _inbound(row: InboxMessage, claim: str, cipher: PersonCipher) -> Inbound:
    return Inbound(
        id=row.id,
        channel=row.channel,
        key=row.message_key,
        sender=cipher.open(TABLE, "sender", row.sender) or "",
        text=cipher.open(TABLE, "text", row.text) or "",
        metadata=cipher.open_json(TABLE, "metadata", row.meta, {}),
        claim=claim,
        claims=row.claims,
    )


def renew(message_id: int, claim: str, lease: timedelta) -> bool:
    """Extend a claim while its turn runs; False when it was lost (expired and taken, or erased)."""
    with session_scope() as session:
        return (
            session.execute(
                update(InboxMessage)
                .where(InboxMessage.id == message_id, InboxMessage.claimed_by == claim, InboxMessage.done_at.is_(None))
                .values(lease_until=utcnow() + lease)
                .execution_options(synchronize_session=False)
            ).rowcount
            == 1
        )


def put_back(message_id: int, claim: str, after: timedelta) -> bool:
    """The turn could not start (a service it needs was away): free the message in ``after``.

    The claim is not counted towards :data:`MAX_CLAIMS`: the message did nothing wrong, and an
    outage longer than three tries must not drop what the person was told we had received.
    """
    with session_scope() as session:
        return (
            session.execute(
                update(InboxMessage)
                .where(InboxMessage.id == message_id, InboxMessage.claimed_by == claim, InboxMessage.done_at.is_(None))
                .values(lease_until=utcnow() + after, claims=InboxMessage.claims - 1)
                .execution_options(synchronize_session=False)
            ).rowcount
            == 1
        )


def mark_done(message_id: int, claim: str) -> bool:
    """The turn was handled (its replies sent): forget the words, keep the delivery id for repeats."""
    with session_scope() as session:
        return _done(session, message_id, claim, utcnow()) == 1


def people_waiting(channel: str, now: datetime | None = None, limit: int = 500) -> list[str]:
    """Keyed hashes of the people with a message nobody holds: never claimed, or its lease ran out."""
    conditions = [InboxMessage.channel == channel, InboxMessage.done_at.is_(None)]
    return people_with_free_rows(InboxMessage, conditions, now or utcnow(), limit)


def prune(now: datetime | None = None) -> int:
    """Delete done rows older than :data:`RETENTION` (they hold no words, only a delivery id)."""
    return delete_finished_before(InboxMessage.done_at, (now or utcnow()) - RETENTION)
