"""The chat page's HTML, headers and the vendored widget bundle (no browser; see tests/e2e)."""

from __future__ import annotations

import hashlib
import json
import re

import pytest
from fastapi.testclient import TestClient

from bot.channels import widget_session
from bot.web import widget
from bot.web.app import create_app

BUNDLE_SHA256 = "bfedd788e4bd7df12f64b5bf2963e634f84bac1cb176b6cede60c507d3553f1e"  # scripts/vendor_webchat.sh


@pytest.fixture
def client(monkeypatch: pytest.MonkeyPatch) -> TestClient:
    monkeypatch.delenv("WIDGET_SOCKET_URL", raising=False)
    monkeypatch.setenv("RASA_URL", "http://127.0.0.1:5005")
    return TestClient(create_app())


def config_of(html: str) -> dict[str, object]:
    match = re.search(r'<script id="advocate-chat-config" type="application/json">(.*?)</script>', html, re.S)
    assert match
    return json.loads(match.group(1))


def test_the_page_points_the_widget_at_rasa_by_default(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    config = config_of(response.text)
    assert config["socketUrl"] == "http://127.0.0.1:5005"
    assert config["socketPath"] == "/socket.io/"
    assert config["initPayload"] == "/greet"
    assert "Talk to a person" in response.text and "911" in response.text and "988" in response.text
    assert 'id="this-tab-only"' in response.text


def test_a_deployment_sets_the_public_socket_url(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WIDGET_SOCKET_URL", "https://chat.example.org/")
    response = client.get("/")
    assert config_of(response.text)["socketUrl"] == "https://chat.example.org"
    policy = response.headers["content-security-policy"]
    assert "connect-src 'self' https://chat.example.org wss://chat.example.org" in policy


def test_the_policy_allows_only_this_app_s_scripts(client: TestClient) -> None:
    policy = client.get("/").headers["content-security-policy"]
    assert "script-src 'self';" in policy
    assert "unsafe-eval" not in policy and "googleapis" not in policy
    assert "frame-ancestors 'self'" in policy


def test_config_cannot_break_out_of_its_script_tag(monkeypatch: pytest.MonkeyPatch) -> None:
    html = widget.page("http://x/</script><script>alert(1)</script>", widget_session.issue())
    assert "</script><script>alert(1)" not in html


def test_every_page_carries_a_fresh_signed_session_and_is_not_cached(client: TestClient) -> None:
    pages = [client.get("/") for _ in range(2)]
    sessions = [config_of(page.text)["session"] for page in pages]
    assert sessions[0] != sessions[1]
    assert all(widget_session.conversation_id(session) for session in sessions)  # signed by the server
    assert all(page.headers["cache-control"] == "no-store" for page in pages)


def test_static_files_are_served(client: TestClient) -> None:
    for path in ("advocate-chat.js", "advocate-chat.css", widget.WEBCHAT_BUNDLE):
        assert client.get(f"{widget.STATIC_PATH}/{path}").status_code == 200, path


def test_the_vendored_bundle_is_the_released_one() -> None:
    bundle = (widget.STATIC_DIR / widget.WEBCHAT_BUNDLE).read_bytes()
    assert hashlib.sha256(bundle).hexdigest() == BUNDLE_SHA256
    assert "Apache License" in (widget.STATIC_DIR / "vendor" / "rasa-webchat-1.0.1" / "LICENSE").read_text()
