"""A fake Slack Web API: a real HTTP server on a free port that records what it is sent.

slack_sdk's WebClient talks to it through SLACK_API_BASE_URL exactly as it would to Slack, so the
token header, the method URL and the JSON body are all checked for real.
"""
from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

SLACK_TOKEN = "xoxb-test-token"
SLACK_CHANNEL = "C0ADVOCATES"


@dataclass
class SlackCall:
    method: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class FakeSlack:
    url: str
    calls: list[SlackCall] = field(default_factory=list)
    error: str | None = None  # answer {"ok": false, "error": ...} (e.g. "channel_not_found")
    delay: float = 0.0  # seconds before answering
    received: threading.Event = field(default_factory=threading.Event)

    def posts(self) -> list[SlackCall]:
        return [c for c in self.calls if c.method == "chat.postMessage"]


def _handler_for(fake: FakeSlack) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                body = {"_raw": raw.decode(errors="replace")}
            method = self.path.rsplit("/", 1)[-1]
            fake.calls.append(SlackCall(method, {k.lower(): v for k, v in self.headers.items()}, body))
            fake.received.set()
            if fake.delay:
                time.sleep(fake.delay)
            ok = {"ok": True, "channel": SLACK_CHANNEL, "ts": "1.1"}
            payload = {"ok": False, "error": fake.error} if fake.error else ok
            data = json.dumps(payload).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet."""

    return Handler


@pytest.fixture
def fake_slack(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSlack]:
    """The fake Slack, with the announcement settings pointing at it."""
    fake = FakeSlack(url="")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(fake))
    fake.url = f"http://127.0.0.1:{server.server_address[1]}/api/"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    monkeypatch.setenv("SLACK_API_BASE_URL", fake.url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", SLACK_TOKEN)
    monkeypatch.setenv("ADVOCATE_SLACK_CHANNEL", SLACK_CHANNEL)
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://advocates.example.org/")
    yield fake
    server.shutdown()
    server.server_close()
    thread.join()


# The action tests' domain fixture, for the tests here that run the handoff action.
from tests.actions.conftest import domain  # noqa: E402, F401
