"""The person's case: the facts learnt (condition, treatment), assessments and records requests.

Every personal value is sealed with the person's key; rows are found by the sender's keyed hash.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.persistence.db import inserted, session_scope
from bot.persistence.models import Assessment, Conversation, RecordsRequest, utcnow
from bot.persistence.people import iso, reader, writer
from bot.security.crypto import PersonCipher

CASE_FACTS = ("condition", "condition_category", "treatment", "treatment_category")
# Records-request fields sealed as text; record_types is sealed as a JSON list.
RECORDS_TEXT_FIELDS = ("provider", "date_range", "record_format", "delivery", "patient_name", "date_of_birth", "letter")
RECORDS_FIELDS = (*RECORDS_TEXT_FIELDS, "record_types")


def record_case(sender_id: str, channel: str | None = None, **facts: str | None) -> None:
    """Create or update the person's row; only the facts given (not None) are changed."""
    unknown = set(facts) - set(CASE_FACTS)
    if unknown:
        raise ValueError(f"unknown case facts: {sorted(unknown)}")
    cipher = writer(sender_id)
    with session_scope() as session:
        row = session.get(Conversation, cipher.person)
        if row is None:
            row = Conversation(sender_id=cipher.person)
            session.add(row)
        if channel:
            row.channel = channel
        for key, value in facts.items():
            if value is not None:
                setattr(row, key, cipher.seal(Conversation.__tablename__, key, value))
        row.updated_at = utcnow()


def get_case(sender_id: str) -> dict[str, Any] | None:
    cipher = reader(sender_id)
    if cipher is None:
        return None
    with session_scope() as session:
        row = session.get(Conversation, cipher.person)
        if row is None:
            return None
        facts = {key: cipher.open(Conversation.__tablename__, key, getattr(row, key)) for key in CASE_FACTS}
        return {"sender_id": sender_id, "channel": row.channel, **facts}


# --- assessments -----------------------------------------------------------------------------


def _assessment_dict(a: Assessment, cipher: PersonCipher) -> dict[str, Any]:
    table = Assessment.__tablename__
    return {
        "id": a.id,
        "answers": dict(cipher.open_json(table, "answers", a.answers, {})),
        "recommendation": a.recommendation,
        "reasons": list(cipher.open_json(table, "reasons", a.reasons, [])),
        "created_at": iso(a.created_at),
    }


def save_assessment(sender_id: str, answers: dict[str, Any], recommendation: str, reasons: list[str]) -> dict[str, Any]:
    cipher = writer(sender_id)
    table = Assessment.__tablename__
    with session_scope() as session:
        row = Assessment(
            sender_id=cipher.person,
            answers=cipher.seal_json(table, "answers", answers),
            recommendation=recommendation,
            reasons=cipher.seal_json(table, "reasons", reasons),
        )
        return _assessment_dict(inserted(session, row), cipher)


def latest_assessment(sender_id: str) -> dict[str, Any] | None:
    cipher = reader(sender_id)
    if cipher is None:
        return None
    with session_scope() as session:
        row = session.scalars(
            select(Assessment).where(Assessment.sender_id == cipher.person).order_by(Assessment.id.desc()).limit(1)
        ).first()
        return _assessment_dict(row, cipher) if row else None


# --- records requests ------------------------------------------------------------------------


def _records_dict(r: RecordsRequest, cipher: PersonCipher) -> dict[str, Any]:
    table = RecordsRequest.__tablename__
    fields = {name: cipher.open(table, name, getattr(r, name)) for name in RECORDS_TEXT_FIELDS}
    return {
        "id": r.id,
        "provider": fields["provider"],
        "record_types": list(cipher.open_json(table, "record_types", r.record_types, [])),
        "date_range": fields["date_range"],
        "record_format": fields["record_format"],
        "delivery": fields["delivery"],
        "patient_name": fields["patient_name"],
        "date_of_birth": fields["date_of_birth"],
        "letter": fields["letter"],
        "status": r.status,
        "created_at": iso(r.created_at),
    }


def create_records_request(sender_id: str, **fields: Any) -> dict[str, Any]:
    unknown = set(fields) - {*RECORDS_FIELDS, "status"}
    if unknown:
        raise ValueError(f"unknown records request fields: {sorted(unknown)}")
    cipher = writer(sender_id)
    table = RecordsRequest.__tablename__
    sealed: dict[str, Any] = {name: cipher.seal(table, name, fields.get(name)) for name in RECORDS_TEXT_FIELDS}
    sealed["record_types"] = cipher.seal_json(table, "record_types", fields.get("record_types") or [])
    if "status" in fields:
        sealed["status"] = fields["status"]
    with session_scope() as session:
        row = RecordsRequest(sender_id=cipher.person, **sealed)
        return _records_dict(inserted(session, row), cipher)


def list_records_requests(sender_id: str) -> list[dict[str, Any]]:
    cipher = reader(sender_id)
    if cipher is None:
        return []
    with session_scope() as session:
        rows = session.scalars(
            select(RecordsRequest).where(RecordsRequest.sender_id == cipher.person).order_by(RecordsRequest.id)
        )
        return [_records_dict(r, cipher) for r in rows]


def set_records_request_status(sender_id: str, request_id: int, status: str) -> dict[str, Any] | None:
    cipher = reader(sender_id)
    if cipher is None:
        return None
    with session_scope() as session:
        row = session.get(RecordsRequest, request_id)
        if row is None or row.sender_id != cipher.person:
            return None
        row.status = status
        row.updated_at = utcnow()
        session.flush()
        return _records_dict(row, cipher)
