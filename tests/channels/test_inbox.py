"""The durable inbox (issue 15) on a real database: resumed once after a process dies, claims that two
workers cannot both win, each person's messages in arrival order, sealed at rest, erased with the person.

Every test that takes ``database_url`` runs on SQLite and, with TEST_DATABASE_URL set, again on
PostgreSQL (marked ``postgres``).
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from alembic import command
from rasa.core.lock_store import LockError
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from bot.channels import inbox_runner
from bot.channels.inbox_runner import DurableInbox
from bot.channels.outbox_runner import handoff_key
from bot.persistence import db, inbox, migrate, outbox, repository
from bot.persistence.db import get_engine
from bot.persistence.inbox import MAX_CLAIMS, Inbound
from bot.persistence.models import utcnow
from bot.persistence.people import sender_hash

REPO = Path(__file__).resolve().parents[2]
MARKER = f"quokka{uuid.uuid4().hex[:8]}"
PHONE = "+14155550147"
SENDER = f"sms:{PHONE}"
OTHER = "sms:+14155550148"


class Recorder:
    """A channel's turn, as the inbox sees it: records what it handled, optionally slowly."""

    def __init__(self, work: Callable[[Inbound], float] = lambda _: 0.0) -> None:
        self.handled: list[tuple[str, str]] = []
        self.work = work
        self._lock = threading.Lock()  # two workers in two threads share one recorder

    async def __call__(self, message: Inbound) -> None:
        await asyncio.sleep(self.work(message))
        with self._lock:
            self.handled.append((message.sender, message.text))


def rows(sql: str = "SELECT id, claims, done_at, text FROM inbox_messages ORDER BY id") -> list[tuple]:
    with get_engine().connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql))]


async def resume(box: DurableInbox) -> None:
    """What a starting instance does: one sweep, then wait for the turns it started."""
    await box.sweep()
    await box.drains.idle()


# --- a process that dies ---------------------------------------------------------------------

DOOMED_INSTANCE = """
import asyncio, sys
from bot.channels import inbox_runner
from bot.channels.inbox_runner import DurableInbox
from bot.persistence import inbox

async def main():
    async def hang(message):
        print("TURN", message.text, flush=True)
        await asyncio.Event().wait()  # the turn never completes: the process is killed in it

    box = DurableInbox("twilio", handler=hang, worker_id="doomed", lease=float(sys.argv[1]))
    # Stored and answered, its turn started: the first of two from this person.
    await box.accept("twilio:SM-A1", "sms:+14155550147", "first", {"message_sid": "SM-A1"}, False)
    await box.accept("twilio:SM-A2", "sms:+14155550147", "second", {"message_sid": "SM-A2"}, False)
    # Stored and answered, but the process dies before its turn is even claimed.
    inbox.record_inbound("twilio", "twilio:SM-B1", "sms:+14155550148", "other", {})
    print("READY", flush=True)
    await asyncio.Event().wait()

asyncio.run(main())
"""


