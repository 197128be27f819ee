"""The person's question list, the private links that share it and the log of texted copies.

Question texts are sealed with the person's key; rows are found by the sender's keyed hash.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.persistence.db import inserted, session_scope
from bot.persistence.models import Question, QuestionText, ShareLink, utcnow
from bot.persistence.people import aware, iso, reader, reader_by_hash, sender_hash, writer
from bot.security.crypto import PersonCipher

TABLE = Question.__tablename__


def _question_dict(q: Question, cipher: PersonCipher) -> dict[str, Any]:
    return {"id": q.id, "text": cipher.open(TABLE, "text", q.text), "source": q.source, "created_at": iso(q.created_at)}


def _ordered(session: Session, person: str) -> list[Question]:
    return list(session.scalars(select(Question).where(Question.sender_id == person).order_by(Question.id)))


def add_questions(sender_id: str, texts: Iterable[str], source: str = "person") -> list[dict[str, Any]]:
    """Append questions, skipping blanks and exact repeats of one already saved."""
    cipher = writer(sender_id)
    with session_scope() as session:
        saved = _ordered(session, cipher.person)
        existing = {(cipher.open(TABLE, "text", q.text) or "").strip().lower() for q in saved}
        added = []
        for raw in texts:
            cleaned = raw.strip()
            if not cleaned or cleaned.lower() in existing:
                continue
            question = Question(sender_id=cipher.person, text=cipher.seal(TABLE, "text", cleaned), source=source)
            session.add(question)
            existing.add(cleaned.lower())
            added.append(question)
        session.flush()
        return [_question_dict(q, cipher) for q in added]


def list_questions(sender_id: str) -> list[dict[str, Any]]:
    cipher = reader(sender_id)
    if cipher is None:
        return []
    with session_scope() as session:
        return [_question_dict(q, cipher) for q in _ordered(session, cipher.person)]


def edit_question(sender_id: str, number: int, new_text: str) -> dict[str, Any] | None:
    """Change question ``number`` (1-based, as the person sees the list); None if there is none."""
    cipher = reader(sender_id)
    if cipher is None:
        return None
    with session_scope() as session:
        questions = _ordered(session, cipher.person)
        if not 1 <= number <= len(questions) or not new_text.strip():
            return None
        question = questions[number - 1]
        question.text = cipher.seal(TABLE, "text", new_text.strip())
        question.updated_at = utcnow()
        session.flush()
        return _question_dict(question, cipher)


def remove_question(sender_id: str, number: int) -> dict[str, Any] | None:
    """Remove question ``number`` (1-based); returns what was removed, None if out of range."""
    removed, _ = remove_questions(sender_id, [number])
    return removed[0] if removed else None


def remove_questions(sender_id: str, numbers: list[int]) -> tuple[list[dict[str, Any]], list[int]]:
    """Remove the questions at these 1-based positions of the list the person saw, in one go.

    One unit of work: "remove 1 and 3" numbers the list as it was shown, so the positions are
    resolved before anything is deleted. Returns (removed, numbers that matched no question).
    """
    cipher = reader(sender_id)
    unique = list(dict.fromkeys(numbers))
    if cipher is None:
        return [], unique
    with session_scope() as session:
        questions = _ordered(session, cipher.person)
        wanted = [number for number in unique if 1 <= number <= len(questions)]
        missing = [number for number in unique if number not in wanted]
        removed = [_question_dict(questions[number - 1], cipher) for number in wanted]
        for number in wanted:
            session.delete(questions[number - 1])
        return removed, missing


def clear_questions(sender_id: str) -> int:
    with session_scope() as session:
        result = session.execute(delete(Question).where(Question.sender_id == sender_hash(sender_id)))
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
    person = sender_hash(sender_id)
    now = utcnow()
    with session_scope() as session:
        session.execute(delete(ShareLink).where(ShareLink.sender_id == person, ShareLink.expires_at <= now))
        row = ShareLink(token_hash=_token_hash(token), sender_id=person, created_at=now, expires_at=now + lifetime)
        inserted(session, row)
        return {"token": token, "created_at": iso(row.created_at), "expires_at": iso(row.expires_at)}


def shared_questions(token: str, now: datetime | None = None) -> dict[str, Any] | None:
    """The *current* list behind a live link, or None for an unknown or expired token.

    Read through the link's sender at request time, so edits made after sharing show up. The
    sender is not returned: the public page has no use for it and must never show it.
    """
    now = (now or utcnow()).astimezone(timezone.utc)  # SQLite compares the stored UTC digits
    with session_scope() as session:
        row = session.scalars(select(ShareLink).where(ShareLink.token_hash == _token_hash(token)).limit(1)).first()
        if row is None or aware(row.expires_at) <= now:
            return None
        cipher = reader_by_hash(row.sender_id)
        questions = [] if cipher is None else [_question_dict(q, cipher) for q in _ordered(session, row.sender_id)]
        return {"questions": questions, "expires_at": iso(row.expires_at)}


def record_question_text(sender_id: str) -> None:
    """Note that the list was texted to a number the person typed (the number is not kept)."""
    with session_scope() as session:
        session.add(QuestionText(sender_id=sender_hash(sender_id)))


def count_question_texts(sender_id: str, since: datetime) -> int:
    """How many lists this conversation had texted since ``since`` (to cap texting any number)."""
    with session_scope() as session:
        rows = session.scalars(
            select(QuestionText.id).where(
                QuestionText.sender_id == sender_hash(sender_id), QuestionText.sent_at >= since.astimezone(timezone.utc)
            )
        )
        return len(list(rows))
