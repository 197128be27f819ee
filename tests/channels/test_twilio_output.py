"""Replies going out to Twilio's REST API (a local fake): format, retries, failures, opt-out."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from itertools import pairwise

import pytest

from bot.channels import identity, sms_format
from bot.channels.twilio_rest import TwilioRestClient
from bot.channels.twilio_sms import TwilioSmsOutput, offered_buttons
from bot.persistence import repository
from tests.fakes import FakeTwilio

SID = "AC" + "0" * 32
TOKEN = "test-auth-token"
BOT_NUMBER = "+15550001111"
PERSON = "+15557654321"
CONVERSATION = identity.sms_id(PERSON)  # what Rasa hands the output channel as recipient_id


@pytest.fixture
def twilio() -> Iterator[FakeTwilio]:
    fake = FakeTwilio().start()
    yield fake
    fake.stop()


def rest(fake: FakeTwilio, **kwargs: float) -> TwilioRestClient:
    return TwilioRestClient(SID, TOKEN, fake.url, base_delay=kwargs.pop("base_delay", 0.05), **kwargs)


async def never_opted_out(_: str) -> bool:
    return False


def run(coro: object) -> object:
    return asyncio.run(coro)  # type: ignore[arg-type]


def test_a_message_is_posted_like_the_twilio_library_does(twilio: FakeTwilio) -> None:
    client = rest(twilio)

    async def send() -> str | None:
        try:
            return await client.send(PERSON, BOT_NUMBER, "Hello")
        finally:
            await client.aclose()

    assert run(send()) == "SM" + "1".rjust(32, "0")
    [request] = twilio.requests
    assert request.path == f"/2010-04-01/Accounts/{SID}/Messages.json"
    assert request.form == {"To": PERSON, "From": BOT_NUMBER, "Body": "Hello"}
    assert request.headers["Authorization"].startswith("Basic ")  # account SID + auth token


def test_429_and_5xx_are_retried_with_backoff_then_sent(twilio: FakeTwilio) -> None:
    twilio.fail_next(503, 429, 500)
    client = rest(twilio, base_delay=0.1)

    async def send() -> str | None:
        try:
            return await client.send(PERSON, BOT_NUMBER, "Hello")
        finally:
            await client.aclose()

    assert run(send()) is not None
    times = [r.at for r in twilio.requests]
    assert len(times) == 4
    gaps = [b - a for a, b in pairwise(times)]
    assert gaps[0] >= 0.1 and gaps[1] >= 0.2 and gaps[2] >= 0.4  # exponential back-off


def test_retry_after_is_honoured(twilio: FakeTwilio) -> None:
    twilio.fail_next(429, retry_after="1")
    client = rest(twilio, base_delay=0.01)

    async def send() -> str | None:
        try:
            return await client.send(PERSON, BOT_NUMBER, "Hello")
        finally:
            await client.aclose()

    assert run(send()) is not None
    first, second = twilio.requests
    assert second.at - first.at >= 1.0


def test_a_reply_that_finally_fails_is_logged_with_the_reason_and_a_masked_number(
    twilio: FakeTwilio, caplog: pytest.LogCaptureFixture
) -> None:
    twilio.fail_next(503, 503, 503)
    client = rest(twilio, max_attempts=3)

    async def send() -> str | None:
        try:
            return await client.send(PERSON, BOT_NUMBER, "Hello")
        finally:
            await client.aclose()

    with caplog.at_level(logging.WARNING, logger="bot.channels.twilio_rest"):
        assert run(send()) is None
    assert len(twilio.requests) == 3
    [error] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert "NOT SENT after 3 attempt(s)" in error.getMessage() and "HTTP 503" in error.getMessage()
    assert PERSON not in caplog.text and sms_format.mask_phone(PERSON) in caplog.text


def test_a_client_error_is_not_retried(twilio: FakeTwilio, caplog: pytest.LogCaptureFixture) -> None:
    twilio.fail_next(400)
    client = rest(twilio)

    async def send() -> str | None:
        try:
            return await client.send(PERSON, BOT_NUMBER, "Hello")
        finally:
            await client.aclose()

    with caplog.at_level(logging.ERROR, logger="bot.channels.twilio_rest"):
        assert run(send()) is None
    assert len(twilio.requests) == 1
    assert "HTTP 400" in caplog.text


def test_an_unreachable_twilio_is_retried_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    client = TwilioRestClient(SID, TOKEN, "http://127.0.0.1:9", max_attempts=2, base_delay=0.01)

    async def send() -> str | None:
        try:
            return await client.send(PERSON, BOT_NUMBER, "Hello")
        finally:
            await client.aclose()

    with caplog.at_level(logging.ERROR, logger="bot.channels.twilio_rest"):
        assert run(send()) is None
    assert "ConnectError" in caplog.text


def test_sending_does_not_block_the_event_loop(twilio: FakeTwilio) -> None:
    """While a send waits out its back-off, other coroutines keep running."""
    twilio.fail_next(503)
    client = rest(twilio, base_delay=0.5)
    ticks: list[float] = []

    async def ticker() -> None:
        for _ in range(8):
            ticks.append(asyncio.get_running_loop().time())
            await asyncio.sleep(0.05)

    async def both() -> None:
        try:
            await asyncio.gather(client.send(PERSON, BOT_NUMBER, "Hello"), ticker())
        finally:
            await client.aclose()

    run(both())
    assert len(ticks) == 8 and max(b - a for a, b in pairwise(ticks)) < 0.3


def test_output_sends_buttons_as_numbered_choices_in_one_message(twilio: FakeTwilio) -> None:
    output = TwilioSmsOutput(rest(twilio), BOT_NUMBER, opted_out=never_opted_out)
    buttons = [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]

    async def send() -> None:
        try:
            await output.send_response(CONVERSATION, {"text": "Is it **rare**?", "buttons": buttons})
        finally:
            await output.rest.aclose()

    run(send())
    assert [m["Body"] for m in twilio.sent_to(PERSON)] == ["Is it rare?\n1. Yes\n2. No\nReply 1 or 2."]


def test_output_splits_a_long_reply_into_messages_of_at_most_three_segments(twilio: FakeTwilio) -> None:
    output = TwilioSmsOutput(rest(twilio), BOT_NUMBER, opted_out=never_opted_out)
    text = " ".join(f"Point {n}: a second opinion can confirm or change the plan." for n in range(25))

    async def send() -> None:
        try:
            await output.send_text_message(CONVERSATION, text)
        finally:
            await output.rest.aclose()

    run(send())
    bodies = [m["Body"] for m in twilio.sent_to(PERSON)]
    assert len(bodies) > 1
    assert all(sms_format.segment_count(body) <= 3 for body in bodies)
    assert " ".join(bodies) == text


def test_nothing_is_sent_to_a_number_that_opted_out(twilio: FakeTwilio, database: str) -> None:
    repository.set_sms_opt_out(PERSON, "stop")
    output = TwilioSmsOutput(rest(twilio), BOT_NUMBER)

    async def send() -> None:
        try:
            await output.send_text_message(CONVERSATION, "An advocate's message")
        finally:
            await output.rest.aclose()

    run(send())
    assert twilio.requests == []
    assert repository.is_sms_opted_out(PERSON)
    assert repository.clear_sms_opt_out(PERSON) is True
    assert not repository.is_sms_opted_out(PERSON)
    assert repository.clear_sms_opt_out(PERSON) is False


@pytest.mark.parametrize("recipient", [PERSON, "web:abc", "slack:T1:U1", "rest-person"])
def test_nothing_is_texted_for_an_id_that_is_not_an_sms_conversation(twilio: FakeTwilio, recipient: str) -> None:
    """Replies go only to the channel the id belongs to: a bare number is a REST id, never texted."""
    output = TwilioSmsOutput(rest(twilio), BOT_NUMBER, opted_out=never_opted_out)

    async def send() -> None:
        try:
            await output.send_text_message(recipient, "An advocate's message")
        finally:
            await output.rest.aclose()

    run(send())
    assert twilio.requests == []


def test_offered_buttons_are_those_of_the_last_bot_message_since_the_person_wrote() -> None:
    yes_no = [{"title": "Yes", "payload": "/affirm"}]
    newest_first = [
        {"event": "action", "name": "action_listen"},
        {"event": "bot", "text": "Anything else?", "data": {}},
        {"event": "bot", "text": "Sure?", "data": {"buttons": yes_no}},
        {"event": "user", "text": "hi"},
        {"event": "bot", "text": "Old", "data": {"buttons": [{"title": "Old", "payload": "/old"}]}},
    ]
    assert offered_buttons(newest_first) == ("Sure?", yes_no)
    assert offered_buttons([{"event": "user", "text": "1"}, *newest_first]) == ("", [])