def run_doomed_instance(lease: float) -> None:
    """Start an instance, let it store three messages and start one turn, then ``kill -9`` it."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    child = subprocess.Popen(
        [sys.executable, "-c", DOOMED_INSTANCE, str(lease)], cwd=REPO, env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None
        assert {child.stdout.readline().strip() for _ in range(2)} == {"TURN first", "READY"}
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL


@pytest.mark.asyncio
async def test_a_message_whose_process_died_mid_turn_is_resumed_exactly_once(database_url: str) -> None:
    lease = 1.5
    run_doomed_instance(lease)
    recorder = Recorder()
    survivor = DurableInbox("twilio", handler=recorder, lease=lease)

    await resume(survivor)
    # Never claimed: resumed at once. The dead turn's message is still leased, and the person's
    # second message waits behind it, so it is not handled out of order.
    assert recorder.handled == [(OTHER, "other")]

    await asyncio.sleep(lease + 0.2)
    await resume(survivor)
    assert recorder.handled == [(OTHER, "other"), (SENDER, "first"), (SENDER, "second")]

    await resume(survivor)  # and again after a restart of its own: nothing is handled twice
    await resume(DurableInbox("twilio", handler=recorder, lease=lease))
    assert len(recorder.handled) == 3
    assert all(done is not None and words is None for _, _, done, words in rows())
    assert [claims for _, claims, _, _ in rows()] == [2, 1, 1]  # the dead claim, then the survivor's


# --- concurrency -----------------------------------------------------------------------------


def backlog(people: int, each: int) -> list[str]:
    """``each`` stored, never claimed messages for each of ``people`` people, interleaved."""
    senders = [f"sms:+1415555{n:04d}" for n in range(people)]
    for index in range(each):
        for sender in senders:
            assert inbox.record_inbound("twilio", f"twilio:SM{sender[-4:]}-{index}", sender, f"{index}", {})
    return senders


def in_its_own_thread(box: DurableInbox, start: threading.Barrier, backwards: bool) -> threading.Thread:
    """An instance with its own event loop, resuming at the same moment as the other and sweeping
    until nothing is left. One wakes the people oldest first, the other newest first, so they meet
    in the middle rather than one finding everyone taken (a drain keeps a person until they are done)."""

    async def work() -> None:
        while people := await asyncio.to_thread(inbox.people_waiting, "twilio"):
            for person in reversed(people) if backwards else people:
                box.drains.wake(person)
            await box.drains.idle()

    def run() -> None:
        start.wait()
        asyncio.run(work())

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_two_workers_resuming_the_same_backlog_handle_each_message_once_in_order(database_url: str) -> None:
    senders = backlog(people=10, each=3)
    recorder = Recorder(work=lambda _: 0.02)
    boxes = [DurableInbox("twilio", handler=recorder, worker_id=name) for name in ("left", "right")]
    start = threading.Barrier(2)

    threads = [in_its_own_thread(box, start, backwards) for box, backwards in zip(boxes, (False, True), strict=True)]
    for thread in threads:
        thread.join(timeout=120)

    assert sorted(recorder.handled) == sorted((sender, str(i)) for sender in senders for i in range(3))
    for sender in senders:
        assert [t for s, t in recorder.handled if s == sender] == ["0", "1", "2"]
    handlers = {claimed_by.split("/")[0] for (claimed_by,) in rows("SELECT claimed_by FROM inbox_messages")}
    assert handlers == {"left", "right"}  # both really worked on the backlog
    assert all(claims == 1 for _, claims, _, _ in rows())


def test_only_one_of_many_concurrent_claims_wins(database_url: str) -> None:
    person = inbox.record_inbound("twilio", "twilio:SM-race", SENDER, "hello", {})
    assert person is not None
    start = threading.Barrier(8)
    won: list[Inbound] = []

    def claim(n: int) -> None:
        start.wait()
        message = inbox.claim_next("twilio", person, f"racer-{n}/1", timedelta(seconds=60))
        if message is not None:
            won.append(message)

    threads = [threading.Thread(target=claim, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(won) == 1 and won[0].text == "hello"
    [(claimed_by,)] = rows("SELECT claimed_by FROM inbox_messages")
    assert claimed_by == won[0].claim


@pytest.mark.asyncio
async def test_a_slow_text_holds_back_the_same_person_s_next_one_but_not_another_person(database_url: str) -> None:
    recorder = Recorder(work=lambda message: 0.3 if message.text == "STOP" else 0.0)
    box = DurableInbox("twilio", handler=recorder)

    await box.accept("twilio:SM1", SENDER, "STOP", {}, False)
    await box.accept("twilio:SM2", SENDER, "hi", {}, False)
    await box.accept("twilio:SM3", OTHER, "other", {}, False)
    await box.drains.idle()

    assert recorder.handled == [(OTHER, "other"), (SENDER, "STOP"), (SENDER, "hi")]


# --- repeats, poison, long turns -------------------------------------------------------------


@pytest.mark.asyncio
async def test_a_repeated_delivery_is_stored_once_whichever_instance_gets_it(database_url: str) -> None:
    recorder = Recorder()
    first, second = DurableInbox("twilio", handler=recorder), DurableInbox("twilio", handler=recorder)

    assert await first.accept("twilio:SM-dup", SENDER, "hello", {}, False) is True
    assert await second.accept("twilio:SM-dup", SENDER, "hello", {}, False) is False  # its dedupe never saw it
    assert await first.accept("twilio:SM-dup", SENDER, "hello", {}, True) is False
    # The dedupe saw a key the inbox does not hold (its storing failed and was answered 503): stored now.
    assert await first.accept("twilio:SM-retry", SENDER, "again", {}, True) is True
    await asyncio.gather(first.drains.idle(), second.drains.idle())

    assert recorder.handled == [(SENDER, "hello"), (SENDER, "again")]


def test_a_message_whose_turn_keeps_dying_is_dropped_after_three_claims(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    person = inbox.record_inbound("twilio", "twilio:SM-poison", SENDER, "poison", {})
    inbox.record_inbound("twilio", "twilio:SM-next", SENDER, "next", {})
    assert person is not None
    expired = timedelta(seconds=-1)  # each claim's lease is over at once, as if its process had died

    claimed = [inbox.claim_next("twilio", person, f"w/{n}", expired) for n in range(MAX_CLAIMS)]
    assert [message.text for message in claimed if message] == ["poison"] * MAX_CLAIMS
    with caplog.at_level(logging.ERROR, logger="bot.persistence.inbox"):
        after = inbox.claim_next("twilio", person, "w/last", timedelta(seconds=60))

    assert after is not None and after.text == "next"  # the person is not blocked for ever
    assert f"started {MAX_CLAIMS} times" in caplog.text and "poison" not in caplog.text


@pytest.mark.asyncio
async def test_a_turn_longer_than_the_lease_keeps_its_claim(database_url: str) -> None:
    recorder = Recorder(work=lambda _: 1.2)
    busy = DurableInbox("twilio", handler=recorder, lease=0.4)
    other = DurableInbox("twilio", handler=recorder, lease=0.4)

    await busy.accept("twilio:SM-long", SENDER, "long turn", {}, False)
    for _ in range(6):  # another instance sweeps all through the turn
        await asyncio.sleep(0.2)
        await other.sweep()
    await asyncio.gather(busy.drains.idle(), other.drains.idle())

    assert recorder.handled == [(SENDER, "long turn")]
    assert [claims for _, claims, _, _ in rows()] == [1]


@pytest.mark.asyncio
async def test_a_failing_turn_is_logged_and_done_not_retried(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    calls: list[str] = []

    async def failing(message: Inbound) -> None:
        calls.append(message.text)
        raise RuntimeError(f"the action server said {message.text}")

    box = DurableInbox("twilio", handler=failing)
    with caplog.at_level(logging.ERROR):
        await box.accept("twilio:SM-fail", SENDER, MARKER, {}, False)
        await box.drains.idle()
        await resume(box)

    assert calls == [MARKER]
    assert "failed (RuntimeError)" in caplog.text and MARKER not in caplog.text
    assert rows()[0][2] is not None


@pytest.mark.asyncio
async def test_a_turn_that_could_not_start_is_kept_and_tried_again_however_long_the_outage(
    database_url: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """No lock ticket (Redis away past the lock store's wait): more tries than MAX_CLAIMS, nothing dropped."""
    monkeypatch.setattr(inbox_runner, "RETRY_AFTER", timedelta(seconds=0.2))
    failures_left = MAX_CLAIMS + 2
    handled: list[str] = []

    async def turn(message: Inbound) -> None:
        nonlocal failures_left
        if failures_left:
            failures_left -= 1
            raise LockError("Could not acquire lock for conversation_id 'sms:+14155550147'.")
        handled.append(message.text)

    box = DurableInbox("twilio", handler=turn)
    with caplog.at_level(logging.WARNING):
        await box.accept("twilio:SM-wait1", SENDER, MARKER, {}, False)
        await box.accept("twilio:SM-wait2", SENDER, "second", {}, False)
        await box.drains.idle()
        assert handled == [] and [done for _, _, done, _ in rows()] == [None, None]
        for _ in range(MAX_CLAIMS + 4):  # the sweeps while the outage lasts, and after
            await asyncio.sleep(0.25)
            await resume(box)

    assert handled == [MARKER, "second"]  # each once, in the order received
    assert all(done is not None for _, _, done, _ in rows())
    assert "could not start (LockError)" in caplog.text and MARKER not in caplog.text


def test_only_a_missing_service_counts_as_a_turn_that_could_not_start(database_url: str) -> None:
    assert inbox_runner.could_not_start(LockError("Could not acquire lock"))
    assert not inbox_runner.could_not_start(RuntimeError("the turn's own bug"))
    # SQLite's OperationalError is a locked or missing file, which waiting does not mend.
    sqlite_error = OperationalError("INSERT ...", {}, Exception("no such table: records_requests"))
    assert inbox_runner.could_not_start(sqlite_error) == database_url.startswith("postgresql")


# --- at rest ---------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_words_and_number_are_sealed_at_rest_emptied_once_done_and_never_logged(
    database: str, caplog: pytest.LogCaptureFixture
) -> None:
    files = [Path(make_url(database).database or "")]
    release = asyncio.Event()

    async def unfinished(_: Inbound) -> None:  # stored, its turn not finished yet
        await release.wait()

    box = DurableInbox("twilio", handler=unfinished)
    caplog.set_level(logging.DEBUG)
    await box.accept("twilio:SM-sealed", SENDER, f"my {MARKER} biopsy", {"message_sid": "SM-sealed"}, False)
    stored = b"".join(p.read_bytes() for f in files for p in (f, f.with_name(f.name + "-wal")) if p.exists())
    assert b"quokka" not in stored and PHONE.encode() not in stored and b"biopsy" not in stored
    assert b"twilio:SM-sealed" in stored  # the file was read: the delivery id is there in plain

    release.set()
    await box.drains.idle()
    [(_, _, done, words)] = rows()
    assert done is not None and words is None
    assert rows("SELECT sender, metadata FROM inbox_messages") == [(None, None)]
    assert MARKER not in caplog.text and PHONE not in caplog.text


