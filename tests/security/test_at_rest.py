"""What the repository and the tracker store leave at rest, on SQLite and PostgreSQL: no personal
value and no sender id in plaintext; after "delete my data" no key, so no copy of the old
ciphertext opens; master-key rotation; private file modes."""

from __future__ import annotations

import os
import stat
import uuid
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from bot.persistence import repository
from bot.persistence.db import get_engine
from bot.persistence.people import sender_hash
from bot.rasa_ext.tracker_store import DatabaseUrlTrackerStore
from bot.security import keystore, rotate_key
from bot.security.crypto import PersonCipher, UndecryptableValue

MARKER = f"zebra-{uuid.uuid4().hex[:10]}"
NAME = "Philippa Quennell-Hartwig"
BIRTH_DATE = "1958-11-23"
PHONE = "+14155550199"
SENDER = f"sms:{PHONE}"


def save_everything(sender: str = SENDER) -> dict[str, str]:
    """One of everything a person can store; returns the share token."""
    repository.record_case(sender, "twilio", condition="lymphoma", treatment="chemotherapy")
    repository.add_questions(sender, [f"Is {MARKER} normal?"])
    repository.create_records_request(
        sender,
        provider="Mercy General",
        record_types=["pathology"],
        patient_name=NAME,
        date_of_birth=BIRTH_DATE,
        letter=f"I, {NAME}, born {BIRTH_DATE}, request my records.",
    )
    repository.save_assessment(sender, {"condition": "lymphoma"}, "recommended", [f"Because {MARKER}"])
    handoff = repository.open_handoff(sender, "twilio", "asked_for_person", {"condition": "lymphoma", "note": MARKER})
    repository.add_handoff_message(handoff["id"], "Maria", f"Hello {NAME}")
    repository.set_sms_opt_out(sender, "STOP")
    repository.record_question_text(sender)
    return {"token": repository.create_share_link(sender)["token"]}


async def save_tracker(database_url: str, sender: str, token: str) -> None:
    store = DatabaseUrlTrackerStore(domain=Domain.empty(), host=database_url)
    tracker = DialogueStateTracker.from_events(
        sender,
        [
            UserUttered(f"save: is {MARKER} normal? my name is {NAME}", {"name": "crisis_self_harm", "confidence": 1}),
            BotUttered(f"Your list: https://advocate.example.org/my-questions/{token}"),
            ActionExecuted("action_listen"),
        ],
    )
    await store.save(tracker)
    loaded = await store.retrieve(sender)
    assert loaded is not None and len(loaded.events) == 3
    store.engine.dispose()


def all_text(database_url: str) -> str:
    """Every value of every table of the database (the key store's too when it is the same one)."""
    engine = get_engine(database_url)
    found = []
    with engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                found.extend(repr(value) for value in row)
    return "\n".join(found)


def sqlite_files(database_url: str) -> list[Path]:
    folder = Path(make_url(database_url).database).parent
    return [path for path in folder.iterdir() if path.is_file()]


FORBIDDEN = (MARKER, NAME, BIRTH_DATE, PHONE, "lymphoma", "crisis_self_harm", "Mercy General")


@pytest.mark.asyncio
async def test_nothing_personal_is_stored_in_plaintext(database_url: str) -> None:
    token = save_everything()["token"]
    await save_tracker(database_url, SENDER, token)

    stored = all_text(database_url)
    for secret in (*FORBIDDEN, token):
        assert secret not in stored, secret
    assert sender_hash(SENDER) in stored
    if make_url(database_url).get_backend_name() == "sqlite":
        for path in sqlite_files(database_url):
            content = path.read_bytes()
            for secret in (*FORBIDDEN, token):
                assert secret.encode() not in content, (path.name, secret)

    # ... and all of it reads back through the repository, as the API shows it.
    summary = repository.case_summary(SENDER)
    assert summary["condition"] == "lymphoma" and summary["treatment"] == "chemotherapy"
    assert summary["questions"][0]["text"] == f"Is {MARKER} normal?"
    assert summary["records_requests"][0]["patient_name"] == NAME
    assert summary["records_requests"][0]["record_types"] == ["pathology"]
    assert summary["reasons"] == [f"Because {MARKER}"]
    assert summary["handoff"]["sender_id"] == SENDER and summary["handoff"]["summary"]["note"] == MARKER
    assert [h["sender_id"] for h in repository.list_handoffs()] == [SENDER]
    transcript = repository.handoff_transcript(summary["handoff"]["id"])
    assert [entry["from"] for entry in transcript] == ["advocate", "person", "bot"]  # tracker events opened
    assert MARKER in transcript[1]["text"] and token in transcript[2]["text"]
    assert repository.is_sms_opted_out(SENDER)
    assert repository.shared_questions(token)["questions"][0]["text"] == f"Is {MARKER} normal?"


