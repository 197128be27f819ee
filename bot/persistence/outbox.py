"""The channels' durable outbox: an advocate's reply to an SMS or Slack person, kept until it is sent.

The Rasa process that delivers an advocate's message (``bot.channels.outbox_runner``) writes it
here first, then sends it part by part, recording each part the provider accepted with the
provider's id (Twilio's message SID, Slack's ``channel/ts``), and retries with exponential back-off
what failed. A row is claimed by one conditional UPDATE (``claimed_by`` empty or its lease over),
like the inbox (``bot.persistence.inbox``), and only a person's oldest pending row, so their
messages go out in the order the advocate wrote them. ``message_key`` is unique per channel, so
asking twice to send the same advocate message sends it once.

At most once per part, with one window: the provider accepted a part and the process died before
:func:`mark_part_sent` committed. The lease then runs out and the part is sent again (neither
Twilio's Messages API nor Slack's chat.postMessage takes an idempotency key). A part marked sent
is never sent again.

Sealed with the person's key: the recipient's conversation id and the text, both emptied once the
row is sent or failed. ``last_error`` holds a code (``HTTP 503``, ``channel_not_found``), never
words or numbers. Nothing here logs a text or a conversation id.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from bot.persistence.db import session_scope
from bot.persistence.models import OutboxMessage, utcnow
from bot.persistence.people import sender_hash, writer
from bot.persistence.queued_rows import add_once, claim_oldest, delete_finished_before, opened, people_with_free_rows
from bot.security.crypto import PersonCipher

logger = logging.getLogger(__name__)

TABLE = OutboxMessage.__tablename__
PENDING, SENT, FAILED = "pending", "sent", "failed"
# Finished rows hold no words; they are kept this long so a repeated request is still recognised.
RETENTION = timedelta(days=7)


@dataclass(frozen=True)
class Outbound:
    """A claimed message, opened: who gets it, its text, how much of it went out already."""

    id: int
    channel: str
    key: str
    recipient: str
    text: str
    parts_sent: int
    attempts: int
    claim: str


def enqueue(channel: str, key: str, recipient: str, text: str) -> str:
    """Store a message to send (once per ``key``: a repeat is ignored); the recipient's keyed hash."""
    cipher = writer(recipient)
    row = OutboxMessage(
        channel=channel,
        message_key=key,
        sender_id=cipher.person,
        recipient=cipher.seal(TABLE, "recipient", recipient),
        body=cipher.seal(TABLE, "body", text),
        status=PENDING,
        parts_sent=0,
        provider_ids="",
        attempts=0,
        next_attempt_at=utcnow(),
    )
    if not add_once(row):  # already queued, sent or failed
        logger.info("outbox: %s message %s was queued before; not queued again", channel, key)
    return sender_hash(recipient)


def _pending(columns: Any) -> ColumnElement[bool]:
    return columns.status == PENDING


def _held_by(message_id: int, claim: str) -> list[object]:
    return [OutboxMessage.id == message_id, OutboxMessage.claimed_by == claim, OutboxMessage.status == PENDING]


def _finish(session: Session, message_id: int, claim: str, status: str, **values: object) -> int:
    return session.execute(
        update(OutboxMessage)
        .where(*_held_by(message_id, claim))
        .values(status=status, finished_at=utcnow(), lease_until=None, recipient=None, body=None, **values)
        .execution_options(synchronize_session=False)
    ).rowcount


def claim_next(channel: str, person: str, claim: str, lease: timedelta, now: datetime | None = None) -> Outbound | None:
    """The person's oldest pending message if it is due and nobody holds it, claimed as ``claim``.

    None when there is nothing, or when that message waits for its next attempt or is held
    elsewhere: later messages wait behind it, so they never overtake it.
    """
    now = now or utcnow()
    with session_scope() as session:
        claimed = claim_oldest(
            session, OutboxMessage, _pending, channel=channel, person=person, claim=claim, lease=lease, now=now,
            counter="attempts", due=(OutboxMessage.next_attempt_at <= now,),
        )  # fmt: skip
        if not claimed:
            return None
        row = session.scalars(select(OutboxMessage).where(OutboxMessage.claimed_by == claim)).one()
        outbound = opened(row, lambda cipher: _outbound(row, claim, cipher))
        if outbound is None:
            logger.warning("outbox: message %d (%s) dropped: it no longer opens (erased)", row.id, row.channel)
            _finish(session, row.id, claim, FAILED, last_error="undecryptable")
        return outbound


def _outbound(row: OutboxMessage, claim: str, cipher: PersonCipher) -> Outbound:
    return Outbound(
        id=row.id,
        channel=row.channel,
        key=row.message_key,
        recipient=cipher.open(TABLE, "recipient", row.recipient) or "",
        text=cipher.open(TABLE, "body", row.body) or "",
        parts_sent=row.parts_sent,
        attempts=row.attempts,
        claim=claim,
    )


def mark_part_sent(
    message_id: int, claim: str, index: int, provider_id: str, last: bool, lease: timedelta
) -> bool:
    """Part ``index`` was accepted by the provider as ``provider_id``; ``last``: the message is sent.

    One UPDATE, conditional on the claim and on ``parts_sent == index``, so a part is counted once;
    it renews the claim for the parts still to send. False when the claim was lost (lease over and
    taken, or the person erased).
    """
    values: dict[str, object] = {
        "parts_sent": index + 1,
        "provider_ids": func.trim(OutboxMessage.provider_ids + " " + provider_id),
        "lease_until": utcnow() + lease,
    }
    if last:
        values.update(status=SENT, finished_at=utcnow(), lease_until=None, recipient=None, body=None)
    with session_scope() as session:
        return (
            session.execute(
                update(OutboxMessage)
                .where(*_held_by(message_id, claim), OutboxMessage.parts_sent == index)
                .values(**values)
                .execution_options(synchronize_session=False)
            ).rowcount
            == 1
        )


def schedule_retry(message_id: int, claim: str, delay: float, error: str) -> bool:
    """A retryable failure: release the claim, try again in ``delay`` seconds."""
    with session_scope() as session:
        return (
            session.execute(
                update(OutboxMessage)
                .where(*_held_by(message_id, claim))
                .values(
                    claimed_by=None,
                    lease_until=None,
                    next_attempt_at=utcnow() + timedelta(seconds=delay),
                    last_error=error[:255],
                )
                .execution_options(synchronize_session=False)
            ).rowcount
            == 1
        )


def mark_failed(message_id: int, claim: str, error: str) -> bool:
    """Given up (refused, opted out, or out of attempts): never sent again."""
    with session_scope() as session:
        return _finish(session, message_id, claim, FAILED, last_error=error[:255]) == 1


def people_due(channel: str, now: datetime | None = None, limit: int = 500) -> list[str]:
    """Keyed hashes of the people with a pending message that is due and that nobody holds."""
    now = now or utcnow()
    due = OutboxMessage.next_attempt_at <= now
    conditions = [OutboxMessage.channel == channel, OutboxMessage.status == PENDING, due]
    return people_with_free_rows(OutboxMessage, conditions, now, limit)


def prune(now: datetime | None = None) -> int:
    """Delete sent and failed rows older than :data:`RETENTION`."""
    return delete_finished_before(OutboxMessage.finished_at, (now or utcnow()) - RETENTION)
