"""The hash-chained audit log on SQLite and PostgreSQL: appends chain, tampering is found, edits are refused."""
from __future__ import annotations

import threading

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from bot.advocates import __main__ as cli
from bot.persistence import audit as audit_trail
from bot.persistence import migrate
from bot.persistence.db import get_engine


def _entries(count: int) -> list[int]:
    entries = [audit_trail.write_audit("a@b.org", "view", sender_id=f"p-{n}", detail={"n": n}) for n in range(count)]
    return [entry["id"] for entry in entries if entry]


def test_appends_chain_and_verify(database_url: str) -> None:
    ids = _entries(5)
    check = audit_trail.verify_chain()
    assert check.ok and check.entries == 5
    rows = audit_trail.list_audit()
    assert [r["id"] for r in rows] == list(reversed(ids))
    assert "p-1" not in str(rows)  # conversations are named by keyed hash only


@pytest.mark.parametrize("statement", ["UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log"])
def test_the_database_refuses_to_change_the_log(database_url: str, statement: str) -> None:
    _entries(2)
    with pytest.raises(DatabaseError, match="append-only"), get_engine().begin() as connection:
        connection.execute(text(statement))
    assert audit_trail.verify_chain().ok


def _drop_guards(connection: object) -> None:
    """What an attacker with DDL rights would do first."""
    if get_engine().dialect.name == "sqlite":
        connection.execute(text("DROP TRIGGER audit_log_no_update"))
        connection.execute(text("DROP TRIGGER audit_log_no_delete"))
    else:
        connection.execute(text("DROP TRIGGER audit_log_no_change ON audit_log"))


@pytest.mark.parametrize(
    ("tamper", "broken", "reason"),
    [
        ("UPDATE audit_log SET detail = '{\"n\": 99}' WHERE id = :second", "second", "content does not match"),
        ("UPDATE audit_log SET actor = 'nobody' WHERE id = :second", "second", "content does not match"),
        ("DELETE FROM audit_log WHERE id = :second", "third", "prev_hash does not match"),
        ("DELETE FROM audit_log WHERE id = :last", None, "entries were removed"),
    ],
)
def test_tampering_is_detected(
    database_url: str, capsys: pytest.CaptureFixture[str], tamper: str, broken: str | None, reason: str
) -> None:
    first, second, third, last = _entries(4)
    with get_engine().begin() as connection:
        _drop_guards(connection)
        connection.execute(text(tamper), {"second": second, "last": last})

    check = audit_trail.verify_chain()
    assert not check.ok
    assert check.broken_id == {"second": second, "third": third, None: None}[broken]
    assert reason in check.reason
    assert cli.main(["audit-verify"]) == 1
    error = capsys.readouterr().err
    assert reason in error and (broken is None or f"#{check.broken_id}" in error)


def test_verify_command_on_a_sound_log(database: str, capsys: pytest.CaptureFixture[str]) -> None:
    _entries(3)
    assert cli.main(["audit-verify"]) == 0
    assert "verifies: 3 entries" in capsys.readouterr().out


def test_concurrent_appends_never_fork_the_chain(database_url: str) -> None:
    errors: list[BaseException] = []

    def append(worker: int) -> None:
        try:
            for n in range(8):
                audit_trail.write_audit(f"worker-{worker}", "view_case", detail={"n": n})
        except BaseException as exc:  # collected: a thread's exception would otherwise vanish
            errors.append(exc)

    threads = [threading.Thread(target=append, args=(w,)) for w in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    check = audit_trail.verify_chain()
    assert check.ok and check.entries == 48


def test_entries_from_before_the_chain_are_sealed_by_the_migration(database_url: str) -> None:
    config = migrate.alembic_config(database_url)
    command.downgrade(config, "0005")
    with get_engine().begin() as connection:
        for actor in ("old@b.org", "older@b.org"):
            connection.execute(
                text(
                    "INSERT INTO audit_log (actor, action, detail, created_at) "
                    "VALUES (:actor, 'view', '{\"k\": 1}', :at)"
                ),
                {"actor": actor, "at": "2026-01-02 03:04:05.123456"},
            )
    command.upgrade(config, "head")
    _entries(1)
    check = audit_trail.verify_chain()
    assert check.ok and check.entries == 3
