"""Advocate accounts (the CLI and Argon2 hashes) and who counts as online for the person's wait."""
from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import ActionHandoff
from actions.safety import ActionCrisis
from bot.advocates import __main__ as cli
from bot.advocates.availability import FALLBACK, handoff_expectation
from bot.advocates.passwords import MAX_LENGTH, WeakPassword, hash_password, verify_password
from bot.persistence import repository, staff
from bot.settings import PROJECT_ROOT
from tests.actions.conftest import make_tracker

PASSWORD = "correct horse battery staple"
WINDOW = timedelta(minutes=5)


def now() -> datetime:
    return datetime.now(timezone.utc)


# --- passwords -------------------------------------------------------------------------------


def test_passwords_are_stored_as_argon2id_hashes() -> None:
    hashed = hash_password(PASSWORD)
    assert hashed.startswith("$argon2id$") and PASSWORD not in hashed
    assert hash_password(PASSWORD) != hashed  # salted
    assert verify_password(hashed, PASSWORD)
    assert not verify_password(hashed, PASSWORD + "!")
    assert not verify_password(None, PASSWORD)  # unknown account
    assert not verify_password("not a hash", PASSWORD)
    assert not verify_password(hashed, "x" * (MAX_LENGTH + 1))


@pytest.mark.parametrize("password", ["short", "x" * 11, "x" * (MAX_LENGTH + 1)])
def test_weak_passwords_are_refused(password: str) -> None:
    with pytest.raises(WeakPassword):
        hash_password(password)


# --- the command line ------------------------------------------------------------------------


def run_cli(monkeypatch: pytest.MonkeyPatch, *argv: str, stdin: str = "") -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return cli.main(list(argv))


@pytest.mark.usefixtures("database")
def test_add_list_disable_enable(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(monkeypatch, "add", "Sam@Example.org", "--name", "Sam Lee", "--password-stdin", stdin=PASSWORD) == 0
    assert "Added advocate sam@example.org (Sam Lee)" in capsys.readouterr().out
    account = staff.advocate_credentials("sam@example.org")
    assert account is not None and verify_password(account["password_hash"], PASSWORD)

    assert run_cli(monkeypatch, "list") == 0
    listing = capsys.readouterr().out
    assert "sam@example.org" in listing and "active" in listing
    assert "$argon2" not in listing

    assert run_cli(monkeypatch, "disable", "sam@example.org") == 0
    assert staff.list_advocates()[0]["active"] is False
    assert run_cli(monkeypatch, "enable", "SAM@example.org") == 0
    assert staff.list_advocates()[0]["active"] is True


@pytest.mark.usefixtures("database")
def test_set_password_signs_the_account_out(monkeypatch: pytest.MonkeyPatch) -> None:
    advocate = staff.create_advocate("sam@example.org", "Sam", hash_password(PASSWORD))
    staff.start_advocate_session(advocate["id"], "a" * 64, "csrf", now() + timedelta(hours=1))
    assert staff.advocate_session("a" * 64, now(), WINDOW) is not None

    new = "another long passphrase"
    assert run_cli(monkeypatch, "set-password", "sam@example.org", "--password-stdin", stdin=new + "\n") == 0

    assert verify_password(staff.advocate_credentials("sam@example.org")["password_hash"], new)
    assert staff.advocate_session("a" * 64, now(), WINDOW) is None


@pytest.mark.usefixtures("database")
@pytest.mark.parametrize(
    ("argv", "stdin", "problem"),
    [
        (["add", "not-an-email", "--name", "X", "--password-stdin"], PASSWORD, "not an e-mail address"),
        (["add", "a@b.org", "--name", "  ", "--password-stdin"], PASSWORD, "--name must not be empty"),
        (["add", "a@b.org", "--name", "A", "--password-stdin"], "short", "at least 12 characters"),
        (["add", "a@b.org", "--name", "A", "--password-stdin"], "", "no password on standard input"),
        (["add", "a@b.org", "--name", "A"], PASSWORD, "--password-stdin"),  # stdin is not a terminal
        (["disable", "nobody@b.org"], "", "no advocate with e-mail nobody@b.org"),
        (["set-password", "nobody@b.org", "--password-stdin"], PASSWORD, "no advocate"),
    ],
)
def test_mistakes_are_explained(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], argv: list[str], stdin: str, problem: str
) -> None:
    assert run_cli(monkeypatch, *argv, stdin=stdin) == 1
    assert problem in capsys.readouterr().err
    assert staff.list_advocates() == []


