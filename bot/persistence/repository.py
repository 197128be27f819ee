"""The unit-of-work functions the actions and the web app use; each opens one session.

They return plain dicts, never ORM objects, so callers can hand them straight to JSON or across a
thread boundary without touching a closed session.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import delete, func, inspect, select, text
from sqlalchemy.orm import Session

from bot.persistence.db import get_engine, session_scope
from bot.persistence.models import (
    Assessment,
    Conversation,
    Handoff,
    HandoffMessage,
    Question,
    QuestionText,
    RecordsRequest,
    ShareLink,
    utcnow,
)

RASA_EVENTS_TABLE = "events"


def _iso(value: datetime | None) -> str | None:
    """ISO 8601 in UTC; SQLite hands datetimes back without their zone, so UTC is re-attached."""
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).isoformat()


def _question_dict(q: Question) -> dict[str, Any]:
    return {"id": q.id, "text": q.text, "source": q.source, "created_at": _iso(q.created_at)}


def _records_dict(r: RecordsRequest) -> dict[str, Any]:
    return {
        "id": r.id,
        "provider": r.provider,
        "record_types": list(r.record_types or []),
        "date_range": r.date_range,
        "record_format": r.record_format,
        "delivery": r.delivery,
        "patient_name": r.patient_name,
        "date_of_birth": r.date_of_birth,
        "letter": r.letter,
        "status": r.status,
        "created_at": _iso(r.created_at),
    }


def _handoff_dict(h: Handoff) -> dict[str, Any]:
    return {
        "id": h.id,
        "sender_id": h.sender_id,
        "channel": h.channel,
        "reason": h.reason,
        "summary": h.summary or {},
        "status": h.status,
        "created_at": _iso(h.created_at),
        "closed_at": _iso(h.closed_at),
    }


def _assessment_dict(a: Assessment) -> dict[str, Any]:
    return {
        "id": a.id,
        "answers": dict(a.answers or {}),
        "recommendation": a.recommendation,
        "reasons": list(a.reasons or []),
        "created_at": _iso(a.created_at),
    }


# --- the person and their case -------------------------------------------------------------


def record_case(sender_id: str, channel: str | None = None, **facts: str | None) -> None:
    """Create or update the person's row; only the facts given (not None) are changed."""
    allowed = {"condition", "condition_category", "treatment", "treatment_category"}
    unknown = set(facts) - allowed
    if unknown:
        raise ValueError(f"unknown case facts: {sorted(unknown)}")
    with session_scope() as session:
        row = session.get(Conversation, sender_id)
        if row is None:
            row = Conversation(sender_id=sender_id)
            session.add(row)
        if channel:
            row.channel = channel
        for key, value in facts.items():
            if value is not None:
                setattr(row, key, value)
        row.updated_at = utcnow()


def get_case(sender_id: str) -> dict[str, Any] | None:
    with session_scope() as session:
        row = session.get(Conversation, sender_id)
        if row is None:
            return None
        return {
            "sender_id": row.sender_id,
            "channel": row.channel,
            "condition": row.condition,
            "condition_category": row.condition_category,
            "treatment": row.treatment,
            "treatment_category": row.treatment_category,
        }


# --- questions -------------------------------------------------------------------------------


def _ordered_questions(session: Session, sender_id: str) -> list[Question]:
    return list(session.scalars(select(Question).where(Question.sender_id == sender_id).order_by(Question.id)))


def add_questions(sender_id: str, texts: Iterable[str], source: str = "person") -> list[dict[str, Any]]:
    """Append questions, skipping blanks and exact repeats of one already saved."""
    with session_scope() as session:
        existing = {q.text.strip().lower() for q in _ordered_questions(session, sender_id)}
        added = []
        for raw in texts:
            cleaned = raw.strip()
            if not cleaned or cleaned.lower() in existing:
                continue
            question = Question(sender_id=sender_id, text=cleaned, source=source)
            session.add(question)
            existing.add(cleaned.lower())
            added.append(question)
        session.flush()
        return [_question_dict(q) for q in added]


def list_questions(sender_id: str) -> list[dict[str, Any]]:
    with session_scope() as session:
        return [_question_dict(q) for q in _ordered_questions(session, sender_id)]


def edit_question(sender_id: str, number: int, new_text: str) -> dict[str, Any] | None:
    """Change question ``number`` (1-based, as the person sees the list); None if there is none."""
    with session_scope() as session:
        questions = _ordered_questions(session, sender_id)
        if not 1 <= number <= len(questions) or not new_text.strip():
            return None
        question = questions[number - 1]
        question.text = new_text.strip()
        question.updated_at = utcnow()
        session.flush()
        return _question_dict(question)


