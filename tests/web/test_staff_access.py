"""Staff access is accountable: audited reads, named revocable API keys, sign-in backoff, TOTP.

Real HTTP requests to the app (TestClient), a real SQLite database, real Argon2 hashes and real
TOTP codes computed by pyotp; the CLI is run as the operator runs it.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from bot.advocates import __main__ as cli
from bot.advocates import throttle
from bot.advocates.passwords import hash_password
from bot.persistence import audit as audit_trail
from bot.persistence import repository, staff
from bot.persistence.db import get_engine
from bot.web.auth import SESSION_COOKIE
from tests.web.test_console import EMAIL, NAME, PASSWORD, csrf_in, sign_in

OTHER = "sam@example.org"


@pytest.fixture
def advocates(database: str) -> None:
    staff.create_advocate(EMAIL, NAME, hash_password(PASSWORD))
    staff.create_advocate(OTHER, "Sam", hash_password(PASSWORD))


def make_key(capsys: pytest.CaptureFixture[str], name: str) -> tuple[int, str]:
    assert cli.main(["api-key", name]) == 0
    out = capsys.readouterr().out
    key = next(line for line in out.splitlines() if line.startswith("soa_"))
    return staff.list_api_keys()[-1]["id"], key


# --- every read of a person's data is audited --------------------------------------------------


def test_staff_reads_are_audited_and_the_chain_verifies(
    client: TestClient, auth: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    repository.add_questions("sms:+15550100", ["Is it benign?"])
    handoff = repository.open_handoff("sms:+15550100", "twilio", "asked", {})
    _, key = make_key(capsys, "Maria Lopez")
    bearer = {"Authorization": f"Bearer {key}"}
    for path in ("", "/questions", "/records-requests"):
        assert client.get(f"/api/conversations/sms:+15550100{path}", headers=bearer).status_code == 200
    assert client.get("/api/handoffs", headers=auth).status_code == 200
    assert client.get(f"/api/handoffs/{handoff['id']}", headers=auth).status_code == 200

    entries = list(reversed(audit_trail.list_audit()))
    maria = "Maria Lopez (API key #1)"
    assert [(e["actor"], e["action"]) for e in entries] == [
        ("operator (command line)", "api_key_created"),
        (maria, "view_case"), (maria, "view_questions"), (maria, "view_records"),
        ("admin (bootstrap token)", "list_handoffs"), ("admin (bootstrap token)", "view"),
    ]  # fmt: skip
    subject = audit_trail.subject_of("sms:+15550100")
    assert [e["subject"] for e in entries[1:4]] == [subject] * 3 and entries[-1]["handoff_id"] == handoff["id"]
    assert "+15550100" not in str(entries) and "benign" not in str(entries)
    assert audit_trail.verify_chain().ok
    assert cli.main(["audit-verify"]) == 0


def test_console_pages_are_audited(client: TestClient, advocates: None) -> None:
    handoff = repository.open_handoff("web:abc", "socketio", "asked", {})
    sign_in(client)
    client.get("/advocate")
    client.get(f"/advocate/handoffs/{handoff['id']}")
    client.get("/advocate/audit")
    actions = [(e["action"], e["handoff_id"]) for e in reversed(audit_trail.list_audit())]
    assert actions == [("sign_in", None), ("view_queue", None), ("view", handoff["id"]), ("view_audit", None)]


# --- named API keys ----------------------------------------------------------------------------


def test_named_keys_are_hashed_listed_and_revocable(
    client: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    key_id, key = make_key(capsys, "Maria Lopez")
    bearer = {"Authorization": f"Bearer {key}"}
    assert client.get("/api/handoffs", headers=bearer).status_code == 200
    with get_engine().connect() as connection:
        stored = connection.execute(text("SELECT key_hash, prefix FROM api_keys")).one()
    assert key not in stored and stored.prefix == key[:10]

    assert cli.main(["api-keys"]) == 0
    listing = capsys.readouterr().out
    assert "Maria Lopez" in listing and "active" in listing and key not in listing

    assert cli.main(["api-key-revoke", str(key_id)]) == 0
    response = client.get("/api/handoffs", headers=bearer)
    assert response.status_code == 401 and "revoked" in response.json()["detail"]
    assert cli.main(["api-keys"]) == 0 and "revoked" in capsys.readouterr().out
    assert cli.main(["api-key-revoke", "99"]) == 1


def test_a_named_key_works_without_the_bootstrap_token(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("ADVOCATE_API_TOKEN")
    _, key = make_key(capsys, "Sam")
    assert client.get("/api/handoffs", headers={"Authorization": f"Bearer {key}"}).status_code == 200
    assert client.get("/api/handoffs", headers={"Authorization": "Bearer soa_guess"}).status_code == 401


# --- sign-in throttling ------------------------------------------------------------------------


def test_spraying_from_one_address_is_slowed_across_accounts(client: TestClient, advocates: None) -> None:
    for n in range(throttle.ADDRESS.free):
        assert sign_in(client, f"user{n}@example.org", "Password123!").status_code == 401
    response = sign_in(client, OTHER)  # a fresh account, the right password: this address must wait
    assert response.status_code == 429 and "Try again in" in response.text


def test_one_account_from_many_addresses_is_slowed(
    client: TestClient, advocates: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(throttle.TRUST_FORWARDED_VARIABLE, "true")
    for n in range(throttle.ACCOUNT.free):
        headers = {"X-Forwarded-For": f"203.0.113.{n}"}
        form = client.get("/advocate/login")
        data = {"email": EMAIL, "password": "wrong password!", "csrf_token": csrf_in(form.text)}
        assert client.post("/advocate/login", data=data, headers=headers).status_code == 401
    form = client.get("/advocate/login")
    data = {"email": EMAIL, "password": PASSWORD, "csrf_token": csrf_in(form.text)}
    response = client.post("/advocate/login", data=data, headers={"X-Forwarded-For": "198.51.100.7"})
    assert response.status_code == 429
    assert sign_in(client, OTHER).status_code == 303  # other accounts are not affected


def test_forwarded_for_is_ignored_unless_trusted(client: TestClient, advocates: None) -> None:
    for n in range(throttle.ACCOUNT.free):
        form = client.get("/advocate/login")
        data = {"email": EMAIL, "password": "wrong password!", "csrf_token": csrf_in(form.text)}
        response = client.post("/advocate/login", data=data, headers={"X-Forwarded-For": f"203.0.113.{n}"})
        assert response.status_code == 401
    # Without ADVOCATE_TRUST_FORWARDED_FOR a made-up header is no way around the wait.
    form = client.get("/advocate/login")
    data = {"email": EMAIL, "password": PASSWORD, "csrf_token": csrf_in(form.text)}
    assert client.post("/advocate/login", data=data, headers={"X-Forwarded-For": "198.51.100.1"}).status_code == 429


def _age_failures(by: timedelta) -> None:
    with get_engine().begin() as connection:
        rows = connection.execute(text("SELECT id, failed_at FROM login_failures")).all()
        for row_id, failed_at in rows:
            moment = failed_at if isinstance(failed_at, datetime) else datetime.fromisoformat(failed_at)
            connection.execute(
                text("UPDATE login_failures SET failed_at = :at WHERE id = :id"), {"at": moment - by, "id": row_id}
            )


def test_a_stranger_cannot_lock_the_owner_out_beyond_the_cap(client: TestClient, advocates: None) -> None:
    attempts = [sign_in(client, EMAIL, "guess number %d" % n).status_code for n in range(40)]
    checked = attempts.count(401)  # the free ones, and one each time a (1 s, 2 s, ...) wait had passed
    assert throttle.ACCOUNT.free <= checked <= throttle.ACCOUNT.free + 3
    assert attempts.count(429) == len(attempts) - checked  # the rest refused without being checked
    account_key = throttle._keys("testclient", EMAIL)[1][1]
    failures, _ = staff.login_failures("account", account_key, datetime.now(timezone.utc) - throttle.WINDOW)
    assert failures == checked  # hammering while refused did not lengthen the wait

    # The longest wait an attacker can cause is the cap after their last checked guess.
    assert throttle.ACCOUNT.wait_after(10_000) == throttle.ACCOUNT.cap == timedelta(minutes=5)
    _age_failures(throttle.ACCOUNT.cap)
    response = sign_in(client)  # the owner, with the right password, once the capped wait has passed
    assert response.status_code == 303 and client.cookies.get(SESSION_COOKIE)


def test_backoff_doubles_then_stops_at_the_cap() -> None:
    waits = [throttle.ACCOUNT.wait_after(n).total_seconds() for n in range(4, 16)]
    assert waits == [0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300]


# --- the TOTP second factor --------------------------------------------------------------------


def enrol(capsys: pytest.CaptureFixture[str]) -> str:
    assert cli.main(["totp-enable", EMAIL]) == 0
    out = capsys.readouterr().out
    secret = next(line.split(":", 1)[1].strip() for line in out.splitlines() if line.strip().startswith("secret:"))
    assert "otpauth://totp/" in out and "issuer=Second%20Opinion%20Advocate" in out
    return secret


def code_step(client: TestClient, code: str, page: Any) -> Any:
    fields = dict(
        (name, value)
        for name, value in (
            (field, _hidden(page.text, field)) for field in ("csrf_token", "next", "email", "expires", "pending")
        )
    )
    return client.post("/advocate/login/code", data={**fields, "code": code}, follow_redirects=False)


def _hidden(page: str, name: str) -> str:
    import html
    import re

    match = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert match, name
    return html.unescape(match.group(1))


def test_totp_is_asked_for_and_checked(
    client: TestClient, advocates: None, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = enrol(capsys)
    with get_engine().connect() as connection:
        stored = connection.execute(text("SELECT totp_secret FROM advocates WHERE email = :e"), {"e": EMAIL}).scalar()
    assert stored.startswith("v1:") and secret not in stored

    page = sign_in(client)
    assert page.status_code == 200 and "6-digit code" in page.text
    assert SESSION_COOKIE not in client.cookies  # the password alone signs nobody in
    assert code_step(client, "000000" if pyotp.TOTP(secret).now() != "000000" else "111111", page).status_code == 401

    page = sign_in(client)
    response = code_step(client, pyotp.TOTP(secret).now(), page)
    assert response.status_code == 303 and client.cookies.get(SESSION_COOKIE)
    [signed] = [e for e in audit_trail.list_audit() if e["action"] == "sign_in"]
    assert signed["detail"]["second_factor"] is True


def test_the_code_step_cannot_be_skipped_or_forged(
    client: TestClient, advocates: None, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = enrol(capsys)
    page = sign_in(client)
    forged = page.text.replace(_hidden(page.text, "pending"), "0" * 64)
    assert code_step(client, pyotp.TOTP(secret).now(), type("P", (), {"text": forged})).status_code == 401
    expired = page.text.replace(_hidden(page.text, "expires"), "1000")
    assert code_step(client, pyotp.TOTP(secret).now(), type("P", (), {"text": expired})).status_code == 401
    assert SESSION_COOKIE not in client.cookies

    assert cli.main(["totp-disable", EMAIL]) == 0
    assert sign_in(client).status_code == 303
