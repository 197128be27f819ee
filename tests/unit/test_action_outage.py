"""An action the action server cannot run: a restart is waited out, else the person is told (servers.action_outage).

Against real sockets: a port nobody listens on, a server that starts late, a server that answers 500;
and Rasa's own ``MessageProcessor._run_action`` on a real tracker.
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator, Callable

import pytest
import pytest_asyncio
from aiohttp import web
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.core.policies.policy import PolicyPrediction
from rasa.core.processor import MessageProcessor
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException
from rasa.utils.endpoints import EndpointConfig

from bot.logic.messages import ACTION_SERVER_DOWN
from bot.servers import action_outage

ACTION = "action_list_questions"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def remote(port: int, name: str = ACTION) -> RemoteAction:
    return RemoteAction(name, EndpointConfig(f"http://127.0.0.1:{port}/webhook"))


def tracker_after(text: str) -> DialogueStateTracker:
    tracker = DialogueStateTracker("outage-test", slots=[])
    tracker.update(ActionExecuted(ACTION_LISTEN_NAME))
    tracker.update(UserUttered(text, {"name": "list_questions", "confidence": 1.0}))
    return tracker


async def call(action: RemoteAction, tracker: DialogueStateTracker, retry_seconds: float) -> list:
    run = action_outage.retrying_connects(RemoteAction.run, retry_seconds)
    return await run(action, CollectingOutputChannel(), TemplatedNaturalLanguageGenerator({}), tracker, Domain.empty())


class ActionServer:
    """A real HTTP action server on `port` whose answer each test chooses; counts the calls."""

    def __init__(self, port: int, answer: Callable[[], web.Response]) -> None:
        self.port, self.answer, self.calls = port, answer, 0
        self.runner: web.AppRunner | None = None

    async def handle(self, _request: web.Request) -> web.Response:
        self.calls += 1
        return self.answer()

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/webhook", self.handle)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()


@pytest_asyncio.fixture
async def started_late() -> AsyncIterator[ActionServer]:
    server = ActionServer(free_port(), lambda: web.json_response({"events": [], "responses": [{"text": "Your list"}]}))
    starting = asyncio.get_running_loop().call_later(0.6, lambda: asyncio.ensure_future(server.start()))
    yield server
    starting.cancel()
    await server.stop()


@pytest.mark.asyncio
async def test_a_server_that_comes_back_within_the_wait_answers_the_turn(started_late: ActionServer) -> None:
    events = await call(remote(started_late.port), tracker_after("show my questions"), retry_seconds=5.0)

    assert [event.text for event in events if isinstance(event, BotUttered)] == ["Your list"]
    assert started_late.calls == 1
    assert action_outage._failed_action.get() is None


@pytest.mark.asyncio
async def test_a_server_that_stays_away_fails_after_the_wait_and_is_marked() -> None:
    began = time.monotonic()
    with pytest.raises(RasaException, match="Couldn't connect"):
        await call(remote(free_port()), tracker_after("show my questions"), retry_seconds=1.0)

    assert 0.5 <= time.monotonic() - began < 3.0
    assert action_outage._failed_action.get() == ACTION


@pytest.mark.asyncio
async def test_a_server_that_answered_is_not_asked_twice() -> None:
    """A 500 means the request arrived: the action may have run, so it is never sent again."""
    server = ActionServer(free_port(), lambda: web.Response(status=500, text="boom"))
    await server.start()
    try:
        with pytest.raises(RasaException):
            await call(remote(server.port), tracker_after("show my questions"), retry_seconds=5.0)
    finally:
        await server.stop()

    assert server.calls == 1
    assert action_outage._failed_action.get() == ACTION


@pytest.mark.asyncio
async def test_a_form_rejection_is_rasas_business_not_an_outage() -> None:
    body = {"action_name": ACTION, "error": "not this slot"}
    server = ActionServer(free_port(), lambda: web.json_response(body, status=400))
    await server.start()
    try:
        with pytest.raises(ActionExecutionRejection):
            await call(remote(server.port), tracker_after("show my questions"), retry_seconds=5.0)
    finally:
        await server.stop()

    assert action_outage._failed_action.get() is None


def bare_processor() -> MessageProcessor:
    """Rasa's processor with only what ``_run_action`` reads (a domain): no model to load."""
    processor = MessageProcessor.__new__(MessageProcessor)
    processor.domain = Domain.empty()
    return processor


