"""bot.servers.turn_gate: at most N turns in progress, the others admitted in arrival order."""

from __future__ import annotations

import asyncio

import pytest
from rasa.core.processor import MessageProcessor

from bot.servers import turn_gate


class Turns:
    """A stand-in for ``MessageProcessor.handle_message`` that records what is in progress."""

    def __init__(self) -> None:
        self.in_progress = 0
        self.most_at_once = 0
        self.started: list[str] = []
        self.release = asyncio.Event()

    async def handle_message(self, processor: object, message: str) -> str:
        self.started.append(message)
        self.in_progress += 1
        self.most_at_once = max(self.most_at_once, self.in_progress)
        try:
            await self.release.wait()
            await asyncio.sleep(0)  # a call to the action server, say: the loop runs others meanwhile
            return f"reply to {message}"
        finally:
            self.in_progress -= 1


async def _run(slots: int, messages: list[str]) -> tuple[Turns, list[str]]:
    turns = Turns()
    handle = turn_gate.gated(turns.handle_message, slots)
    tasks = []
    for message in messages:
        tasks.append(asyncio.create_task(handle(object(), message)))
        await asyncio.sleep(0)  # each arrives after the one before
    await asyncio.sleep(0.01)
    admitted_before_release = list(turns.started)
    turns.release.set()
    replies = await asyncio.gather(*tasks)
    assert replies == [f"reply to {message}" for message in messages]
    return turns, admitted_before_release


@pytest.mark.asyncio
async def test_no_more_than_the_slots_are_in_progress_and_the_rest_wait_in_order() -> None:
    messages = [f"m{index}" for index in range(8)]
    turns, admitted = await _run(3, messages)
    assert admitted == ["m0", "m1", "m2"]
    assert turns.most_at_once == 3
    assert turns.started == messages  # first come, first served


@pytest.mark.asyncio
async def test_a_turn_that_fails_gives_its_slot_back() -> None:
    calls: list[str] = []

    async def handle_message(processor: object, message: str) -> str:
        calls.append(message)
        if message == "bad":
            raise RuntimeError("the action server went away")
        return message

    handle = turn_gate.gated(handle_message, 1)
    with pytest.raises(RuntimeError):
        await handle(object(), "bad")
    assert await asyncio.wait_for(handle(object(), "next"), timeout=1) == "next"
    assert calls == ["bad", "next"]


@pytest.mark.asyncio
async def test_a_cancelled_wait_frees_nothing_it_did_not_hold() -> None:
    turns = Turns()
    handle = turn_gate.gated(turns.handle_message, 1)
    first = asyncio.create_task(handle(object(), "first"))
    await asyncio.sleep(0)
    waiting = asyncio.create_task(handle(object(), "gone"))  # the person closed the page
    await asyncio.sleep(0)
    waiting.cancel()
    third = asyncio.create_task(handle(object(), "third"))
    await asyncio.sleep(0.01)
    assert turns.started == ["first"] and turns.most_at_once == 1
    turns.release.set()
    assert await first == "reply to first"
    assert await third == "reply to third"
    assert turns.started == ["first", "third"] and turns.most_at_once == 1


@pytest.mark.parametrize(
    ("value", "slots"), [(None, 2), ("", 2), ("  ", 2), ("1", 1), ("8", 8), ("0", 0)]
)
def test_the_number_of_slots_comes_from_the_environment(value: str | None, slots: int) -> None:
    environ = {} if value is None else {"RASA_TURNS_AT_ONCE": value}
    assert turn_gate.turns_at_once(environ) == slots


@pytest.mark.parametrize("value", ["three", "-1", "2.5"])
def test_a_wrong_number_stops_the_server_saying_why(value: str) -> None:
    with pytest.raises(SystemExit, match="RASA_TURNS_AT_ONCE"):
        turn_gate.turns_at_once({"RASA_TURNS_AT_ONCE": value})


def test_install_wraps_rasa_once_and_zero_leaves_rasa_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    original = MessageProcessor.handle_message
    monkeypatch.setattr(MessageProcessor, "handle_message", original)

    turn_gate.install({"RASA_TURNS_AT_ONCE": "0"})
    assert MessageProcessor.handle_message is original

    turn_gate.install({"RASA_TURNS_AT_ONCE": "2"})
    gated = MessageProcessor.handle_message
    assert gated.turn_slots == 2 and gated.__wrapped__ is original
    turn_gate.install({"RASA_TURNS_AT_ONCE": "5"})
    assert MessageProcessor.handle_message is gated