def remove_question(sender_id: str, number: int) -> dict[str, Any] | None:
    """Remove question ``number`` (1-based); returns what was removed, None if out of range."""
    removed, _ = remove_questions(sender_id, [number])
    return removed[0] if removed else None


def remove_questions(sender_id: str, numbers: list[int]) -> tuple[list[dict[str, Any]], list[int]]:
    """Remove the questions at these 1-based positions of the list the person saw, in one go.

    One unit of work: "remove 1 and 3" numbers the list as it was shown, so the positions are
    resolved before anything is deleted. Returns (removed, numbers that matched no question).
    """
    with session_scope() as session:
        questions = _ordered_questions(session, sender_id)
        wanted = [number for number in dict.fromkeys(numbers) if 1 <= number <= len(questions)]
        missing = [number for number in dict.fromkeys(numbers) if number not in wanted]
        removed = [_question_dict(questions[number - 1]) for number in wanted]
        for number in wanted:
            session.delete(questions[number - 1])
        return removed, missing


def clear_questions(sender_id: str) -> int:
    with session_scope() as session:
        result = session.execute(delete(Question).where(Question.sender_id == sender_id))
        return result.rowcount or 0


# --- sharing the list: private links and texted copies -------------------------------------

SHARE_LINK_LIFETIME = timedelta(days=30)
# 32 random bytes, URL-safe: 43 characters nobody can guess or enumerate.
SHARE_TOKEN_BYTES = 32


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_share_link(sender_id: str, lifetime: timedelta = SHARE_LINK_LIFETIME) -> dict[str, Any]:
    """A new private link to the person's list; the token is returned once and only its hash kept.

    Because only the hash is stored, an old link cannot be shown again, so every request makes a
    new one; the person's expired links are pruned at the same time so the table stays small.
    """
    token = secrets.token_urlsafe(SHARE_TOKEN_BYTES)
    now = utcnow()
    with session_scope() as session:
        session.execute(delete(ShareLink).where(ShareLink.sender_id == sender_id, ShareLink.expires_at <= now))
        row = ShareLink(token_hash=_token_hash(token), sender_id=sender_id, created_at=now, expires_at=now + lifetime)
        session.add(row)
        session.flush()
        return {"token": token, "created_at": _iso(row.created_at), "expires_at": _iso(row.expires_at)}


def shared_questions(token: str, now: datetime | None = None) -> dict[str, Any] | None:
    """The *current* list behind a live link, or None for an unknown or expired token.

    Read through the link's sender at request time, so edits made after sharing show up. The
    sender id is not returned: the public page has no use for it and must never show it.
    """
    now = (now or utcnow()).astimezone(timezone.utc)  # SQLite compares the stored UTC digits
    with session_scope() as session:
        row = session.scalars(select(ShareLink).where(ShareLink.token_hash == _token_hash(token)).limit(1)).first()
        if row is None or _aware(row.expires_at) <= now:
            return None
        return {
            "questions": [_question_dict(q) for q in _ordered_questions(session, row.sender_id)],
            "expires_at": _iso(row.expires_at),
        }


def record_question_text(sender_id: str) -> None:
    """Note that the list was texted to a number the person typed (the number is not kept)."""
    with session_scope() as session:
        session.add(QuestionText(sender_id=sender_id))


def count_question_texts(sender_id: str, since: datetime) -> int:
    """How many lists this conversation had texted since ``since`` (to cap texting any number)."""
    with session_scope() as session:
        rows = session.scalars(
            select(QuestionText.id).where(
                QuestionText.sender_id == sender_id, QuestionText.sent_at >= since.astimezone(timezone.utc)
            )
        )
        return len(list(rows))


# --- assessments -----------------------------------------------------------------------------


def save_assessment(sender_id: str, answers: dict[str, Any], recommendation: str, reasons: list[str]) -> dict[str, Any]:
    with session_scope() as session:
        row = Assessment(sender_id=sender_id, answers=answers, recommendation=recommendation, reasons=reasons)
        session.add(row)
        session.flush()
        return _assessment_dict(row)


def latest_assessment(sender_id: str) -> dict[str, Any] | None:
    with session_scope() as session:
        row = session.scalars(
            select(Assessment).where(Assessment.sender_id == sender_id).order_by(Assessment.id.desc()).limit(1)
        ).first()
        return _assessment_dict(row) if row else None


# --- records requests ------------------------------------------------------------------------


def create_records_request(sender_id: str, **fields: Any) -> dict[str, Any]:
    with session_scope() as session:
        row = RecordsRequest(sender_id=sender_id, **fields)
        session.add(row)
        session.flush()
        return _records_dict(row)