def test_finished_rows_are_forgotten_after_their_retention_and_unfinished_ones_never(database_url: str) -> None:
    person = inbox.record_inbound("twilio", "twilio:SM-old", SENDER, "old", {})
    inbox.record_inbound("twilio", "twilio:SM-waiting", OTHER, "waiting", {})
    assert person is not None
    message = inbox.claim_next("twilio", person, "w/1", timedelta(seconds=60))
    assert message is not None and inbox.mark_done(message.id, message.claim)
    sent = outbox.enqueue("twilio", handoff_key(1), SENDER, "sent reply")
    outbox.enqueue("twilio", handoff_key(2), OTHER, "pending reply")
    reply = outbox.claim_next("twilio", sent, "w/2", timedelta(seconds=60))
    assert reply is not None and outbox.mark_part_sent(reply.id, reply.claim, 0, "SM1", True, timedelta(seconds=60))
    later = utcnow() + outbox.RETENTION + timedelta(minutes=1)

    assert inbox.prune(utcnow()) == 0 and outbox.prune(utcnow()) == 0  # within the retention: kept for repeats
    assert inbox.prune(later) == 1 and outbox.prune(later) == 1
    assert rows("SELECT message_key FROM inbox_messages") == [("twilio:SM-waiting",)]
    assert rows("SELECT message_key FROM outbox_messages") == [(handoff_key(2),)]


