"""Slack against the running stack: signed Events API / interactivity requests in, the fake Web API out.

Requests are signed with slack_sdk's SignatureVerifier (what Slack's own tooling uses); what the
bot posts is read back from the fake Slack Web API (SLACK_API_BASE_URL).
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any
from urllib.parse import urlencode

import httpx
from slack_sdk.signature import SignatureVerifier

from bot.channels import identity
from tests.e2e.harness import ChannelFakes, Stack

WEBHOOK = "/webhooks/slack/webhook"
BOT_USER = "UBOTADVOCATE"
TEAM = "T0TEST"  # the team_id of every event and button click below
SETTLE = 2.5


def fakes(stack: Stack) -> ChannelFakes:
    assert stack.channels is not None
    return stack.channels


def new_user() -> tuple[str, str]:
    """A Slack user id and the id of their direct-message channel with the app."""
    suffix = uuid.uuid4().hex[:9].upper()
    return f"U{suffix}", f"D{suffix}"


def signed_post(
    stack: Stack,
    body: str,
    content_type: str,
    *,
    secret: str | None = None,
    timestamp: int | None = None,
    retry: tuple[int, str] | None = None,
) -> httpx.Response:
    stamp = str(timestamp if timestamp is not None else int(time.time()))
    verifier = SignatureVerifier(secret or fakes(stack).slack_signing_secret)
    headers = {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": verifier.generate_signature(timestamp=stamp, body=body) or "",
    }
    if retry:
        headers.update({"X-Slack-Retry-Num": str(retry[0]), "X-Slack-Retry-Reason": retry[1]})
    return stack.client.post(f"{stack.rasa_url}{WEBHOOK}", content=body.encode(), headers=headers)


def message_event(user: str, channel: str, text: str, **event: Any) -> dict[str, Any]:
    ts = f"{time.time():.6f}"
    return {
        "token": "legacy-verification-token",
        "team_id": TEAM,
        "api_app_id": "A0TEST",
        "type": "event_callback",
        "event_id": f"Ev{uuid.uuid4().hex[:10].upper()}",
        "event_time": int(time.time()),
        "authorizations": [{"user_id": BOT_USER, "is_bot": True}],
        "event": {
            "type": "message",
            "channel_type": "im",
            "channel": channel,
            "user": user,
            "text": text,
            "ts": ts,
            "event_ts": ts,
            **event,
        },
    }


def send_event(stack: Stack, payload: dict[str, Any], **kwargs: Any) -> httpx.Response:
    return signed_post(stack, json.dumps(payload), "application/json", **kwargs)


def click(stack: Stack, user: str, channel: str, value: str, thread_ts: str | None = None) -> httpx.Response:
    message: dict[str, Any] = {"ts": f"{time.time():.6f}", "type": "message"}
    if thread_ts:
        message["thread_ts"] = thread_ts
    payload = {
        "type": "block_actions",
        "team": {"id": TEAM, "domain": "test"},
        "user": {"id": user, "team_id": TEAM},
        "channel": {"id": channel},
        "trigger_id": f"trigger-{uuid.uuid4().hex}",
        "message": message,
        "actions": [{"type": "button", "action_id": "choice", "block_id": "b", "value": value}],
    }
    return signed_post(stack, urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")


def settle(stack: Stack, channel: str, before: int, timeout: float = 90) -> list[dict[str, Any]]:
    """Wait for at least one new post in ``channel``, then until the bot goes quiet."""
    slack = fakes(stack).slack
    slack.wait_for(lambda _: len(slack.posted(channel)) > before, timeout=timeout)
    count = -1
    while count != len(slack.posted(channel)):
        count = len(slack.posted(channel))
        time.sleep(SETTLE)
    return slack.posted(channel)[before:]


def say(stack: Stack, user: str, channel: str, text: str, **event: Any) -> list[dict[str, Any]]:
    before = len(fakes(stack).slack.posted(channel))
    response = send_event(stack, message_event(user, channel, text, **event))
    assert response.status_code == 200, response.text
    return settle(stack, channel, before)


def press(stack: Stack, user: str, channel: str, posts: list[dict[str, Any]], title: str) -> list[dict[str, Any]]:
    """Press the Block Kit button whose text contains ``title`` in the latest post offering it."""
    for post in reversed(posts):
        for block in post.get("blocks") or []:
            for element in block.get("elements") or []:
                if element.get("type") == "button" and title.lower() in element["text"]["text"].lower():
                    before = len(fakes(stack).slack.posted(channel))
                    assert click(stack, user, channel, element["value"]).status_code == 200
                    return settle(stack, channel, before)
    raise AssertionError(f"no button {title!r} in {[p.get('text') for p in posts]}")


def text_of(posts: list[dict[str, Any]]) -> str:
    return "\n".join(post.get("text") or "" for post in posts)


def conversation(user: str) -> str:
    """The conversation id of a Slack user: ``slack:<team>:<user>``."""
    return identity.slack_id(TEAM, user)


def user_texts(stack: Stack, user: str) -> list[str]:
    tracker = stack.rasa_api("GET", f"/conversations/{conversation(user)}/tracker").json()
    return [e.get("text") for e in tracker.get("events") or [] if e.get("event") == "user"]


def summary(stack: Stack, user: str) -> dict[str, Any]:
    response = stack.api("GET", f"/api/conversations/{conversation(user)}")
    assert response.status_code == 200, response.text
    return response.json()


def test_spoofed_requests_are_refused_and_nothing_is_recorded(stack: Stack) -> None:
    attempts: dict[str, tuple[str, str]] = {}
    for how in ("wrong secret", "stale timestamp", "unsigned"):
        user, channel = attempts[how] = new_user()
        payload = message_event(user, channel, "Please save this question: is it contagious?")
        if how == "wrong secret":
            response = send_event(stack, payload, secret="not-the-signing-secret")
        elif how == "stale timestamp":  # a captured request replayed later
            response = send_event(stack, payload, timestamp=int(time.time()) - 600)
        else:
            response = stack.client.post(
                f"{stack.rasa_url}{WEBHOOK}", content=json.dumps(payload), headers={"Content-Type": "application/json"}
            )
        assert response.status_code == 400, how

    time.sleep(SETTLE)
    for how, (user, channel) in attempts.items():
        assert user_texts(stack, user) == [], how
        assert fakes(stack).slack.posted(channel) == [], how


def test_a_retried_event_is_dropped_whatever_the_reason(stack: Stack) -> None:
    user, channel = new_user()
    payload = message_event(user, channel, "Please save this question: do I need more tests before the operation?")
    first = say_payload(stack, channel, payload)
    assert first

    # Slack's retry reasons; Rasa itself only ignores http_timeout retries.
    for attempt, reason in enumerate(["http_timeout", "http_error", "connection_failed", "unknown_error"], 1):
        response = send_event(stack, payload, retry=(attempt, reason))
        assert response.status_code == 200
        assert response.headers.get("x-slack-no-retry") == "1"
    time.sleep(SETTLE * 2)

    assert len(fakes(stack).slack.posted(channel)) == len(first), "a retry must not be answered again"
    assert user_texts(stack, user) == ["Please save this question: do I need more tests before the operation?"]
    questions = stack.api("GET", f"/api/conversations/{conversation(user)}/questions").json()
    assert [q["text"] for q in questions] == ["Do I need more tests before the operation?"], text_of(first)


def say_payload(stack: Stack, channel: str, payload: dict[str, Any]) -> list[dict[str, Any]]:
    before = len(fakes(stack).slack.posted(channel))
    assert send_event(stack, payload).status_code == 200
    return settle(stack, channel, before)


def test_full_conversation_in_a_direct_message(stack: Stack) -> None:
    user, dm = new_user()

    opening = say(stack, user, dm, "hi")
    assert "911" in text_of(opening)
    menu = [p for p in opening if p.get("blocks")]
    assert menu, "the menu must come as Block Kit buttons"
    assert menu[-1]["blocks"][0]["type"] == "section" and menu[-1]["blocks"][1]["type"] == "actions"
    assert all("thread_ts" not in post for post in opening)  # a top-level DM gets top-level replies
    assert all("as_user" not in post for post in opening)  # rejected by new Slack apps

    # Assessment, started with its menu button: the diagnosis in words, then "Not sure" every time.
    posts = press(stack, user, dm, opening, "2nd opinion")
    assert "diagnosis" in text_of(posts).lower()
    posts = say(stack, user, dm, "lung cancer")
    for _ in range(10):
        if summary(stack, user)["recommendation"]:
            break
        posts = press(stack, user, dm, posts, "not sure")
    case = summary(stack, user)
    assert case["recommendation"] == "strongly_recommended" and case["channel"] == "slack"
    assert case["condition"] == "lung cancer"
    assert "strongly" in text_of(posts).lower()

    say(stack, user, dm, "Please save this question: will I need chemo after the surgery?")
    questions = stack.api("GET", f"/api/conversations/{conversation(user)}/questions").json()
    assert [q["text"] for q in questions] == ["Will I need chemo after the surgery?"]

    assert "advocate" in text_of(say(stack, user, dm, "I want to talk to a real person"))
    handoff = summary(stack, user)["handoff"]
    assert handoff and handoff["status"] == "open" and handoff["channel"] == "slack"
    slack = fakes(stack).slack
    before = len(slack.posted())
    answer = stack.api("POST", f"/api/handoffs/{handoff['id']}/messages", json={"text": "Hi, I'm Sam, an advocate."})
    assert answer.status_code == 201, answer.text
    slack.wait_for(lambda _: len(slack.posted()) > before)
    delivered = [p for p in slack.posted() if p.get("text") == "Hi, I'm Sam, an advocate."]
    assert delivered and delivered[0]["channel"] in (user, dm)  # Slack opens the app DM for a user id


def test_replies_go_into_the_thread_the_person_wrote_in(stack: Stack) -> None:
    user, _ = new_user()
    channel = f"C{uuid.uuid4().hex[:9].upper()}"
    thread = f"{time.time() - 60:.6f}"

    posts = say(
        stack,
        user,
        channel,
        f"<@{BOT_USER}> hi",
        type="app_mention",
        channel_type="channel",
        thread_ts=thread,
    )
    assert posts and all(post.get("thread_ts") == thread for post in posts)

    # A button pressed in that thread answers in the thread too.
    menu = [p for p in posts if p.get("blocks")]
    before = len(fakes(stack).slack.posted(channel))
    value = menu[-1]["blocks"][1]["elements"][0]["value"]
    assert click(stack, user, channel, value, thread_ts=thread).status_code == 200
    answer = settle(stack, channel, before)
    assert answer and all(post.get("thread_ts") == thread for post in answer)
