"""Only the person reaches their own conversation: ids belong to the channel that proved them.

Against the running stack: a question saved over a signed SMS must stay out of reach of REST
(the same number as ``sender``, with or without ``input_channel``, or its ``sms:`` id) and of the
widget's socket.io (that id as ``session_id``), while the JSON API shows it under ``sms:+1...``.
Also: the inbound limits (a 200 KB message, a flood) answer kindly, never with a 5xx.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import socketio

from bot.channels import identity, inbound_limits
from tests.e2e.harness import Stack
from tests.e2e.test_sms import new_number, sent, settle, text_and_wait

REST = "/webhooks/rest/webhook"
BIG = 200_000


def rest(stack: Stack, body: dict[str, Any]) -> Any:
    return stack.client.post(f"{stack.rasa_url}{REST}", json=body)


def saved_by_sms(stack: Stack) -> tuple[str, str]:
    """A number that saved a question by SMS, and a marker only that question contains."""
    number, marker = new_number(), f"zebrafish{uuid.uuid4().hex[:6]}"
    text_and_wait(stack, number, f"Please save this question: is {marker} therapy right for me?")
    questions = stack.api("GET", f"/api/conversations/{identity.sms_id(number)}/questions").json()
    assert any(marker in q["text"].lower() for q in questions), questions
    return number, marker


async def widget_turn(stack: Stack, session_id: str | None, message: str | None) -> tuple[str, list[str]]:
    """One socket.io visit: session_request with ``session_id``, optionally a message; (confirmed, replies)."""
    client = socketio.AsyncClient(reconnection=False)
    confirmed: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    replies: list[str] = []
    client.on("session_confirm", lambda sid: confirmed.done() or confirmed.set_result(sid))
    client.on("bot_uttered", lambda data: replies.append(json.dumps(data)))
    # Long-polling: engineio's websocket client needs a newer aiohttp than Rasa pins.
    await client.connect(stack.rasa_url, socketio_path="/socket.io/", transports=["polling"], wait_timeout=30)
    try:
        await client.emit("session_request", {"session_id": session_id})
        session = await asyncio.wait_for(confirmed, 30)
        if message is not None:
            # The message names another id on purpose: the socket must speak as its own session.
            await client.emit("user_uttered", {"message": message, "session_id": session_id or session})
            deadline = time.monotonic() + 90
            while not replies and time.monotonic() < deadline:
                await asyncio.sleep(0.5)
            await asyncio.sleep(3)  # the rest of the turn
        return session, replies
    finally:
        await client.disconnect()


def test_a_question_saved_by_sms_is_not_readable_over_rest_or_the_widget(stack: Stack) -> None:
    number, marker = saved_by_sms(stack)
    texts_before = len(sent(stack, number))

    for body in (
        {"sender": number, "message": "show my questions"},
        {"sender": number, "message": "show my questions", "input_channel": "twilio"},
    ):
        response = rest(stack, body)
        assert response.status_code == 200
        assert marker not in response.text.lower(), body  # REST's "+1..." is another person
    # input_channel is ignored: nothing of that REST conversation was texted to the number.
    assert len(settle(stack, number)) == texts_before

    for sender in (identity.sms_id(number), f"slack:T0:{number}", "web:anything"):
        refused = rest(stack, {"sender": sender, "message": "show my questions"})
        assert refused.status_code == 400, sender
        assert "may not start with" in refused.json()["detail"]

    session, replies = asyncio.run(widget_turn(stack, identity.sms_id(number), "show my questions"))
    assert session != identity.sms_id(number) and "." in session  # replaced by a server-signed session
    assert replies and not any(marker in reply.lower() for reply in replies)

    # The JSON API shows the question under the SMS id, and it is still there.
    case = stack.api("GET", f"/api/conversations/{identity.sms_id(number)}").json()
    assert case["channel"] == "twilio"
    assert any(marker in q["text"].lower() for q in case["questions"])


def test_a_forged_widget_session_is_replaced_and_a_signed_one_resumes(stack: Stack) -> None:
    first, _ = asyncio.run(widget_turn(stack, None, None))
    key, _, signature = first.partition(".")
    assert len(key) >= 32 and signature

    again, _ = asyncio.run(widget_turn(stack, first, None))
    assert again == first  # a reload keeps the conversation

    for forged in (key, f"{key}.{'A' * len(signature)}", "4f9c2a8e1b7d", f"web:{key}"):
        replaced, _ = asyncio.run(widget_turn(stack, forged, None))
        assert replaced not in (forged, first), forged


def test_a_200_kb_message_gets_a_friendly_reply_over_rest(stack: Stack) -> None:
    sender = f"big-{uuid.uuid4().hex[:8]}"
    response = rest(stack, {"sender": sender, "message": "Please save this question: " + "why " * (BIG // 4)})

    assert response.status_code == 200, response.text[:300]
    replies = [m.get("text") or "" for m in response.json()]
    assert "the rest was not read" in replies[0] and "Please save this question" in replies[0]
    tracker = stack.rasa_api("GET", f"/conversations/{sender}/tracker").json()
    [said] = [e["text"] for e in tracker["events"] if e.get("event") == "user"]
    assert len(said) <= inbound_limits.DEFAULT_MAX_MESSAGE_CHARS  # the bot read only what was kept


def test_a_200_kb_text_message_gets_a_friendly_reply(stack: Stack) -> None:
    number = new_number()
    replies = text_and_wait(stack, number, "hi " * (BIG // 3))
    assert any("the rest was not read" in reply for reply in replies), replies


def test_a_flood_over_rest_is_refused_with_429_and_a_reason(stack: Stack) -> None:
    """25 messages at once from one sender: 20 become turns, 5 are refused at the door."""
    sender = f"flood-{uuid.uuid4().hex[:8]}"
    with ThreadPoolExecutor(max_workers=25) as pool:
        answers = list(pool.map(lambda _: rest(stack, {"sender": sender, "message": "hi"}), range(25)))
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [200] * 20 + [429] * 5, statuses
    refused = next(answer for answer in answers if answer.status_code == 429)
    assert "at most 20 a minute" in refused.json()["detail"] and refused.headers["retry-after"] == "60"
    assert rest(stack, {"sender": f"{sender}-other", "message": "hi"}).status_code == 200
