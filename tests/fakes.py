"""Local stand-ins for Twilio's and Slack's web APIs: real HTTP servers that record what they get.

The channels are pointed at them with TWILIO_API_BASE_URL / SLACK_API_BASE_URL, so a test sees
exactly the requests that would have gone to Twilio or Slack. ``fail_next`` scripts errors (e.g.
two 503s, then success) to exercise the retries.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    at: float = field(default_factory=time.monotonic)
    status: int = 0  # what the fake answered

    @property
    def form(self) -> dict[str, str]:
        return {key: values[0] for key, values in parse_qs(self.body.decode()).items()}

    @property
    def json(self) -> Any:
        return json.loads(self.body or b"null")


class FakeApi:
    """A threaded HTTP server recording every request; ``answer`` builds the normal response."""

    def __init__(self, answer: Callable[[Recorded], tuple[int, dict[str, Any]]]) -> None:
        self.answer = answer
        self.requests: list[Recorded] = []
        self._failures: list[tuple[int, dict[str, str]]] = []
        self._lock = threading.RLock()  # wait_for's predicate may read the requests under it
        self._changed = threading.Condition(self._lock)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                recorded = Recorded("POST", self.path, dict(self.headers.items()), self.rfile.read(length))
                status, payload, headers = fake._respond(recorded)
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:  # quiet test output
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def _respond(self, recorded: Recorded) -> tuple[int, dict[str, Any], dict[str, str]]:
        with self._changed:
            headers: dict[str, str] = {}
            if self._failures:
                status, headers = self._failures.pop(0)
                payload: dict[str, Any] = {"code": 20500, "message": "Internal Server Error", "status": status}
            else:
                status, payload = self.answer(recorded)
            recorded.status = status  # before anyone waiting on the requests can see it
            self.requests.append(recorded)
            self._changed.notify_all()
        return status, payload, headers

    def fail_next(self, *statuses: int, retry_after: str | None = None) -> None:
        headers = {"Retry-After": retry_after} if retry_after else {}
        with self._lock:
            self._failures.extend((status, headers) for status in statuses)

    def clear(self) -> None:
        with self._lock:
            self.requests.clear()
            self._failures.clear()

    def wait_for(self, predicate: Callable[[list[Recorded]], bool], timeout: float = 60.0) -> list[Recorded]:
        """Block until ``predicate(requests)`` holds; returns the requests (raises on timeout)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not predicate(list(self.requests)):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"timed out; recorded: {[r.path for r in self.requests]}")
                self._changed.wait(left)
            return list(self.requests)

    def start(self) -> FakeApi:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# --- Twilio ------------------------------------------------------------------------------------


class FakeTwilio(FakeApi):
    """``POST /2010-04-01/Accounts/{sid}/Messages.json`` answered 201 like Twilio."""

    def __init__(self) -> None:
        self._count = 0
        super().__init__(self._created)

    def _created(self, recorded: Recorded) -> tuple[int, dict[str, Any]]:
        if not recorded.path.endswith("/Messages.json"):
            return 404, {"code": 20404, "message": "not found"}
        self._count += 1
        form = recorded.form
        return 201, {"sid": f"SM{self._count:032d}", "to": form.get("To"), "body": form.get("Body"), "status": "queued"}

    def sent_to(self, number: str) -> list[dict[str, str]]:
        """The messages Twilio accepted for ``number`` (form fields To, From, Body, ...), in order."""
        with self._lock:
            return [
                r.form
                for r in self.requests
                if r.path.endswith("/Messages.json") and r.status == 201 and r.form.get("To") == number
            ]

    def wait_for_messages(self, number: str, count: int, timeout: float = 60.0) -> list[dict[str, str]]:
        self.wait_for(lambda _: len(self.sent_to(number)) >= count, timeout)
        return self.sent_to(number)


# --- Slack -------------------------------------------------------------------------------------


class FakeSlack(FakeApi):
    """Slack's Web API at ``/api/<method>``; chat.postMessage answers ok with a timestamp."""

    def __init__(self) -> None:
        self._count = 0
        super().__init__(self._ok)

    def _ok(self, recorded: Recorded) -> tuple[int, dict[str, Any]]:
        self._count += 1
        if recorded.path.endswith("/chat.postMessage"):
            payload = recorded.json if "json" in recorded.headers.get("Content-Type", "") else recorded.form
            return 200, {"ok": True, "channel": payload.get("channel"), "ts": f"1700000000.{self._count:06d}"}
        return 200, {"ok": True}

    def posted(self, channel: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            posts = [r.json for r in self.requests if r.path.endswith("/chat.postMessage")]
        return [post for post in posts if channel is None or post.get("channel") == channel]

    def wait_for_posts(self, channel: str, count: int, timeout: float = 60.0) -> list[dict[str, Any]]:
        self.wait_for(lambda _: len(self.posted(channel)) >= count, timeout)
        return self.posted(channel)


@contextmanager
def running(fake: FakeApi) -> Iterator[FakeApi]:
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()
