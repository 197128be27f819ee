"""The REST channel's answers when a turn cannot run, through a real Sanic server."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from rasa.core.channels.channel import UserMessage
from rasa.core.lock_store import LockError
from sanic import Sanic

from bot.channels import inbound_limits
from bot.channels.rest import RETRY_AFTER_SECONDS, RestChannelInput
from tests.channels.test_inbox_webhooks import serving


@pytest.fixture(autouse=True)
def several_sanic_apps(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Sanic, "test_mode", True)


def channel() -> RestChannelInput:
    return RestChannelInput(limits=inbound_limits.InboundLimits(messages_per_minute=1000))


async def post(turn: Any, body: dict[str, Any]) -> httpx.Response:
    async with serving(channel(), turn) as base, httpx.AsyncClient() as client:
        return await client.post(f"{base}/webhooks/rest/webhook", json=body, timeout=30)


def test_a_turn_that_could_not_run_is_a_503_asking_to_send_again(caplog: pytest.LogCaptureFixture) -> None:
    async def no_lock(message: UserMessage) -> None:
        raise LockError("Could not acquire lock for conversation_id 'x'.")

    response = asyncio.run(post(no_lock, {"sender": "rest-503", "message": "my private words"}))

    assert response.status_code == 503
    assert response.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert "send it again" in response.json()["detail"]
    assert "rest: the turn failed (LockError)" in caplog.text
    assert "my private words" not in caplog.text


def test_a_turn_that_answered_before_failing_keeps_its_answer() -> None:
    async def half(message: UserMessage) -> None:
        await message.output_channel.send_text_message(message.sender_id, "first part")
        raise RuntimeError("then it broke")

    response = asyncio.run(post(half, {"sender": "rest-half", "message": "hello"}))

    assert response.status_code == 200
    assert [m["text"] for m in response.json()] == ["first part"]


def test_a_turn_that_works_answers_200() -> None:
    async def fine(message: UserMessage) -> None:
        await message.output_channel.send_text_message(message.sender_id, f"you said {message.text}")

    response = asyncio.run(post(fine, {"sender": "rest-ok", "message": "hello"}))

    assert response.status_code == 200 and response.json()[0]["text"] == "you said hello"
