"""The advocate rows on SQLite and on PostgreSQL: accounts, sessions and who is online, the audit log.

Times are the delicate part: SQLite stores them without a zone and PostgreSQL with one, and the
session checks compare them with "now" in both.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.persistence import audit as audit_trail
from bot.persistence import repository, staff

IDLE = timedelta(minutes=30)
WINDOW = timedelta(minutes=5)


def now() -> datetime:
    return datetime.now(timezone.utc)


def test_accounts(database_url: str) -> None:
    created = staff.create_advocate(" Maria@Example.org ", " Maria Lopez ", "$argon2id$hash")
    assert (created["email"], created["name"], created["active"]) == ("maria@example.org", "Maria Lopez", True)
    with pytest.raises(ValueError, match="already exists"):
        staff.create_advocate("MARIA@example.org", "Other", "$argon2id$other")
    assert staff.advocate_credentials("maria@EXAMPLE.org")["password_hash"] == "$argon2id$hash"
    assert "password_hash" not in staff.list_advocates()[0]
    assert staff.advocate_credentials("nobody@example.org") is None
    assert staff.set_advocate_active("nobody@example.org", False) is None


def test_a_session_lives_until_it_expires_idles_or_ends(database_url: str) -> None:
    advocate = staff.create_advocate("a@b.org", "A", "h")
    staff.start_advocate_session(advocate["id"], "live", "csrf-1", now() + timedelta(hours=12))
    staff.start_advocate_session(advocate["id"], "expired", "csrf-2", now() - timedelta(seconds=1))

    session = staff.advocate_session("live", now(), IDLE)
    assert session is not None
    assert (session["email"], session["name"], session["csrf_token"]) == ("a@b.org", "A", "csrf-1")
    assert staff.advocate_session("expired", now(), IDLE) is None
    assert staff.advocate_session("unknown", now(), IDLE) is None
    # Any zone for "now" means the same moment.
    assert staff.advocate_session("live", now().astimezone(ZoneInfo("Asia/Tokyo")), IDLE) is not None

    assert staff.advocate_session("live", now() + IDLE + timedelta(minutes=1), IDLE) is None  # idle
    assert staff.advocate_session("live", now(), IDLE) is None  # ... and that ended it for good


def test_sign_out(database_url: str) -> None:
    advocate = staff.create_advocate("a@b.org", "A", "h")
    staff.start_advocate_session(advocate["id"], "token", "csrf", now() + timedelta(hours=1))
    assert staff.end_advocate_session("token") is True
    assert staff.end_advocate_session("token") is False
    assert staff.advocate_session("token", now(), IDLE) is None


def test_who_is_online(database_url: str) -> None:
    assert staff.any_advocate_online(now(), WINDOW) is False
    advocate = staff.create_advocate("a@b.org", "A", "h")
    staff.start_advocate_session(advocate["id"], "token", "csrf", now() + timedelta(hours=1))
    assert staff.any_advocate_online(now(), WINDOW) is True
    assert staff.any_advocate_online(now().astimezone(ZoneInfo("America/Los_Angeles")), WINDOW) is True
    assert staff.any_advocate_online(now() + WINDOW + timedelta(seconds=30), WINDOW) is False
    staff.set_advocate_active("a@b.org", False)
    assert staff.any_advocate_online(now(), WINDOW) is False


def test_audit_log(database_url: str) -> None:
    advocate = staff.create_advocate("a@b.org", "A", "h")
    first = audit_trail.write_audit("a@b.org", "view", advocate_id=advocate["id"], handoff_id=7, unless_within=IDLE)
    again = audit_trail.write_audit("a@b.org", "view", advocate_id=advocate["id"], handoff_id=7, unless_within=IDLE)
    other = audit_trail.write_audit("a@b.org", "view", advocate_id=advocate["id"], handoff_id=8, unless_within=IDLE)
    reply = audit_trail.write_audit("a@b.org", "reply", advocate_id=advocate["id"], handoff_id=7, detail={"n": 1})

    assert first is not None and again is None and other is not None
    assert [(e["action"], e["handoff_id"]) for e in audit_trail.list_audit()] == [
        ("reply", 7), ("view", 8), ("view", 7),
    ]  # fmt: skip
    assert [e["id"] for e in audit_trail.list_audit(handoff_id=7)] == [reply["id"], first["id"]]
    assert reply["detail"] == {"n": 1} and reply["created_at"]
    assert audit_trail.verify_chain().entries == 3  # the one skipped is not in the chain either


def test_the_audit_log_outlives_a_persons_erasure(database_url: str) -> None:
    handoff = repository.open_handoff("person-1", "rest", "asked_for_person", {})
    audit_trail.write_audit("a@b.org", "view", handoff_id=handoff["id"])
    repository.erase_person("person-1")
    assert repository.get_handoff(handoff["id"]) is None
    assert [e["handoff_id"] for e in audit_trail.list_audit()] == [handoff["id"]]
