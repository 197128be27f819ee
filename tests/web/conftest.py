"""Fixtures for the web app: a real HTTP server standing in for Rasa, and Rasa's tracker table.

The database (a migrated SQLite file per test) is the shared ``database`` fixture of tests/conftest.py.

The stand-in is a plain ``http.server`` on a free port, so the app's HTTP client, URL building,
query encoding and error handling all run for real; only Rasa's behaviour behind the socket is faked.
"""
from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text

from bot.persistence import people
from bot.persistence.db import get_engine
from bot.persistence.tracker_events import event_row
from bot.web.app import create_app

ADVOCATE_TOKEN = "advocate-test-token"
RASA_TOKEN = "rasa secret+/="  # characters that must be encoded in a query string

# The shape of Rasa 3.6's SQLTrackerStore table (rasa/core/tracker_store.py, SQLEvent).
_rasa_metadata = MetaData()
rasa_events = Table(
    "events",
    _rasa_metadata,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("type_name", String(255), nullable=False),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)


def free_port() -> int:
    """A port nothing listens on (bound, read, released): the address of a Rasa that is down."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any


@dataclass
class FakeRasa:
    """What the stand-in received, and the status it answers the tracker endpoint with."""

    url: str
    requests: list[RecordedRequest] = field(default_factory=list)
    tracker_status: int = 200
    # Runs when an action is executed, standing in for what Rasa does meanwhile (a turn in flight).
    on_execute: Callable[[], None] | None = None
    execute_status: int = 200

    def tracker_posts(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.method == "POST" and r.path.endswith("/tracker/events")]

    def executions(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.method == "POST" and r.path.endswith("/execute")]


def _handler_for(fake: FakeRasa) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _record(self, body: Any) -> RecordedRequest:
            parts = urlsplit(self.path)
            request = RecordedRequest(
                self.command, parts.path, parse_qs(parts.query), {k.lower(): v for k, v in self.headers.items()}, body
            )
            fake.requests.append(request)
            return request

        def _answer(self, status: int, payload: Any) -> None:
            raw = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def do_GET(self) -> None:
            request = self._record(None)
            self._answer(200 if request.path in ("/", "/health") else 404, {"status": "ok"})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            request = self._record(json.loads(self.rfile.read(length) or b"null"))
            if request.path.endswith("/tracker/events"):
                self._answer(fake.tracker_status, {"sender_id": "x", "events": []})
            elif request.path.endswith("/execute"):
                if fake.on_execute is not None:
                    fake.on_execute()
                self._answer(fake.execute_status, {"tracker": {"sender_id": "x", "events": []}, "messages": []})
            else:
                self._answer(404, {"error": "not found"})

        def log_message(self, format: str, *args: Any) -> None:
            """Keep the test output quiet."""

    return Handler


@pytest.fixture
def rasa_token() -> str:
    return RASA_TOKEN


@pytest.fixture
def auth() -> dict[str, str]:
    """The headers of the advocate console."""
    return {"Authorization": f"Bearer {ADVOCATE_TOKEN}"}


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tokens set, and Rasa and the action server pointing at ports where nothing listens."""
    monkeypatch.setenv("ADVOCATE_API_TOKEN", ADVOCATE_TOKEN)
    monkeypatch.setenv("RASA_API_TOKEN", RASA_TOKEN)
    monkeypatch.setenv("RASA_URL", f"http://127.0.0.1:{free_port()}")
    monkeypatch.setenv("ACTION_SERVER_URL", f"http://127.0.0.1:{free_port()}")
    # The health page adds Redis and the scaled topology's instances only when these are set.
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("ADVOCATE_INSTANCES", raising=False)


@pytest.fixture
def client(database: str, environment: None) -> Iterator[TestClient]:
    with TestClient(create_app()) as test_client:
        yield test_client


@pytest.fixture
def fake_rasa(monkeypatch: pytest.MonkeyPatch, environment: None) -> Iterator[FakeRasa]:
    """A live HTTP server on a free port, serving as both Rasa and the action server."""
    fake = FakeRasa(url="")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(fake))
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    # A short poll interval: shutdown() waits for one, at the end of every test.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    monkeypatch.setenv("RASA_URL", fake.url)
    monkeypatch.setenv("ACTION_SERVER_URL", fake.url)
    yield fake
    server.shutdown()
    server.server_close()
    thread.join()


AddEvent = Callable[..., None]


@pytest.fixture
def add_event(database: str) -> AddEvent:
    """Create Rasa's tracker table as its SQL tracker store does; give back a way to add events.

    Each event is stored like the project's tracker store stores it (bot.persistence.tracker_events):
    the event's dict as JSON text, sealed with the person's key, under the sender's keyed hash.
    """
    _rasa_metadata.create_all(get_engine())

    def add(sender_id: str, type_name: str, timestamp: float, **data: Any) -> None:
        payload = {"event": type_name, "timestamp": timestamp, **data}
        with get_engine().begin() as connection:
            connection.execute(rasa_events.insert().values(**event_row(people.writer(sender_id), type_name, payload)))

    return add