@pytest.mark.usefixtures("database")
def test_an_address_has_one_account(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(monkeypatch, "add", "a@b.org", "--name", "A", "--password-stdin", stdin=PASSWORD) == 0
    assert run_cli(monkeypatch, "add", "A@B.org", "--name", "B", "--password-stdin", stdin=PASSWORD) == 1
    assert "already has an account" in capsys.readouterr().err


def test_the_module_runs_as_a_command_on_a_fresh_database(tmp_path: Any) -> None:
    """`python -m bot.advocates` migrates the database itself, so it works before the first `make run`."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.db'}"}
    command = [sys.executable, "-m", "bot.advocates"]
    added = subprocess.run(
        [*command, "add", "cli@example.org", "--name", "Cli", "--password-stdin"],
        input=PASSWORD + "\n", capture_output=True, text=True, env=env, cwd=PROJECT_ROOT, timeout=120,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    listed = subprocess.run(
        [*command, "list"], capture_output=True, text=True, env=env, cwd=PROJECT_ROOT, timeout=120
    )
    assert "cli@example.org" in listed.stdout


# --- who is online, and what the person is told ----------------------------------------------


@pytest.fixture
def advocate(database: str) -> dict[str, Any]:
    return staff.create_advocate("sam@example.org", "Sam", hash_password(PASSWORD))


def sign_in(advocate: dict[str, Any], token: str = "t" * 64, lifetime: timedelta = timedelta(hours=1)) -> str:
    staff.start_advocate_session(advocate["id"], token, "csrf", now() + lifetime)
    return token


def test_nobody_is_online_without_a_session(advocate: dict[str, Any]) -> None:
    assert staff.any_advocate_online(now(), WINDOW) is False


def test_a_signed_in_advocate_is_online_until_gone_quiet(advocate: dict[str, Any]) -> None:
    sign_in(advocate)
    assert staff.any_advocate_online(now(), WINDOW) is True
    assert staff.any_advocate_online(now() + timedelta(minutes=6), WINDOW) is False  # no request since


@pytest.mark.parametrize("how", ["signed_out", "expired", "disabled"])
def test_gone_advocates_are_not_online(advocate: dict[str, Any], how: str) -> None:
    token = sign_in(advocate, lifetime=timedelta(seconds=-1) if how == "expired" else timedelta(hours=1))
    if how == "signed_out":
        staff.end_advocate_session(token)
    elif how == "disabled":
        staff.set_advocate_active("sam@example.org", False)
    assert staff.any_advocate_online(now(), WINDOW) is False


@pytest.mark.parametrize(
    ("hours", "online", "expected"),
    [
        ("always", True, "An advocate is online now"),
        ("always", False, "No advocate is signed in at this moment"),
        ("Sat 00:00-00:01", True, "Our advocates work Saturday, midnight to 12:01 AM (UTC time)"),
        ("Mon-Fry 9-5", True, FALLBACK),  # a broken setting never costs the person their handoff
    ],
)
def test_handoff_expectation_uses_the_settings_and_who_is_online(
    advocate: dict[str, Any], monkeypatch: pytest.MonkeyPatch, hours: str, online: bool, expected: str
) -> None:
    monkeypatch.setenv("ADVOCATE_HOURS", hours)
    monkeypatch.setenv("ADVOCATE_TIMEZONE", "UTC")
    if online:
        sign_in(advocate)
    moment = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc) if hours != "always" else now()
    assert expected in handoff_expectation(moment)


@pytest.mark.asyncio
async def test_the_person_is_told_when_to_expect_a_reply(
    advocate: dict[str, Any], domain: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ADVOCATE_HOURS", "always")
    dispatcher = CollectingDispatcher()
    await ActionHandoff().run(dispatcher, make_tracker("can I talk to a person", "human_handoff"), domain)
    texts = [m["text"] for m in dispatcher.messages]
    assert len(texts) == 2
    assert "No advocate is signed in at this moment. Please leave your message here" in texts[1]
    assert repository.list_handoffs("open")  # and the handoff waits in the queue


@pytest.mark.asyncio
@pytest.mark.parametrize("action", [ActionHandoff(), ActionCrisis()])
async def test_asking_again_during_a_handoff_gives_the_real_wait_not_soon(
    advocate: dict[str, Any], domain: dict[str, Any], monkeypatch: pytest.MonkeyPatch, action: Any
) -> None:
    """Outside office hours, "an advocate will reply soon" would be a broken promise at 2 a.m."""
    monkeypatch.setenv("ADVOCATE_HOURS", "Sat 00:00-00:01")
    monkeypatch.setenv("ADVOCATE_TIMEZONE", "UTC")

    class MondayNoon(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> datetime:  # type: ignore[override]
            return datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)

    monkeypatch.setattr("actions.handoff.datetime", MondayNoon)
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("hello?? is anyone there", "human_handoff", slots={"handoff_active": True})
    await action.run(dispatcher, tracker, domain)
    said = " ".join(m["text"] for m in dispatcher.messages)
    assert "already has your conversation" in said
    assert "soon" not in said
    assert "Our advocates work Saturday" in said