def list_records_requests(sender_id: str) -> list[dict[str, Any]]:
    with session_scope() as session:
        rows = session.scalars(
            select(RecordsRequest).where(RecordsRequest.sender_id == sender_id).order_by(RecordsRequest.id)
        )
        return [_records_dict(r) for r in rows]


def set_records_request_status(sender_id: str, request_id: int, status: str) -> dict[str, Any] | None:
    with session_scope() as session:
        row = session.get(RecordsRequest, request_id)
        if row is None or row.sender_id != sender_id:
            return None
        row.status = status
        row.updated_at = utcnow()
        session.flush()
        return _records_dict(row)


# --- handoffs --------------------------------------------------------------------------------


def open_handoff(sender_id: str, channel: str | None, reason: str, summary: dict[str, Any]) -> dict[str, Any]:
    """Open a handoff, or return the one already open: a person waits in the queue once."""
    with session_scope() as session:
        current = session.scalars(
            select(Handoff).where(Handoff.sender_id == sender_id, Handoff.status == "open").limit(1)
        ).first()
        if current is not None:
            return _handoff_dict(current)
        row = Handoff(sender_id=sender_id, channel=channel, reason=reason, summary=summary, status="open")
        session.add(row)
        session.flush()
        return _handoff_dict(row)


def current_handoff(sender_id: str) -> dict[str, Any] | None:
    """The open handoff if there is one, else the most recent closed one, else None."""
    with session_scope() as session:
        rows = list(session.scalars(select(Handoff).where(Handoff.sender_id == sender_id).order_by(Handoff.id.desc())))
        open_rows = [h for h in rows if h.status == "open"]
        chosen = open_rows[0] if open_rows else (rows[0] if rows else None)
        return _handoff_dict(chosen) if chosen else None


def list_handoffs(status: str | None = None) -> list[dict[str, Any]]:
    """Oldest first: the person who has waited longest is served first."""
    with session_scope() as session:
        query = select(Handoff).order_by(Handoff.created_at, Handoff.id)
        if status:
            query = query.where(Handoff.status == status)
        return [_handoff_dict(h) for h in session.scalars(query)]


def get_handoff(handoff_id: int) -> dict[str, Any] | None:
    with session_scope() as session:
        row = session.get(Handoff, handoff_id)
        if row is None:
            return None
        result = _handoff_dict(row)
        result["advocate_messages"] = [
            {"id": m.id, "author": m.author, "text": m.text, "created_at": _iso(m.created_at)} for m in row.messages
        ]
        return result


def add_handoff_message(handoff_id: int, author: str, text_: str) -> dict[str, Any] | None:
    with session_scope() as session:
        row = session.get(Handoff, handoff_id)
        if row is None:
            return None
        message = HandoffMessage(handoff_id=handoff_id, author=author, text=text_)
        session.add(message)
        session.flush()
        return {"id": message.id, "author": author, "text": text_, "created_at": _iso(message.created_at)}


def close_handoff(handoff_id: int) -> dict[str, Any] | None:
    with session_scope() as session:
        row = session.get(Handoff, handoff_id)
        if row is None:
            return None
        if row.status != "closed":
            row.status = "closed"
            row.closed_at = utcnow()
        session.flush()
        return _handoff_dict(row)


# --- the summary the API and the advocate see ------------------------------------------------


def case_summary(sender_id: str) -> dict[str, Any]:
    """Everything known about one person, in the shape of ``GET /api/conversations/{id}``."""
    case = get_case(sender_id) or {}
    assessment = latest_assessment(sender_id)
    handoff = current_handoff(sender_id)
    return {
        "sender_id": sender_id,
        "channel": case.get("channel"),
        "condition": case.get("condition"),
        "treatment": case.get("treatment"),
        "recommendation": assessment["recommendation"] if assessment else None,
        "reasons": assessment["reasons"] if assessment else [],
        "questions": list_questions(sender_id),
        "records_requests": list_records_requests(sender_id),
        "handoff": handoff,
    }


# --- privacy ---------------------------------------------------------------------------------


# What is stored about a person, per table, in the order it is erased (messages before handoffs).
_PERSON_MODELS = (Question, RecordsRequest, Assessment, Handoff, ShareLink, QuestionText, Conversation)