# --- delete my data --------------------------------------------------------------------------


def test_delete_my_data_erases_the_person_s_inbox_and_outbox_rows_and_only_theirs(database_url: str) -> None:
    inbox.record_inbound("twilio", "twilio:SM-mine", SENDER, "mine", {})
    inbox.record_inbound("twilio", "twilio:SM-theirs", OTHER, "theirs", {})
    outbox.enqueue("twilio", handoff_key(1), SENDER, "an advocate's reply, not sent yet")
    outbox.enqueue("twilio", handoff_key(2), OTHER, "another reply")
    assert repository.count_person_rows(SENDER)["inbox_messages"] == 1
    assert repository.count_person_rows(SENDER)["outbox_messages"] == 1

    deleted = repository.erase_person(SENDER)

    assert (deleted["inbox_messages"], deleted["outbox_messages"]) == (1, 1)
    assert rows("SELECT sender_id FROM inbox_messages") == [(sender_hash(OTHER),)]
    assert rows("SELECT sender_id FROM outbox_messages") == [(sender_hash(OTHER),)]


# --- migration -------------------------------------------------------------------------------


def test_0010_goes_up_and_down_on_sqlite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    db.dispose_engines()
    engine = create_engine(url)
    try:
        command.upgrade(migrate.alembic_config(url), "0009")
        assert not inspect(engine).has_table("inbox_messages")
        migrate.upgrade(url)
        assert {index["name"] for index in inspect(engine).get_indexes("inbox_messages")} == {
            "ix_inbox_messages_sender_id",
            "ix_inbox_messages_done_at",
        }
        [unique] = inspect(engine).get_unique_constraints("outbox_messages")
        assert unique["column_names"] == ["channel", "message_key"]
        command.downgrade(migrate.alembic_config(url), "0009")
        assert not inspect(engine).has_table("inbox_messages") and not inspect(engine).has_table("outbox_messages")
        migrate.upgrade(url)
        assert inbox.record_inbound("twilio", "twilio:SM1", SENDER, "hello", {}) == sender_hash(SENDER)
    finally:
        engine.dispose()
        db.dispose_engines()
