"""A human advocate takes over on SMS and on Slack, through the console, and hands back.

Against the running stack: the person writes through the real Twilio and Slack webhooks (signed
like the services sign them), the advocate signs in to the console with an account made by
``python -m bot.advocates``, and what reaches the person is read back from the fake Twilio and
Slack APIs the stack sends to.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from bot.channels import identity
from bot.settings import PROJECT_ROOT
from bot.web.rasa_client import BACK_TO_BOT_TEXT
from tests.e2e.harness import Stack
from tests.e2e.test_sms import fakes, inbound, new_number, post, sent, signature, text_and_wait

ADVOCATE_SLACK_CHANNEL = "C0ADVOCATES"  # what tests/e2e/conftest.py gives the stack
PASSWORD = "correct horse battery staple"
LIVE_WITHIN = 2.0  # seconds: a person's message must show in the console this fast
_CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


def add_advocate(stack: Stack, email: str, name: str) -> None:
    """Create the account the way an operator does, with the CLI, in the stack's database."""
    subprocess.run(
        [sys.executable, "-m", "bot.advocates", "add", email, "--name", name, "--password-stdin"],
        input=PASSWORD + "\n", env={**os.environ, "DATABASE_URL": stack.database_url}, cwd=PROJECT_ROOT,
        check=True, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


class Console:
    """An advocate's browser session on the console, driven over HTTP (forms and the page's JSON)."""

    def __init__(self, stack: Stack, email: str) -> None:
        self.client = httpx.Client(base_url=stack.web_url, timeout=60.0, follow_redirects=True)
        form = self.client.get("/advocate/login")
        response = self.client.post(
            "/advocate/login",
            data={"email": email, "password": PASSWORD, "csrf_token": self._csrf(form.text)},
        )
        assert response.status_code == 200 and "Signed in as" in response.text, response.text
        self.csrf = self._csrf(response.text)

    @staticmethod
    def _csrf(page: str) -> str:
        match = _CSRF_INPUT.search(page)
        assert match, page
        return match.group(1)

    def page(self, handoff_id: int) -> str:
        response = self.client.get(f"/advocate/handoffs/{handoff_id}")
        assert response.status_code == 200
        return response.text

    def transcript(self, handoff_id: int) -> list[dict[str, Any]]:
        """What the page's script reads every second."""
        return self.client.get(f"/api/handoffs/{handoff_id}").json()["transcript"]

    def wait_for_person(self, handoff_id: int, text: str, within: float = LIVE_WITHIN) -> float:
        """Seconds until ``text`` from the person shows in the console (fails after ``within``)."""
        started = time.monotonic()
        while time.monotonic() - started < within:
            if any(e["from"] == "person" and e["text"] == text for e in self.transcript(handoff_id)):
                return time.monotonic() - started
            time.sleep(0.2)
        raise AssertionError(f"{text!r} did not show in the console within {within} s")

    def reply(self, handoff_id: int, text: str) -> None:
        response = self.client.post(
            f"/advocate/handoffs/{handoff_id}/messages", data={"text": text, "csrf_token": self.csrf}
        )
        assert "Sent." in response.text, response.text

    def close(self, handoff_id: int) -> None:
        response = self.client.post(f"/advocate/handoffs/{handoff_id}/close", data={"csrf_token": self.csrf})
        assert "Closed. The bot has told the person it is back." in response.text, response.text


@pytest.fixture(scope="module")
def console(stack: Stack) -> Iterator[Console]:
    email = f"advocate-{uuid.uuid4().hex[:8]}@example.org"
    add_advocate(stack, email, "Sam Rivera")
    session = Console(stack, email)
    yield session
    session.client.close()


def open_handoff_of(stack: Stack, sender_id: str) -> dict[str, Any]:
    handoff = stack.api("GET", f"/api/conversations/{sender_id}").json()["handoff"]
    assert handoff and handoff["status"] == "open", handoff
    return handoff


def assert_announced(stack: Stack, handoff_id: int) -> None:
    slack = fakes(stack).slack
    link = f"{fakes(stack).public_base_url}/advocate/handoffs/{handoff_id}|"
    slack.wait_for(lambda _: any(link in post.get("text", "") for post in slack.posted(ADVOCATE_SLACK_CHANNEL)), 30)


# --- SMS -------------------------------------------------------------------------------------


def test_an_advocate_takes_over_an_sms_conversation_and_hands_back(stack: Stack, console: Console) -> None:
    number = new_number()
    text_and_wait(stack, number, "hi")

    told = "\n".join(text_and_wait(stack, number, "I want to talk to a real person"))
    assert "human patient advocate" in told
    assert "No advocate is signed in at this moment" not in told  # the console is open: someone is online
    assert "An advocate is online now" in told
    handoff = open_handoff_of(stack, identity.sms_id(number))
    assert handoff["channel"] == "twilio"
    assert_announced(stack, handoff["id"])
    assert "I want to talk to a real person" in console.page(handoff["id"])

    before = len(sent(stack, number))
    console.reply(handoff["id"], "Hi, I'm Sam, a patient advocate. How can I help?")
    fakes(stack).twilio.wait_for(lambda _: len(sent(stack, number)) > before)
    assert sent(stack, number)[-1] == "Hi, I'm Sam, a patient advocate. How can I help?"

    # The person answers: the bot stays quiet and the advocate sees it at once.
    before = len(sent(stack, number))
    _text(stack, number, "My insurer denied the second opinion")
    console.wait_for_person(handoff["id"], "My insurer denied the second opinion")
    time.sleep(1.0)
    assert len(sent(stack, number)) == before, "the bot must not talk over the advocate"

    console.close(handoff["id"])
    fakes(stack).twilio.wait_for(lambda _: BACK_TO_BOT_TEXT.split(".")[0] in "\n".join(sent(stack, number)))

    after = text_and_wait(stack, number, "what can you do")
    assert after, "the bot answers again after the handoff"
    transcript = stack.api("GET", f"/api/handoffs/{handoff['id']}").json()["transcript"]
    advocate_lines = [(e["from"], e["author"]) for e in transcript if e["from"] == "advocate"]
    assert advocate_lines == [("advocate", "Sam Rivera")]  # kept, marked as the advocate's


def _text(stack: Stack, number: str, body: str) -> None:
    """Send one SMS without waiting for an answer (during a handoff there is none)."""
    params = inbound(stack, number, body)
    assert post(stack, params, signature(stack, params)).status_code == 200


# --- Slack -----------------------------------------------------------------------------------


def slack_event(stack: Stack, user: str, channel: str, text: str) -> httpx.Response:
    """A direct message to the app, signed with the signing secret as Slack signs it."""
    body = json.dumps(
        {
            "type": "event_callback",
            "event_id": f"Ev{uuid.uuid4().hex[:12].upper()}",
            "team_id": "T0TEAM",
            "authorizations": [{"user_id": "U0BOT"}],
            "event": {
                "type": "message",
                "channel_type": "im",
                "channel": channel,
                "user": user,
                "text": text,
                "ts": f"{time.time():.6f}",
            },
        }
    )
    timestamp = str(int(time.time()))
    digest = hmac.new(
        fakes(stack).slack_signing_secret.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256
    ).hexdigest()
    headers = {
        "Content-Type": "application/json",
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": f"v0={digest}",
    }
    return stack.client.post(f"{stack.rasa_url}/webhooks/slack/webhook", content=body, headers=headers)


def slack_texts(stack: Stack, *channels: str) -> list[str]:
    return [post.get("text", "") for post in fakes(stack).slack.posted() if post.get("channel") in channels]


def test_an_advocate_takes_over_a_slack_conversation_and_hands_back(stack: Stack, console: Console) -> None:
    user, dm = f"U{uuid.uuid4().hex[:8].upper()}", f"D{uuid.uuid4().hex[:8].upper()}"
    slack = fakes(stack).slack

    assert slack_event(stack, user, dm, "I need to talk to a human please").status_code == 200
    slack.wait_for(lambda _: any("advocate" in t for t in slack_texts(stack, dm, user)), 90)
    handoff = open_handoff_of(stack, identity.slack_id("T0TEAM", user))
    assert handoff["channel"] == "slack"
    assert_announced(stack, handoff["id"])

    console.reply(handoff["id"], "Hello from Sam, your patient advocate.")
    # Rasa's Slack output posts to the person (their user id opens the DM with the app).
    slack.wait_for(lambda _: "Hello from Sam, your patient advocate." in slack_texts(stack, dm, user), 30)

    assert slack_event(stack, user, dm, "thank you, I have a billing question").status_code == 200
    console.wait_for_person(handoff["id"], "thank you, I have a billing question")

    console.close(handoff["id"])
    back = BACK_TO_BOT_TEXT.split(".")[0]
    slack.wait_for(lambda _: any(t.startswith(back) for t in slack_texts(stack, dm, user)), 30)
    count = len(slack_texts(stack, dm, user))
    assert slack_event(stack, user, dm, "what can you do").status_code == 200
    slack.wait_for(lambda _: len(slack_texts(stack, dm, user)) > count, 90)
