"""SMS against the running stack: signed Twilio webhooks in, the fake Twilio REST API out.

Inbound requests are signed with the twilio library's own RequestValidator over the *public* URL
(PUBLIC_BASE_URL), as Twilio would sign them; what the bot sends is read back from the fake.
"""

from __future__ import annotations

import random
import re
import time
import uuid
from typing import Any

import httpx
from sqlalchemy import create_engine, text
from twilio.request_validator import RequestValidator

from bot.channels import identity, sms_format
from bot.channels.twilio_sms import EMPTY_TWIML, HELP_TEXT
from tests.e2e.harness import ChannelFakes, Stack

WEBHOOK = "/webhooks/twilio/webhook"
SETTLE = 2.5  # a turn's messages go out one after another; quiet this long = the turn is over


def new_number() -> str:
    return f"+1555{random.randrange(10**6, 10**7)}"


def fakes(stack: Stack) -> ChannelFakes:
    assert stack.channels is not None
    return stack.channels


def inbound(stack: Stack, number: str, body: str, sid: str | None = None) -> dict[str, str]:
    return {
        "MessageSid": sid or f"SM{uuid.uuid4().hex}",
        "AccountSid": "AC" + "0" * 32,
        "From": number,
        "To": fakes(stack).twilio_number,
        "Body": body,
        "NumMedia": "0",
    }


def signature(stack: Stack, params: dict[str, str], url: str | None = None, token: str | None = None) -> str:
    url = url or f"{fakes(stack).public_base_url}{WEBHOOK}"
    return RequestValidator(token or fakes(stack).twilio_auth_token).compute_signature(url, params)


def post(stack: Stack, params: dict[str, str], signature_header: str | None) -> httpx.Response:
    headers = {"X-Twilio-Signature": signature_header} if signature_header is not None else {}
    return stack.client.post(f"{stack.rasa_url}{WEBHOOK}", data=params, headers=headers)


def sent(stack: Stack, number: str) -> list[str]:
    return [m.get("Body", "") for m in fakes(stack).twilio.sent_to(number)]


def text_and_wait(stack: Stack, number: str, body: str, sid: str | None = None) -> list[str]:
    """Text the bot and return what it sent back once it has gone quiet."""
    before = len(sent(stack, number))
    params = inbound(stack, number, body, sid)
    response = post(stack, params, signature(stack, params))
    assert response.status_code == 200, response.text
    fakes(stack).twilio.wait_for(lambda _: len(sent(stack, number)) > before, timeout=90)
    return settle(stack, number)[before:]


def settle(stack: Stack, number: str) -> list[str]:
    count = -1
    while count != len(sent(stack, number)):
        count = len(sent(stack, number))
        time.sleep(SETTLE)
    return sent(stack, number)


def choices(message: str) -> dict[str, str]:
    """"1. Yes" lines of a message → {"yes": "1", ...}."""
    return {title.strip().lower(): number for number, title in re.findall(r"^(\d+)\. (.+)$", message, re.M)}


def conversation(number: str) -> str:
    """The conversation id of a number: the SMS channel's namespace, ``sms:+1...``."""
    return identity.sms_id(number)


def user_texts(stack: Stack, number: str) -> list[str]:
    tracker = stack.rasa_api("GET", f"/conversations/{conversation(number)}/tracker").json()
    return [e.get("text") for e in tracker.get("events") or [] if e.get("event") == "user"]


def summary(stack: Stack, number: str) -> dict[str, Any]:
    response = stack.api("GET", f"/api/conversations/{conversation(number)}")
    assert response.status_code == 200, response.text
    return response.json()


def process_lines(stack: Stack, *names: str) -> list[str]:
    """The stack's output lines from the named processes (honcho prefixes "HH:MM:SS name | ")."""
    lines = []
    for line in stack.log_tail(100_000).splitlines():
        match = re.match(r"^\S+ (\S+?)(?:\.\d+)?\s+\| ", line)
        if match and match.group(1) in names:
            lines.append(line)
    return lines


def opted_out(stack: Stack, number: str) -> bool:
    """Is there an opt-out row? Rows carry the keyed hash of the sender id, made with the stack's key."""
    hashes = [stack.sender_hash(sender_id) for sender_id in (number, f"sms:{number}")]
    engine = create_engine(stack.database_url)
    try:
        with engine.connect() as connection:
            query = text("SELECT count(*) FROM sms_opt_outs WHERE sender_id IN (:a, :b)")
            return connection.execute(query, {"a": hashes[0], "b": hashes[1]}).scalar_one() > 0
    finally:
        engine.dispose()


def test_webhook_answers_at_once_with_empty_twiml(stack: Stack) -> None:
    number = new_number()
    params = inbound(stack, number, "hi")

    response = post(stack, params, signature(stack, params))
    sent_when_answered = sent(stack, number)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/xml")
    assert response.text == EMPTY_TWIML
    # Twilio gives up on a webhook after 15 s: the turn runs after the answer, not before it.
    assert sent_when_answered == [], "the webhook waited for the turn to finish"
    fakes(stack).twilio.wait_for(lambda _: sent(stack, number) != [], timeout=90)  # the reply still comes


def test_an_faq_offer_is_taken_by_its_number_or_by_ok(stack: Stack) -> None:
    number = new_number()
    [answer] = text_and_wait(stack, number, "what should i bring to the new doctor")
    assert "Bring all your records" in answer
    assert choices(answer) == {"get my records": "1"}

    assert "Which doctor, hospital or clinic has the records?" in "\n".join(text_and_wait(stack, number, "1"))

    other = new_number()
    text_and_wait(stack, other, "what should i bring to the new doctor")
    assert "Which doctor, hospital or clinic has the records?" in "\n".join(text_and_wait(stack, other, "ok"))