def erase_person(sender_id: str) -> dict[str, int]:
    """Delete every row stored about ``sender_id``, Rasa's conversation history included."""
    counts: dict[str, int] = {}
    with session_scope() as session:
        handoff_ids = list(session.scalars(select(Handoff.id).where(Handoff.sender_id == sender_id)))
        if handoff_ids:
            session.execute(delete(HandoffMessage).where(HandoffMessage.handoff_id.in_(handoff_ids)))
        for model in _PERSON_MODELS:
            counts[model.__tablename__] = session.execute(delete(model).where(model.sender_id == sender_id)).rowcount
        if inspect(get_engine()).has_table(RASA_EVENTS_TABLE):
            counts[RASA_EVENTS_TABLE] = session.execute(
                text(f"DELETE FROM {RASA_EVENTS_TABLE} WHERE sender_id = :sender_id"), {"sender_id": sender_id}
            ).rowcount
    return counts


def count_person_rows(sender_id: str) -> dict[str, int]:
    """What :func:`erase_person` would delete now, per table, without deleting anything."""
    counts: dict[str, int] = {}
    with session_scope() as session:
        for model in _PERSON_MODELS:
            counts[model.__tablename__] = session.scalar(
                select(func.count()).select_from(model).where(model.sender_id == sender_id)
            )
        if inspect(get_engine()).has_table(RASA_EVENTS_TABLE):
            counts[RASA_EVENTS_TABLE] = session.scalar(
                text(f"SELECT COUNT(*) FROM {RASA_EVENTS_TABLE} WHERE sender_id = :sender_id"), {"sender_id": sender_id}
            )
    return counts


# --- the web app: health and the advocate's transcript ---------------------------------------


def ping_database() -> None:
    """Run ``SELECT 1`` so the health check proves the database answers; raises if it does not."""
    with session_scope() as session:
        session.execute(text("SELECT 1"))


def _epoch(value: datetime) -> float:
    """Seconds since the epoch, as Rasa stamps its events; SQLite returns naive datetimes, all UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.timestamp()


def _entry(speaker: str, text_: str, at: float, author: str | None = None) -> tuple[float, dict[str, Any]]:
    iso = datetime.fromtimestamp(at, tz=timezone.utc).isoformat()
    return at, {"from": speaker, "text": text_, "at": iso, "author": author}


def _tracker_rows(session: Session, handoff: Handoff) -> list[Any]:
    """The person's and the bot's messages in Rasa's ``events`` table during the handoff.

    Rasa creates that table on its first conversation, so until then there is simply nothing to read.
    A closed handoff ends at ``closed_at``: later turns belong to the bot, not to this handoff.
    """
    if not inspect(session.connection()).has_table(RASA_EVENTS_TABLE):
        return []
    query = (
        f"SELECT type_name, timestamp, data FROM {RASA_EVENTS_TABLE} "
        "WHERE sender_id = :sender_id AND type_name IN ('user', 'bot') AND timestamp >= :since"
    )
    params: dict[str, Any] = {"sender_id": handoff.sender_id, "since": _epoch(handoff.created_at)}
    if handoff.closed_at is not None:
        query += " AND timestamp <= :until"
        params["until"] = _epoch(handoff.closed_at)
    return list(session.execute(text(query + " ORDER BY timestamp, id"), params))


def _pop_stored(stored: dict[int, HandoffMessage], metadata: dict[str, Any], author: str, text_: str) -> None:
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
        stored = {message.id: message for message in handoff.messages}
        entries: list[tuple[float, dict[str, Any]]] = []
        for type_name, timestamp, data in _tracker_rows(session, handoff):
            try:
                event = json.loads(data or "{}")
            except ValueError:
                continue
            message_text = event.get("text") if isinstance(event, dict) else None
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


# --- SMS opt-out (STOP / START) --------------------------------------------------------------


def set_sms_opt_out(sender_id: str, keyword: str) -> None:
    """Remember that ``sender_id`` texted STOP (or another opt-out keyword); idempotent."""
    from bot.persistence.models import SmsOptOut

    with session_scope() as session:
        row = session.get(SmsOptOut, sender_id)
        if row is None:
            session.add(SmsOptOut(sender_id=sender_id, keyword=keyword[:32]))


def clear_sms_opt_out(sender_id: str) -> bool:
    """Forget the opt-out after START; True when there was one."""
    from bot.persistence.models import SmsOptOut

    with session_scope() as session:
        return session.execute(delete(SmsOptOut).where(SmsOptOut.sender_id == sender_id)).rowcount > 0


def is_sms_opted_out(sender_id: str) -> bool:
    from bot.persistence.models import SmsOptOut

    with session_scope() as session:
        return session.get(SmsOptOut, sender_id) is not None


# Advocate accounts, console sessions and API keys: bot.persistence.staff; the audit log:
# bot.persistence.audit.


def _aware(value: datetime) -> datetime:
    """SQLite hands datetimes back naive; they are all UTC."""
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