async def run_turn_action(
    tracker: DialogueStateTracker, action: RemoteAction, channel: CollectingOutputChannel
) -> bool:
    run_action = action_outage.ending_the_turn_on_outage(MessageProcessor._run_action)
    prediction = PolicyPrediction.for_action_name(Domain.empty(), ACTION_LISTEN_NAME, "test")
    nlg = TemplatedNaturalLanguageGenerator({})
    return await run_action(bare_processor(), action, tracker, channel, nlg, prediction)


@pytest.fixture
def installed_retry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(RemoteAction, "run", action_outage.retrying_connects(RemoteAction.run, 0.3))


@pytest.mark.asyncio
@pytest.mark.usefixtures("installed_retry")
async def test_an_action_that_did_not_run_ends_the_turn_with_the_reply_once() -> None:
    tracker = tracker_after("save my question about the biopsy")
    channel = CollectingOutputChannel()
    port = free_port()

    first = await run_turn_action(tracker, remote(port), channel)
    second = await run_turn_action(tracker, remote(port, "validate_records_form"), channel)

    assert first is False and second is False  # the turn listens again: no rule runs on lost events
    assert [message["text"] for message in channel.messages] == [ACTION_SERVER_DOWN]
    told = [event for event in tracker.events if isinstance(event, BotUttered)]
    assert [event.text for event in told] == [ACTION_SERVER_DOWN]
    assert isinstance(tracker.events[-1], ActionExecuted) and tracker.events[-1].action_name == ACTION_LISTEN_NAME
    assert tracker.latest_message is not None and tracker.latest_message.text == "save my question about the biopsy"


@pytest.mark.asyncio
@pytest.mark.usefixtures("installed_retry")
async def test_the_next_message_gets_the_reply_again_if_the_server_is_still_away() -> None:
    tracker = tracker_after("show my questions")
    channel = CollectingOutputChannel()
    await run_turn_action(tracker, remote(free_port()), channel)
    tracker.update(UserUttered("show my questions please", {"name": "list_questions", "confidence": 1.0}))

    await run_turn_action(tracker, remote(free_port()), channel)

    assert [message["text"] for message in channel.messages] == [ACTION_SERVER_DOWN, ACTION_SERVER_DOWN]


@pytest.mark.asyncio
async def test_an_action_that_ran_is_left_to_rasa() -> None:
    server = ActionServer(free_port(), lambda: web.json_response({"events": [], "responses": [{"text": "Your list"}]}))
    await server.start()
    tracker = tracker_after("show my questions")
    channel = CollectingOutputChannel()
    try:
        predict_another = await run_turn_action(tracker, remote(server.port), channel)
    finally:
        await server.stop()

    assert predict_another is True  # Rasa's own answer for a custom action that ran
    assert [message["text"] for message in channel.messages] == ["Your list"]
    assert not any(event.metadata.get(action_outage.OUTAGE_METADATA_KEY) for event in tracker.events
                   if isinstance(event, BotUttered))  # fmt: skip


def test_install_wraps_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(RemoteAction, "run", RemoteAction.run)
    monkeypatch.setattr(MessageProcessor, "_run_action", MessageProcessor._run_action)
    action_outage.install()
    wrapped_run, wrapped_step = RemoteAction.run, MessageProcessor._run_action
    action_outage.install()

    assert RemoteAction.run is wrapped_run and MessageProcessor._run_action is wrapped_step
    assert wrapped_run.outage_aware and wrapped_step.outage_aware
