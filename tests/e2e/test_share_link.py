"""The printable question list over the real stack: ask in the chat, open the link, get the PDF,
and text it to a typed number through the fake Twilio.

Needs the trained model (the rules for `print_followup` and `sms_number_form`); run by `make test`.
"""

from __future__ import annotations

import re
import uuid
from urllib.parse import urlsplit

from tests.e2e.harness import Stack

LINK = re.compile(r"https?://[^\s)\]]+/my-questions/([A-Za-z0-9_-]+)")


def bot_text(messages: list[dict]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def test_print_link_round_trip(stack: Stack) -> None:
    sender = f"share-{uuid.uuid4().hex[:8]}"
    stack.say(sender, "save this question: how long is recovery? and can I work during treatment?")
    reply = bot_text(stack.say(sender, "print my list"))
    match = LINK.search(reply)
    assert match, reply
    token = match.group(1)
    assert sender not in match.group(0)
    path = urlsplit(match.group(0)).path

    page = stack.client.get(f"{stack.web_url}{path}")
    assert page.status_code == 200 and "Questions for my appointment" in page.text
    assert "how long is recovery?" in page.text.lower()

    stack.say(sender, "add a question: is there a clinical trial I could join?")  # after sharing
    assert "clinical trial" in stack.client.get(f"{stack.web_url}{path}").text

    pdf = stack.client.get(f"{stack.web_url}/my-questions/{token}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")

    stack.api("DELETE", f"/api/conversations/{sender}")
    assert stack.client.get(f"{stack.web_url}{path}").status_code == 404


def test_text_me_my_questions_from_the_website(stack: Stack) -> None:
    assert stack.channels is not None
    sender = f"share-{uuid.uuid4().hex[:8]}"
    number = "+14155550" + str(uuid.uuid4().int % 900 + 100)
    stack.say(sender, "save this question: how long is recovery?")
    ask = bot_text(stack.say(sender, "text me my questions"))
    assert "What mobile number" in ask, ask
    confirm = bot_text(stack.say(sender, f"({number[2:5]}) {number[5:8]}-{number[8:]}"))
    assert "Text your 1 question to" in confirm, confirm
    done = bot_text(stack.say(sender, "yes"))
    assert "Sent!" in done, done
    [sms] = stack.channels.twilio.wait_for_messages(number, 1)
    assert "how long is recovery?" in sms["Body"].lower() and "/my-questions/" in sms["Body"]


def test_not_now_at_the_number_question(stack: Stack) -> None:
    sender = f"share-{uuid.uuid4().hex[:8]}"
    stack.say(sender, "save this question: how long is recovery?")
    assert "What mobile number" in bot_text(stack.say(sender, "text me my questions"))
    assert "won't text it" in bot_text(stack.say(sender, "not now"))
    assert "1. how long is recovery?" in bot_text(stack.say(sender, "show my questions")).lower()
