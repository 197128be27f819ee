"""Issue 12's "five conversations asking to text one number send at most 3", over the real stack.

Five conversations (REST, each its own sender) ask for their list by text to the same number and
all say "yes" at the same moment; the fake Twilio must receive exactly 3 texts for that number,
and the two others are told kindly, with their link instead. A sixth is told before it is asked.
"""

from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor

from bot.logic import sharing
from tests.e2e.harness import Stack

CONVERSATIONS = 5


def bot_text(messages: list[dict]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def ask_to_text(stack: Stack, sender: str, number: str) -> str:
    """Save a question, ask for the list by text, give the number: the bot's last reply."""
    stack.say(sender, "save this question: how long is recovery?")
    assert "What mobile number" in bot_text(stack.say(sender, "text me my questions"))
    return bot_text(stack.say(sender, f"({number[2:5]}) {number[5:8]}-{number[8:]}"))


def test_five_conversations_texting_one_number_send_at_most_three(stack: Stack) -> None:
    assert stack.channels is not None
    twilio = stack.channels.twilio
    run = uuid.uuid4().hex[:8]
    number = f"+1628555{uuid.uuid4().int % 9000 + 1000}"  # an exchange no other stack test texts
    senders = [f"limits-{run}-{index}" for index in range(CONVERSATIONS)]
    for sender in senders:
        confirm = ask_to_text(stack, sender, number)
        assert "Text your 1 question to" in confirm, confirm  # nothing sent yet: all five are asked

    with ThreadPoolExecutor(CONVERSATIONS) as pool:  # five "yes" at once
        replies = [bot_text(reply) for reply in pool.map(lambda sender: stack.say(sender, "yes"), senders)]

    sent = [reply for reply in replies if "Sent!" in reply]
    held = [reply for reply in replies if sharing.TEXTS_PAUSED in reply]
    assert len(sent) == 3 and len(held) == 2, replies
    assert all("/my-questions/" in reply for reply in held)  # the link instead
    twilio.wait_for_messages(number, 3)
    time.sleep(1.0)  # a fourth text would have been sent before its reply came back
    assert len(twilio.sent_to(number)) == 3

    late = ask_to_text(stack, f"limits-{run}-late", number)
    assert late == sharing.texts_paused(), late
    assert len(twilio.sent_to(number)) == 3