def test_values_cannot_be_moved_to_another_person(database_url: str) -> None:
    repository.add_questions("web:alice", ["Alice's question"])
    repository.add_questions("web:bob", ["Bob's question"])
    with get_engine().begin() as connection:
        alice_text = connection.scalar(
            text("SELECT text FROM questions WHERE sender_id = :person"), {"person": sender_hash("web:alice")}
        )
        connection.execute(
            text("UPDATE questions SET text = :text WHERE sender_id = :person"),
            {"text": alice_text, "person": sender_hash("web:bob")},
        )
    with pytest.raises(UndecryptableValue):
        repository.list_questions("web:bob")


@pytest.mark.asyncio
async def test_erase_destroys_the_key_and_old_ciphertext_stays_unreadable(database_url: str) -> None:
    token = save_everything()["token"]
    await save_tracker(database_url, SENDER, token)
    save_everything("web:someone-else")
    person = sender_hash(SENDER)
    wrapped = keystore.wrapped_key(database_url, person)
    cipher = keystore.find(database_url, person)
    assert wrapped is not None and cipher is not None
    with get_engine().connect() as connection:  # the copy a backup or the WAL would still hold
        old_question = connection.scalar(text("SELECT text FROM questions WHERE sender_id = :p"), {"p": person})
        old_event = connection.scalar(text("SELECT data FROM events WHERE sender_id = :p LIMIT 1"), {"p": person})
    assert cipher.open("questions", "text", old_question) == f"Is {MARKER} normal?"

    repository.erase_person(SENDER)

    assert keystore.find(database_url, person) is None
    assert keystore.wrapped_key(database_url, person) is None
    assert repository.case_summary(SENDER)["questions"] == []
    assert repository.is_sms_opted_out(SENDER)  # a carrier-compliance record, kept by hash
    # No key left anywhere opens the old values: not a new key of the person, not anyone else's.
    other = keystore.find(database_url, sender_hash("web:someone-else"))
    new = keystore.get_or_create(database_url, person)
    for candidate in (other, new, PersonCipher(person, os.urandom(32))):
        for column, value in (("questions.text", old_question), ("events.data", old_event)):
            table, name = column.split(".")
            with pytest.raises(UndecryptableValue):
                candidate.open(table, name, value)
    if make_url(database_url).get_backend_name() == "sqlite":
        for path in sqlite_files(database_url):
            assert wrapped not in path.read_bytes(), path.name
            if path.name.endswith("-wal"):
                assert path.stat().st_size == 0  # checkpointed and truncated after the erase


def test_rotation_rewraps_every_key_and_is_idempotent(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    people = [f"web:person-{number}" for number in range(5)]
    for sender in people:
        repository.add_questions(sender, [f"{sender} asks {MARKER}"])
    old_master = os.environ["ADVOCATE_MASTER_KEY"]
    monkeypatch.setenv("ADVOCATE_MASTER_KEY_PREVIOUS", old_master)
    monkeypatch.setenv("ADVOCATE_MASTER_KEY", "a-brand-new-master-key")

    partial = keystore.rewrap_all(database_url, batch_size=2)  # as if a first run had done only part
    assert partial.rewrapped == 5 and partial.unknown_master_key == 0
    assert rotate_key.main(["--batch-size", "2"]) == 0  # run again: nothing left to do
    assert "0 key(s) re-wrapped, 5 already current" in capsys.readouterr().out

    monkeypatch.delenv("ADVOCATE_MASTER_KEY_PREVIOUS")  # only the new key from now on
    for sender in people:
        assert [q["text"] for q in repository.list_questions(sender)] == [f"{sender} asks {MARKER}"]

    monkeypatch.setenv("ADVOCATE_MASTER_KEY", old_master)  # the old key alone opens nothing now
    assert rotate_key.main([]) == 1
    assert "5 under an unknown master key" in capsys.readouterr().out


def test_database_and_key_files_are_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "new" / "var"
    url = f"sqlite:///{folder / 'advocate.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    os.umask(0o022)  # what a shell usually has
    from bot.persistence import db, migrate

    db.dispose_engines()
    try:
        migrate.upgrade()
        repository.add_questions("web:someone", ["private?"])
        with get_engine().connect() as connection:  # SQLite keeps -wal and -shm while a connection is open
            assert connection.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
            connection.exec_driver_sql("SELECT COUNT(*) FROM questions").scalar()
            files = {path.name: stat.S_IMODE(path.stat().st_mode) for path in folder.iterdir()}
        assert {"advocate.db", "advocate.db-wal", "advocate.db-shm", "keys.db"} <= set(files)
        assert set(files.values()) == {0o600}, files
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    finally:
        db.dispose_engines()


def test_key_store_is_separate_for_sqlite_and_configurable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("KEYSTORE_URL", raising=False)
    assert keystore.keystore_url(f"sqlite:///{tmp_path}/advocate.db") == f"sqlite:///{tmp_path}/keys.db"
    pg = "postgresql://app@db.internal:5432/advocate"
    assert keystore.keystore_url(pg) == pg
    monkeypatch.setenv("KEYSTORE_URL", "postgresql://keys@keys.internal/keys")
    assert keystore.keystore_url(pg) == "postgresql://keys@keys.internal/keys"
