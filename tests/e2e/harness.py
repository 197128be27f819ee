"""The running stack as tests see it, and the small helpers the `stack` fixture uses.

A module of its own (not conftest.py) so tests can import `Stack` for their type hints.
"""

from __future__ import annotations

import signal
import socket
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bot.launcher import read_env_file
from bot.persistence.people import SENDER_HASH_PURPOSE
from bot.security.hashing import keyed_hash
from tests.fakes import FakeSlack, FakeTwilio

STOP_TIMEOUT = 30.0
LOG_TAIL_LINES = 200


@dataclass
class ChannelFakes:
    """The fake Twilio and Slack APIs the stack sends to, and the secrets it checks webhooks with."""

    twilio: FakeTwilio
    slack: FakeSlack
    twilio_auth_token: str
    twilio_number: str
    public_base_url: str  # what Twilio signs: the stack believes it is served from here
    slack_signing_secret: str


@dataclass
class Stack:
    """A running stack and small helpers to talk to it."""

    rasa_url: str
    web_url: str
    action_server_url: str
    api_token: str  # ADVOCATE_API_TOKEN: the web app's staff API
    rasa_token: str  # RASA_API_TOKEN: Rasa's HTTP API
    database_url: str
    log_path: Path
    client: httpx.Client = field(repr=False)
    channels: ChannelFakes | None = field(default=None, repr=False)

    def say(self, sender: str, text: str) -> list[dict[str, Any]]:
        """Send a message over Rasa's REST channel; returns the bot's messages."""
        response = self.client.post(f"{self.rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": text})
        response.raise_for_status()
        return response.json()

    def api(self, method: str, path: str, *, token: str | None = "", **kwargs: Any) -> httpx.Response:
        """Call the web app; with the staff token unless `token` says otherwise (None: no header)."""
        headers = dict(kwargs.pop("headers", {}))
        token = self.api_token if token == "" else token
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        return self.client.request(method, f"{self.web_url}{path}", headers=headers, **kwargs)

    def rasa_api(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """Call Rasa's HTTP API with its token (e.g. GET /conversations/<sender>/tracker)."""
        params = {**kwargs.pop("params", {}), "token": self.rasa_token}
        return self.client.request(method, f"{self.rasa_url}{path}", params=params, **kwargs)

    def sender_hash(self, sender_id: str) -> str:
        """What the stack's rows carry for ``sender_id``: its keyed hash, with the stack's own key."""
        secrets = read_env_file(self.log_path.parent / "var" / "secrets.env")
        return keyed_hash(sender_id, SENDER_HASH_PURPOSE, key=secrets["ADVOCATE_HASH_KEY"].encode())

    def log_tail(self, lines: int = LOG_TAIL_LINES) -> str:
        return tail(self.log_path, lines)


def tail(path: Path, lines: int) -> str:
    if not path.exists():
        return "(no output)"
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def free_ports(count: int) -> list[int]:
    """Distinct ports nothing listens on: all held open at once, then released for the stack."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def stop(process: subprocess.Popen[bytes]) -> None:
    """Ctrl-C for the launcher: honcho then stops the three servers and waits for them."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