def test_spoofed_requests_get_403_and_nothing_is_recorded_or_sent(stack: Stack) -> None:
    attempts: dict[str, str] = {}
    for how in ("missing", "wrong token", "local url instead of public", "tampered body"):
        number = attempts[how] = new_number()
        params = inbound(stack, number, "Please save this question: do I need more tests before the operation?")
        header: str | None
        if how == "missing":
            header = None
        elif how == "wrong token":
            header = signature(stack, params, token="not-the-auth-token")
        elif how == "local url instead of public":
            header = signature(stack, params, url=f"{stack.rasa_url}{WEBHOOK}")
        else:
            header = signature(stack, params)
            params = {**params, "Body": "delete my data"}

        assert post(stack, params, header).status_code == 403, how

    time.sleep(SETTLE)
    for how, number in attempts.items():
        assert user_texts(stack, number) == [], how
        assert sent(stack, number) == [], how
        assert summary(stack, number)["questions"] == [], how


def test_a_replayed_message_sid_is_dropped_and_recorded_once(stack: Stack) -> None:
    number = new_number()
    sid = f"SM{uuid.uuid4().hex}"
    question = "Please save this question: do I need more tests before the operation?"

    first = text_and_wait(stack, number, question, sid=sid)
    assert first
    params = inbound(stack, number, question, sid=sid)
    for _ in range(2):  # Twilio retrying the same message
        response = post(stack, params, signature(stack, params))
        assert response.status_code == 200 and response.text == EMPTY_TWIML
    time.sleep(SETTLE * 2)

    assert len(sent(stack, number)) == len(first), "a replay must not produce a second reply"
    assert user_texts(stack, number) == [question]
    questions = stack.api("GET", f"/api/conversations/{conversation(number)}/questions").json()
    assert [q["text"] for q in questions] == ["Do I need more tests before the operation?"], first


def test_full_conversation_by_sms(stack: Stack) -> None:
    number = new_number()
    twilio = fakes(stack)

    # Opening: who we are, 911, and the journeys as numbered choices.
    opening = "\n".join(text_and_wait(stack, number, "hi"))
    assert "911" in opening and "not a doctor" in opening
    menu = choices(opening)
    assert "talk to a person" in menu and re.search(r"Reply 1, 2, 3, 4 or 5\.", opening)

    # Assessment, started by the number of its menu choice: the diagnosis in words, then every
    # question answered by the number of its "Not sure" choice.
    replies = text_and_wait(stack, number, menu["should i get a 2nd opinion?"])
    assert "diagnosis" in replies[-1].lower(), replies
    replies = text_and_wait(stack, number, "lung cancer")
    for _ in range(10):
        if summary(stack, number)["recommendation"]:
            break
        options = choices(replies[-1])
        not_sure = next((n for title, n in options.items() if "not sure" in title), None)
        assert not_sure, f"no 'Not sure' choice in {replies[-1]!r}"
        replies = text_and_wait(stack, number, not_sure)
    case = summary(stack, number)
    assert case["recommendation"] == "strongly_recommended" and case["channel"] == "twilio"
    assert case["condition"] == "lung cancer"
    assert "strongly" in "\n".join(replies).lower()

    # A question saved by text.
    text_and_wait(stack, number, "Please save this question: will I need chemo after the surgery?")
    questions = stack.api("GET", f"/api/conversations/{conversation(number)}/questions").json()
    assert [q["text"] for q in questions] == ["Will I need chemo after the surgery?"]

    # A person: the handoff opens, and the advocate's reply reaches the phone.
    assert "advocate" in "\n".join(text_and_wait(stack, number, "I want to talk to a real person"))
    handoff = summary(stack, number)["handoff"]
    assert handoff and handoff["status"] == "open" and handoff["channel"] == "twilio"
    before = len(sent(stack, number))
    answer = stack.api("POST", f"/api/handoffs/{handoff['id']}/messages", json={"text": "Hi, I'm Sam, an advocate."})
    assert answer.status_code == 201, answer.text
    twilio.twilio.wait_for(lambda _: len(sent(stack, number)) > before)
    assert sent(stack, number)[-1] == "Hi, I'm Sam, an advocate."

    # Every message: from our number, at most 3 segments; the full number never reaches the logs.
    messages = twilio.twilio.sent_to(number)
    assert all(m["From"] == twilio.twilio_number for m in messages)
    assert all(sms_format.segment_count(m["Body"]) <= 3 for m in messages), [m["Body"] for m in messages]
    assert not [line for line in process_lines(stack, "rasa", "actions") if number in line]


def test_stop_silences_everything_until_start(stack: Stack) -> None:
    number = new_number()
    text_and_wait(stack, number, "hi")
    count = len(sent(stack, number))

    params = inbound(stack, number, "STOP")
    assert post(stack, params, signature(stack, params)).status_code == 200
    for body in ["hi", "help", "save this question: is it genetic?"]:
        params = inbound(stack, number, body)
        assert post(stack, params, signature(stack, params)).status_code == 200
    time.sleep(SETTLE * 2)

    assert opted_out(stack, number)
    assert len(sent(stack, number)) == count, "nothing may be sent after STOP (Twilio confirms STOP itself)"
    assert user_texts(stack, number) == ["hi"]  # nothing after STOP was recorded either

    greeting = "\n".join(text_and_wait(stack, number, "START"))
    assert not opted_out(stack, number)
    assert "911" in greeting
    assert text_and_wait(stack, number, "HELP") == [sms_format.plain_text(HELP_TEXT)]
