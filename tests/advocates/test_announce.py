"""New handoffs are announced in the advocates' Slack channel, without ever holding up or failing one."""
from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import ActionHandoff
from bot.advocates import announce
from bot.advocates.announce import announce_in_background, announcement_text, post_announcement
from bot.advocates.config import AdvocateSettings
from bot.persistence import repository
from tests.actions.conftest import make_tracker, slot_events, texts
from tests.advocates.conftest import SLACK_CHANNEL, SLACK_TOKEN, FakeSlack
from tests.web.conftest import free_port


def posts_of_this_test() -> list[asyncio.Future[bool]]:
    """The announcements still running on this test's event loop (each async test has its own)."""
    loop = asyncio.get_running_loop()
    return [post for post in announce._running if post.get_loop() is loop]


HANDOFF = {"id": 42, "reason": "insurance_denial", "channel": "twilio", "summary": {"condition": "breast cancer"}}


def test_announcement_reaches_slack_with_a_link_to_the_console(fake_slack: FakeSlack) -> None:
    assert post_announcement(HANDOFF, AdvocateSettings.from_env()) is True

    [call] = fake_slack.posts()
    assert call.headers["authorization"] == f"Bearer {SLACK_TOKEN}"
    assert call.body["channel"] == SLACK_CHANNEL
    text = call.body["text"]
    assert "<https://advocates.example.org/advocate/handoffs/42|Open it in the advocate console>" in text
    assert "#42" in text and "Insurance denial or appeal" in text and "SMS" in text
    assert "breast cancer" not in text  # health facts stay behind the console's sign-in


def test_console_link_falls_back_to_the_local_web_app(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    monkeypatch.setenv("WEB_PORT", "8123")
    text = announcement_text(HANDOFF, AdvocateSettings.from_env().console_url(42))
    assert "<http://localhost:8123/advocate/handoffs/42|" in text


def test_slack_refusing_is_logged_not_raised(fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture) -> None:
    fake_slack.error = "channel_not_found"
    assert post_announcement(HANDOFF, AdvocateSettings.from_env()) is False
    assert "channel_not_found" in caplog.text


def test_slack_down_is_logged_not_raised(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("SLACK_API_BASE_URL", f"http://127.0.0.1:{free_port()}/api/")
    monkeypatch.setenv("SLACK_BOT_TOKEN", SLACK_TOKEN)
    monkeypatch.setenv("ADVOCATE_SLACK_CHANNEL", SLACK_CHANNEL)
    assert post_announcement(HANDOFF, AdvocateSettings.from_env()) is False
    assert "could not announce" in caplog.text


@pytest.mark.parametrize("missing", ["SLACK_BOT_TOKEN", "ADVOCATE_SLACK_CHANNEL"])
def test_nothing_is_posted_when_slack_is_not_set_up(
    fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch, missing: str
) -> None:
    monkeypatch.delenv(missing)
    assert post_announcement(HANDOFF, AdvocateSettings.from_env()) is False
    assert fake_slack.calls == []


@pytest.mark.asyncio
async def test_background_announcement_does_not_hold_up_the_event_loop(fake_slack: FakeSlack) -> None:
    fake_slack.delay = 1.0

    future = announce_in_background(HANDOFF)

    assert future is not None
    assert not future.done()  # returned while Slack is still answering
    ticks = 0
    while not future.done():  # the loop keeps running other work meanwhile
        await asyncio.sleep(0.05)
        ticks += 1
    assert ticks >= 10
    assert await future is True
    assert len(fake_slack.posts()) == 1


# --- through the handoff action --------------------------------------------------------------


async def _handoff(domain: dict[str, Any]) -> tuple[CollectingDispatcher, list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = await ActionHandoff().run(dispatcher, make_tracker("I need a real person", "human_handoff"), domain)
    return dispatcher, events


@pytest.mark.asyncio
@pytest.mark.usefixtures("database")
async def test_a_new_handoff_is_announced(domain: dict[str, Any], fake_slack: FakeSlack) -> None:
    _, events = await _handoff(domain)

    assert slot_events(events)["handoff_active"] is True
    [handoff] = repository.list_handoffs("open")
    assert await asyncio.get_running_loop().run_in_executor(None, fake_slack.received.wait, 5.0)
    [call] = fake_slack.posts()
    assert f"/advocate/handoffs/{handoff['id']}|" in call.body["text"]
    await asyncio.gather(*posts_of_this_test())


@pytest.mark.asyncio
@pytest.mark.usefixtures("database")
async def test_the_handoff_opens_even_when_slack_is_slow_or_down(
    domain: dict[str, Any], fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_slack.delay = 2.0
    dispatcher, events = await _handoff(domain)
    assert any(not post.done() for post in posts_of_this_test())  # the reply went out before Slack answered
    assert slot_events(events)["handoff_active"] is True
    assert "advocate" in texts(dispatcher)

    monkeypatch.setenv("SLACK_API_BASE_URL", f"http://127.0.0.1:{free_port()}/api/")
    repository.close_handoff(repository.list_handoffs("open")[0]["id"])
    _, events = await _handoff(domain)
    assert slot_events(events)["handoff_active"] is True
    assert len(repository.list_handoffs("open")) == 1
    await asyncio.gather(*posts_of_this_test())  # let the posts finish before the loop closes
